"""The matcher: applicant-proposing deferred acceptance for hospitals/residents problems.

Pure Python, no Flask, no SQLAlchemy. Applicants rank slots, slots rank applicants and
take up to ``capacity`` of them; ``match`` returns the stable matching that is best for
every applicant (Gale-Shapley, Roth's hospitals/residents form). The result is unique, so
it does not depend on the order applicants propose in: the engine is deterministic.

Each applicant proposes to its slots in order, at most once each; a slot holds the best
applicants it has been offered so far and turns away the worst one when it overflows. That
is O(total length of the preference lists * log capacity), after O(total length of the
rankings) to index them.
"""

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from heapq import heappush, heapreplace

NOT_ACCEPTABLE = "not acceptable"
FULL = "full"


@dataclass(frozen=True)
class Applicant:
    id: Hashable
    preferences: Sequence[Hashable]  # slot ids, most wanted first


@dataclass(frozen=True)
class Slot:
    id: Hashable
    capacity: int
    ranking: Sequence[Hashable]  # applicant ids, best first; one not in it is not acceptable


@dataclass(frozen=True)
class Refusal:
    """Why an applicant did not get a slot it preferred to the one it got."""

    slot_id: Hashable
    reason: str  # NOT_ACCEPTABLE or FULL
    held_by: tuple = ()  # for FULL: the applicants the slot holds, all ranked higher

    def __str__(self) -> str:
        if self.reason == NOT_ACCEPTABLE:
            return f"{self.slot_id}: does not accept this applicant"
        if not self.held_by:
            return f"{self.slot_id}: no place at all"
        held = ", ".join(map(str, self.held_by))
        return f"{self.slot_id}: full with applicants it ranks higher ({held})"


@dataclass(frozen=True)
class Explanation:
    applicant_id: Hashable
    slot_id: Hashable | None  # None: unmatched
    rank: int | None  # 1 for the first choice; None when unmatched
    refusals: tuple[Refusal, ...]  # one per slot preferred to the one obtained


@dataclass
class MatchResult:
    assignments: dict  # applicant id -> slot id, for every matched applicant
    _applicants: dict = field(repr=False)
    _slots: dict = field(repr=False)
    _ranks: dict = field(repr=False)

    _holders: dict | None = field(default=None, repr=False)

    def holders(self, slot_id: Hashable) -> list:
        """The applicants matched to ``slot_id``, in the slot's order of preference."""
        if self._holders is None:  # indexed once, so explaining everyone stays linear
            self._holders = {}
            for applicant_id, held_slot in self.assignments.items():
                self._holders.setdefault(held_slot, []).append(applicant_id)
            for held_slot, held in self._holders.items():
                held.sort(key=self._ranks[held_slot].__getitem__)
        return self._holders.get(slot_id, [])

    def explain(self, applicant_id: Hashable) -> Explanation:
        """The rank of the slot the applicant got, and why each better one said no."""
        applicant = self._applicants[applicant_id]
        obtained = self.assignments.get(applicant_id)
        refusals = []
        rank = None
        for position, slot_id in enumerate(applicant.preferences, start=1):
            if slot_id == obtained:
                rank = position
                break
            slot_rank = self._ranks[slot_id]
            if applicant_id not in slot_rank:
                refusals.append(Refusal(slot_id, NOT_ACCEPTABLE))
            else:
                mine = slot_rank[applicant_id]
                held = tuple(a for a in self.holders(slot_id) if slot_rank[a] < mine)
                refusals.append(Refusal(slot_id, FULL, held))
        return Explanation(applicant_id, obtained, rank, tuple(refusals))

    def explanations(self) -> dict:
        return {applicant_id: self.explain(applicant_id) for applicant_id in self._applicants}


def _check(applicants: list[Applicant], slots: list[Slot]) -> None:
    applicant_ids = [a.id for a in applicants]
    slot_ids = [s.id for s in slots]
    for what, ids in (("applicant", applicant_ids), ("slot", slot_ids)):
        if len(set(ids)) != len(ids):
            seen, duplicates = set(), []
            for identifier in ids:
                if identifier in seen:
                    duplicates.append(identifier)
                seen.add(identifier)
            raise ValueError(f"duplicate {what} ids: {sorted(map(repr, set(duplicates)))}")
    known_slots, known_applicants = set(slot_ids), set(applicant_ids)
    for applicant in applicants:
        unknown = [s for s in applicant.preferences if s not in known_slots]
        if unknown:
            raise ValueError(f"applicant {applicant.id!r} ranks unknown slots {unknown!r}")
        if len(set(applicant.preferences)) != len(applicant.preferences):
            raise ValueError(f"applicant {applicant.id!r} ranks a slot twice")
    for slot in slots:
        if not isinstance(slot.capacity, int) or slot.capacity < 0:
            raise ValueError(f"slot {slot.id!r} has capacity {slot.capacity!r}; give 0 or more")
        unknown = [a for a in slot.ranking if a not in known_applicants]
        if unknown:
            raise ValueError(f"slot {slot.id!r} ranks unknown applicants {unknown!r}")
        if len(set(slot.ranking)) != len(slot.ranking):
            raise ValueError(f"slot {slot.id!r} ranks an applicant twice")


def match(applicants: Iterable[Applicant], slots: Iterable[Slot]) -> MatchResult:
    """The applicant-optimal stable matching of ``applicants`` to ``slots``.

    Raises ``ValueError`` for unknown or duplicate ids and negative capacities.
    """
    applicants, slots = list(applicants), list(slots)
    _check(applicants, slots)

    ranks = {slot.id: {a: i for i, a in enumerate(slot.ranking)} for slot in slots}
    capacity = {slot.id: slot.capacity for slot in slots}
    # Per slot, a heap of (-rank, applicant id): its worst held applicant on top.
    held: dict = {slot.id: [] for slot in slots}
    preferences = [a.preferences for a in applicants]
    ids = [a.id for a in applicants]
    next_choice = [0] * len(applicants)
    assigned: dict = {}

    free = list(range(len(applicants) - 1, -1, -1))  # a stack; the order does not matter
    while free:
        index = free.pop()
        choices = preferences[index]
        applicant_id = ids[index]
        while next_choice[index] < len(choices):
            slot_id = choices[next_choice[index]]
            next_choice[index] += 1
            rank = ranks[slot_id].get(applicant_id)
            if rank is None or capacity[slot_id] == 0:
                continue
            heap = held[slot_id]
            if len(heap) < capacity[slot_id]:
                heappush(heap, (-rank, index))
                assigned[index] = slot_id
                break
            worst_rank, worst = heap[0]
            if rank < -worst_rank:
                heapreplace(heap, (-rank, index))
                assigned[index] = slot_id
                del assigned[worst]
                free.append(worst)
                break
    return MatchResult(
        assignments={ids[index]: slot_id for index, slot_id in sorted(assigned.items())},
        _applicants={a.id: a for a in applicants},
        _slots={s.id: s for s in slots},
        _ranks=ranks,
    )
