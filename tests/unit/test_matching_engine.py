"""The matcher: worked examples, malformed input, explanations, and properties on random
instances (stability, capacities, acceptability, and agreement with the `matching` package).
"""

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exchange.matching.engine import FULL, NOT_ACCEPTABLE, Applicant, Slot, match


def test_textbook_instance_gives_the_applicant_optimal_matching():
    # Two applicants, two slots of one place, opposed preferences: two stable matchings
    # exist; applicant-proposing gives each applicant their first choice.
    applicants = [Applicant("ana", ["x", "y"]), Applicant("ben", ["y", "x"])]
    slots = [Slot("x", 1, ["ben", "ana"]), Slot("y", 1, ["ana", "ben"])]
    assert match(applicants, slots).assignments == {"ana": "x", "ben": "y"}


def test_a_slot_keeps_the_best_and_turns_the_rest_away():
    applicants = [Applicant(i, ["x", "y"]) for i in (1, 2, 3)]
    slots = [Slot("x", 2, [3, 1, 2]), Slot("y", 1, [2, 1, 3])]
    result = match(applicants, slots)
    assert result.assignments == {1: "x", 2: "y", 3: "x"}
    assert result.holders("x") == [3, 1]


def test_unacceptable_and_zero_capacity_slots_are_skipped():
    applicants = [Applicant("a", ["x", "y", "z"])]
    slots = [Slot("x", 1, []), Slot("y", 0, ["a"]), Slot("z", 1, ["a"])]
    result = match(applicants, slots)
    assert result.assignments == {"a": "z"}
    explanation = result.explain("a")
    assert explanation.rank == 3
    # x does not rank "a"; y would, but has no place at all.
    assert [(r.slot_id, r.reason, r.held_by) for r in explanation.refusals] == [
        ("x", NOT_ACCEPTABLE, ()),
        ("y", FULL, ()),
    ]
    assert str(explanation.refusals[1]) == "y: no place at all"


def test_explanations_name_who_filled_a_preferred_slot():
    applicants = [Applicant("a", ["x", "y"]), Applicant("b", ["x"]), Applicant("c", ["x"])]
    slots = [Slot("x", 2, ["b", "c", "a"]), Slot("y", 1, ["a"])]
    result = match(applicants, slots)
    explanation = result.explain("a")
    assert (explanation.slot_id, explanation.rank) == ("y", 2)
    (refusal,) = explanation.refusals
    assert (refusal.slot_id, refusal.reason, refusal.held_by) == ("x", FULL, ("b", "c"))
    assert str(refusal) == "x: full with applicants it ranks higher (b, c)"


def test_an_unmatched_applicant_is_explained_for_every_choice():
    applicants = [Applicant("a", ["x"]), Applicant("b", ["x"])]
    result = match(applicants, [Slot("x", 1, ["b", "a"])])
    explanation = result.explain("a")
    assert (explanation.slot_id, explanation.rank) == (None, None)
    assert explanation.refusals[0].held_by == ("b",)
    assert set(result.explanations()) == {"a", "b"}


@pytest.mark.parametrize(
    ("applicants", "slots", "message"),
    [
        ([Applicant(1, ["x"]), Applicant(1, ["x"])], [Slot("x", 1, [1])], "duplicate applicant"),
        ([Applicant(1, ["x"])], [Slot("x", 1, [1]), Slot("x", 1, [])], "duplicate slot"),
        ([Applicant(1, ["nowhere"])], [Slot("x", 1, [1])], "unknown slots"),
        ([Applicant(1, ["x"])], [Slot("x", 1, [1, 2])], "unknown applicants"),
        ([Applicant(1, ["x"])], [Slot("x", -1, [1])], "capacity -1"),
        ([Applicant(1, ["x", "x"])], [Slot("x", 1, [1])], "ranks a slot twice"),
        ([Applicant(1, ["x"])], [Slot("x", 1, [1, 1])], "ranks an applicant twice"),
    ],
)
def test_malformed_input_is_refused_with_a_clear_message(applicants, slots, message):
    with pytest.raises(ValueError, match=message):
        match(applicants, slots)


# Random instances


@st.composite
def instances(draw):
    applicant_count = draw(st.integers(0, 14))
    slot_count = draw(st.integers(1, 7))
    slot_ids = [f"s{i}" for i in range(slot_count)]
    applicants = [
        Applicant(
            f"a{i}",
            draw(st.lists(st.sampled_from(slot_ids), unique=True, max_size=4)),
        )
        for i in range(applicant_count)
    ]
    slots = []
    for slot_id in slot_ids:
        applied = [a.id for a in applicants if slot_id in a.preferences]
        # A slot ranks some of those who applied (the others are not acceptable).
        ranking = draw(st.permutations(applied))
        kept = draw(st.integers(0, len(ranking)))
        slots.append(Slot(slot_id, draw(st.integers(0, 3)), list(ranking[:kept])))
    return applicants, slots


def _blocking_pairs(applicants, slots, assignments):
    by_id = {s.id: s for s in slots}
    held: dict = {s.id: [] for s in slots}
    for applicant_id, slot_id in assignments.items():
        held[slot_id].append(applicant_id)
    pairs = []
    for applicant in applicants:
        obtained = assignments.get(applicant.id)
        better = (
            applicant.preferences[: applicant.preferences.index(obtained)]
            if obtained
            else applicant.preferences
        )
        for slot_id in better:
            slot = by_id[slot_id]
            if applicant.id not in slot.ranking:
                continue
            position = slot.ranking.index(applicant.id)
            has_room = len(held[slot_id]) < slot.capacity
            prefers = any(slot.ranking.index(other) > position for other in held[slot_id])
            if has_room or prefers:
                pairs.append((applicant.id, slot_id))
    return pairs


@settings(max_examples=300, deadline=None)
@given(instances())
def test_matching_is_stable_within_capacity_and_acceptable(instance):
    applicants, slots = instance
    result = match(applicants, slots)
    by_id = {s.id: s for s in slots}
    preferences = {a.id: a.preferences for a in applicants}
    for applicant_id, slot_id in result.assignments.items():
        assert slot_id in preferences[applicant_id]
        assert applicant_id in by_id[slot_id].ranking
    for slot in slots:
        assert len(result.holders(slot.id)) <= slot.capacity
    assert _blocking_pairs(applicants, slots, result.assignments) == []


@settings(max_examples=300, deadline=None)
@given(instances())
def test_the_same_as_the_matching_package(instance):
    from matching.games import HospitalResident

    applicants, slots = instance
    ours = match(applicants, slots).assignments
    # `matching` breaks on a slot of capacity 0 and on an applicant who ranks nothing; both
    # are the same as absent, so they are left out of its instance.
    open_slots = {s.id for s in slots if s.capacity > 0}
    residents = {
        a.id: [s for s in a.preferences if s in open_slots]
        for a in applicants
        if any(s in open_slots for s in a.preferences)
    }
    hospitals = {s.id: list(s.ranking) for s in slots if s.id in open_slots}
    capacities = {s.id: s.capacity for s in slots if s.id in open_slots}
    if not residents:
        assert ours == {}
        return
    with warnings.catch_warnings():
        # clean=True drops pairs that only one side ranks, and warns about each: expected.
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(
            residents, hospitals, capacities, clean=True
        )
        solution = game.solve(optimal="resident")
    theirs = {r.name: h.name for h, matched in solution.items() for r in matched}
    assert ours == theirs


@given(instances(), st.randoms())
def test_the_result_does_not_depend_on_input_order(instance, random):
    applicants, slots = instance
    shuffled_applicants, shuffled_slots = applicants[:], slots[:]
    random.shuffle(shuffled_applicants)
    random.shuffle(shuffled_slots)
    assert (
        match(applicants, slots).assignments
        == match(shuffled_applicants, shuffled_slots).assignments
    )
