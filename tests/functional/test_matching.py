"""Matching runs through the pages and the command line: propose, explain, adjust, approve."""

import re
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from sqlalchemy import select

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.audit import AuditEntry
from exchange.auth.models import Role
from exchange.contracts.models import Contract, ContractStatus
from exchange.extensions import db
from exchange.matching.models import MatchingRun, RunStatus
from exchange.placements.models import PlacementCapacity
from tests import builders
from tests.functional.steps import as_user


def _students(world, count):
    return [builders.user(Role.STUDENT, lc_=world.federation.home_lc) for _ in range(count)]


def _submitted(world, points_and_months):
    applications = []
    for student, (points, months) in zip(
        _students(world, len(points_and_months)), points_and_months, strict=True
    ):
        applications.append(
            builders.application(
                student,
                world.federation.host,
                state=State.SUBMITTED,
                submitted_at=clock.now(),
                points=Decimal(points),
                months=months,
            )
        )
    db.session.commit()
    return applications


def _nominated(world, points_list, ranked):
    contract = db.session.scalar(select(Contract))
    applications = []
    for student, points in zip(_students(world, len(points_list)), points_list, strict=True):
        application = builders.application(
            student,
            world.federation.host,
            state=State.NOMINATED,
            submitted_at=clock.now(),
            host_points=Decimal(points),
            months=[7],
            contract_id=contract.id,
            exchange_month=7,
            nominated_at=clock.now(),
            ca_due_on=date(2026, 5, 6),
        )
        from exchange.applications.models import Preference

        for rank, placement in enumerate(ranked, start=1):
            application.preferences.append(Preference(rank=rank, placement_id=placement.id))
        applications.append(application)
    db.session.commit()
    return applications


def _run(client, world, kind, officer, program="SCOPE", ranking="points"):
    as_user(client, officer)
    nmo = world.federation.home if kind == "outgoing" else world.federation.host
    response = client.post(
        "/matching/run",
        data={
            "kind": kind,
            "scope": f"{nmo.id}:{builders.program(program).id}",
            "season_id": builders.season().id,
            "ranking": ranking,
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    run_id = int(response.headers["Location"].rsplit("/", 1)[1])
    return db.session.get(MatchingRun, run_id)


def _states(applications):
    db.session.expire_all()
    return [db.session.get(Application, a.id).state for a in applications]


def _text(html: str) -> str:
    """The page's text with its tags dropped and its white space run together."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _figures(html: str) -> dict[str, int]:
    """The figures at the top of a proposal page, by what they count."""
    return {
        label: int(number)
        for number, label in re.findall(
            r'<div class="stat">(\d+)</div><div class="small text-body-secondary">([^<]+)</div>',
            html,
        )
    }


def _options(html: str, application) -> list[str]:
    """The choices the page offers for one student's slot, as their labels read."""
    select_html = html.split(f'id="slot-{application.id}"', 1)[1].split("</select>", 1)[0]
    return [
        " ".join(label.split())
        for label in re.findall(r"<option[^>]*>([^<]*)</option>", select_html)
    ]


def _row(html: str, application) -> str:
    """The text of one student's row of the proposal table."""
    row_html = html.split(f">{application.code}</a>", 1)[1].split("</tr>", 1)[0]
    return _text(row_html)


def test_outgoing_allocation_proposes_explains_and_nominates_on_approval(client, world, spring):
    best, middle, last = _submitted(world, [("90", [7]), ("80", [7, 8]), ("70", [8])])
    run = _run(client, world, "outgoing", world.home_neo)
    assignments = {row["application_id"]: row for row in run.proposal}
    contract = db.session.scalar(select(Contract))
    assert assignments[best.id]["slot"] == f"c{contract.id}-7"
    assert assignments[middle.id]["slot"] == f"c{contract.id}-8"
    assert assignments[middle.id]["rank"] == 2
    assert assignments[last.id]["slot"] is None
    (refusal,) = assignments[last.id]["refusals"]
    assert refusal["reason"] == "full" and refusal["held_by"] == [middle.id]

    # The proposal page shows it, with the reasons; nothing has changed yet.
    page = client.get(f"/matching/{run.id}").get_data(as_text=True)
    assert "2nd choice" in page and f"full with students ranked higher ({middle.code})" in page
    assert _states([best, middle, last]) == [State.SUBMITTED] * 3

    response = client.post(f"/matching/{run.id}/approve", follow_redirects=True)
    assert "2 applications nominated" in response.get_data(as_text=True)
    assert _states([best, middle, last]) == [State.NOMINATED, State.NOMINATED, State.SUBMITTED]
    assert db.session.get(Application, middle.id).exchange_month == 8
    assert db.session.get(MatchingRun, run.id).status == RunStatus.APPROVED
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "matching_approved"))
    assert (entry.actor_id, entry.target, entry.detail) == (
        world.home_neo.id,
        f"matching run {run.id}",
        "2 placed",
    )


def test_incoming_placement_accepts_and_issues_the_cards(client, world, spring):
    first, second = _nominated(world, ["90", "60"], [world.department, world.other_department])
    run = _run(client, world, "incoming", world.host_neo)
    rows = {row["application_id"]: row for row in run.proposal}
    assert rows[first.id]["slot"] == f"p{world.department.id}-7"
    assert rows[second.id]["slot"] == f"p{world.other_department.id}-7"
    assert rows[second.id]["refusals"][0]["held_by"] == [first.id]

    client.post(f"/matching/{run.id}/approve")
    db.session.expire_all()
    first, second = (db.session.get(Application, a.id) for a in (first, second))
    assert (first.state, second.state) == (State.ACCEPTED, State.ACCEPTED)
    assert first.starts_on == date(2026, 7, 1)
    assert first.contact_person == world.host_leo.name  # the placement LC's local officer
    assert second.contact_person == world.host_neo.name  # Maribor has none: the approver


def test_the_officer_changes_single_assignments_within_capacity(client, world, spring):
    first, second = _nominated(world, ["90", "60"], [world.department, world.other_department])
    run = _run(client, world, "incoming", world.host_neo)
    cardiology = f"p{world.department.id}-7"

    response = client.post(
        f"/matching/{run.id}/assign",
        data={"application_id": second.id, "slot": cardiology},
        follow_redirects=True,
    )
    assert "is full (1 of 1); move someone out first" in response.get_data(as_text=True)

    client.post(f"/matching/{run.id}/assign", data={"application_id": first.id, "slot": ""})
    client.post(
        f"/matching/{run.id}/assign", data={"application_id": second.id, "slot": cardiology}
    )
    page = client.get(f"/matching/{run.id}").get_data(as_text=True)
    assert "changed by hand" in page
    assert _states([first, second]) == [State.NOMINATED, State.NOMINATED]

    client.post(f"/matching/{run.id}/approve")
    assert _states([first, second]) == [State.NOMINATED, State.ACCEPTED]
    assert db.session.get(Application, second.id).placement_id == world.department.id


def test_approval_is_all_or_nothing(client, world, spring):
    best, middle = _submitted(world, [("90", [7]), ("80", [8])])
    run = _run(client, world, "outgoing", world.home_neo)
    # Meanwhile one student withdraws: the proposal can no longer be approved as it is.
    middle.state, middle.closed_at, middle.closing_reason = State.WITHDRAWN, clock.now(), "Ill."
    db.session.commit()
    response = client.post(f"/matching/{run.id}/approve", follow_redirects=True)
    assert f"{middle.code}:" in response.get_data(as_text=True)
    assert "Nothing was approved" in response.get_data(as_text=True)
    assert _states([best, middle]) == [State.SUBMITTED, State.WITHDRAWN]
    assert db.session.get(MatchingRun, run.id).status == RunStatus.PROPOSED


def test_a_new_run_replaces_the_open_proposal_and_discard_changes_nothing(client, world, spring):
    _submitted(world, [("90", [7])])
    first = _run(client, world, "outgoing", world.home_neo)
    second = _run(client, world, "outgoing", world.home_neo)
    assert db.session.get(MatchingRun, first.id).status == RunStatus.DISCARDED
    client.post(f"/matching/{second.id}/discard")
    assert db.session.get(MatchingRun, second.id).status == RunStatus.DISCARDED
    response = client.post(f"/matching/{second.id}/approve", follow_redirects=True)
    assert "is discarded already" in response.get_data(as_text=True)


def test_only_the_nmos_national_officers_see_its_runs(client, world, spring):
    _submitted(world, [("90", [7])])
    run = _run(client, world, "outgoing", world.home_neo)
    as_user(client, world.host_neo)  # another NMO's officer
    assert client.get(f"/matching/{run.id}").status_code == 404
    assert client.post(f"/matching/{run.id}/approve").status_code == 404
    as_user(client, world.student)
    assert client.get("/matching/").status_code == 403


def test_an_officer_cannot_run_another_nmos_matching(client, world, spring):
    as_user(client, world.host_neo)
    response = client.post(
        "/matching/run",
        data={
            "kind": "outgoing",
            "scope": f"{world.federation.home.id}:{builders.program().id}",
            "season_id": builders.season().id,
            "ranking": "points",
        },
        follow_redirects=True,
    )
    assert "Choose what to match" in response.get_data(as_text=True)
    assert db.session.scalars(select(MatchingRun)).all() == []


@pytest.mark.parametrize("approve", [False, True])
def test_the_command_line_runs_and_approves(app, world, spring, approve):
    first, second = _nominated(world, ["90", "60"], [world.department, world.other_department])
    args = ["exchange", "match", "--season", "2026/27", "--program", "scope", "--host", "slomsic"]
    result = app.test_cli_runner().invoke(args=args + (["--approve"] if approve else []))
    assert result.exit_code == 0, result.output
    assert f"{first.code}  Cardiology, Ljubljana, July (1st choice)" in result.output
    assert f"{second.code}  Surgery, Maribor, July (2nd choice)" in result.output
    expected = State.ACCEPTED if approve else State.NOMINATED
    assert _states([first, second]) == [expected, expected]


def test_a_closed_first_choice_is_explained_not_skipped(client, world, spring):
    world.department.closed_at = clock.now()
    db.session.commit()
    _nominated(world, ["90"], [world.department, world.other_department])
    run = _run(client, world, "incoming", world.host_neo)
    (row,) = run.proposal
    assert row["slot"] == f"p{world.other_department.id}-7"
    assert row["rank"] == 2
    (refusal,) = row["refusals"]
    assert refusal == {"slot": f"p{world.department.id}-7", "reason": "full", "held_by": []}
    page = _text(client.get(f"/matching/{run.id}").get_data(as_text=True))
    assert "Cardiology, Ljubljana (closed), July: placement closed" in page
    assert "no free place" not in page


def test_by_hand_only_months_the_student_can_go(client, world, spring):
    (application,) = _submitted(world, [("90", [7])])
    run = _run(client, world, "outgoing", world.home_neo)
    contract = db.session.scalar(select(Contract))
    response = client.post(
        f"/matching/{run.id}/assign",
        data={"application_id": application.id, "slot": f"c{contract.id}-8"},
        follow_redirects=True,
    )
    assert "cannot go to that slot" in response.get_data(as_text=True)


def test_each_nmo_ranks_with_its_own_points(client, world, spring):
    early, late = _submitted(world, [("10", [7]), ("20", [7])])
    as_user(client, world.home_neo)
    client.post(f"/applications/{late.code}/points", data={"points": "95.5"})
    assert db.session.get(Application, late.id).points == Decimal("95.50")
    response = client.post(
        f"/applications/{early.code}/points", data={"points": "5000"}, follow_redirects=True
    )
    assert "from 0 to 1000" in response.get_data(as_text=True)

    # Points decide the contract's one July slot; by submission time the earlier one gets it.
    run = _run(client, world, "outgoing", world.home_neo, ranking="points")
    placed = {r["application_id"]: r["slot"] is not None for r in run.proposal}
    assert placed == {early.id: False, late.id: True}
    run = _run(client, world, "outgoing", world.home_neo, ranking="submission")
    placed = {r["application_id"]: r["slot"] is not None for r in run.proposal}
    assert placed == {early.id: True, late.id: False}

    # The host gives its own points once the students are nominated there.
    first, second = _nominated(world, ["10", "20"], [world.department])
    as_user(client, world.host_neo)
    client.post(f"/applications/{first.code}/points", data={"points": "80"})  # over 20
    assert db.session.get(Application, first.id).host_points == Decimal("80.00")
    assert db.session.get(Application, first.id).points is None  # the home NMO's untouched
    run = _run(client, world, "incoming", world.host_neo)
    rows = {r["application_id"]: r["slot"] for r in run.proposal}
    assert rows[first.id] == f"p{world.department.id}-7" and rows[second.id] is None

    # Neither side ranks the other's students.
    assert (
        client.post(f"/applications/{early.code}/points", data={"points": "1"}).status_code == 404
    )


def test_a_hand_change_counts_places_taken_since_the_run(client, world, spring):
    _, second = _nominated(world, ["90", "60"], [world.department, world.other_department])
    run = _run(client, world, "incoming", world.host_neo)
    # Since the run, Surgery's only July place went to someone else.
    surgery = db.session.scalar(
        select(PlacementCapacity).where(
            PlacementCapacity.placement_id == world.other_department.id,
            PlacementCapacity.month == 7,
        )
    )
    surgery.used = 1
    db.session.commit()
    client.post(f"/matching/{run.id}/assign", data={"application_id": second.id, "slot": ""})
    response = client.post(
        f"/matching/{run.id}/assign",
        data={"application_id": second.id, "slot": f"p{world.other_department.id}-7"},
        follow_redirects=True,
    )
    assert "is full (0 of 0)" in response.get_data(as_text=True)


def test_a_hand_move_is_explained_by_who_moved_the_student_and_when(client, world, spring):
    best, middle, last = _submitted(world, [("90", [7]), ("80", [7, 8]), ("70", [8])])
    run = _run(client, world, "outgoing", world.home_neo)
    august = f"c{db.session.scalar(select(Contract)).id}-8"
    page = client.get(f"/matching/{run.id}").get_data(as_text=True)
    assert f"full with students ranked higher ({middle.code})" in _row(page, last)

    client.post(f"/matching/{run.id}/assign", data={"application_id": middle.id, "slot": ""})
    client.post(f"/matching/{run.id}/assign", data={"application_id": last.id, "slot": august})

    page = client.get(f"/matching/{run.id}").get_data(as_text=True)
    moved = f"Moved by hand by {world.home_neo.name} on 2 March 2026"
    assert moved in _row(page, last) and "full with" not in _row(page, last)
    assert moved in _row(page, middle) and "No choice has a free" not in _row(page, middle)
    assert "Moved by hand" not in _row(page, best)


def test_the_figures_and_the_choices_follow_each_hand_change(client, world, spring):
    best, middle, last = _submitted(world, [("90", [7]), ("80", [7, 8]), ("70", [7])])
    run = _run(client, world, "outgoing", world.home_neo)
    contract = db.session.scalar(select(Contract))
    july = f"c{contract.id}-7"

    def page():
        return client.get(f"/matching/{run.id}").get_data(as_text=True)

    def figures(placed, first, free):
        return {"students": 3, "placed": placed, "got their 1st choice": first, "free slots": free}

    shown = page()
    assert _figures(shown) == figures(2, 1, 0)
    assert _options(shown, last) == ["Not placed", "Contract with SLOMSIC, July (1/1)"]
    assert "Approve 2 assignments" in shown

    client.post(f"/matching/{run.id}/assign", data={"application_id": best.id, "slot": ""})
    shown = page()
    assert _figures(shown) == figures(1, 0, 1)
    assert _options(shown, last) == ["Not placed", "Contract with SLOMSIC, July (0/1)"]
    assert re.search(r"Approve 1 assignment(?!s)", shown)

    client.post(f"/matching/{run.id}/assign", data={"application_id": last.id, "slot": july})
    shown = page()
    assert _figures(shown) == figures(2, 1, 0)
    assert _options(shown, middle) == [
        "Not placed",
        "Contract with SLOMSIC, July (1/1)",
        "Contract with SLOMSIC, August (1/1)",
    ]


def test_a_month_that_has_begun_is_neither_offered_nor_taken_nor_approved(client, world, spring):
    (application,) = _submitted(world, [("90", [7, 8])])
    run = _run(client, world, "outgoing", world.home_neo)
    july = f"c{db.session.scalar(select(Contract)).id}-7"
    assert run.proposal[0]["slot"] == july

    with time_machine.travel("2026-07-01 09:00:00+00:00", tick=False):
        as_user(client, world.home_neo)
        page = client.get(f"/matching/{run.id}").get_data(as_text=True)
        assert _options(page, application) == ["Not placed", "Contract with SLOMSIC, August (0/1)"]
        assert "July has begun: move the student to a later month" in _row(page, application)

        # A crafted form that asks for July anyway.
        refused = client.post(
            f"/matching/{run.id}/assign",
            data={"application_id": application.id, "slot": july},
            follow_redirects=True,
        ).get_data(as_text=True)
        approval = client.post(f"/matching/{run.id}/approve", follow_redirects=True)

    assert (
        f"{application.code}: July 2026 began on 1 July 2026: proposals go only into months "
        "that have not begun yet; choose a later month." in _text(refused)
    )
    assert "The proposal is changed" not in refused
    assert db.session.get(MatchingRun, run.id).proposal[0].get("moved_by") is None
    approval = _text(approval.get_data(as_text=True))
    assert f"{application.code}: July 2026 began on 1 July 2026" in approval
    assert "Nothing was approved." in approval
    assert _states([application]) == [State.SUBMITTED]
    assert db.session.get(MatchingRun, run.id).status == RunStatus.PROPOSED


def test_a_contract_not_confirmed_yet_is_named_as_the_reason(client, world, spring):
    contract = db.session.scalar(select(Contract))
    contract.status = ContractStatus.PROPOSED
    db.session.commit()
    (application,) = _submitted(world, [("90", [7])])
    run = _run(client, world, "outgoing", world.home_neo)

    row = _row(client.get(f"/matching/{run.id}").get_data(as_text=True), application)

    assert "Contract with SLOMSIC (not confirmed yet), July: contract not confirmed yet" in row
    assert "no free slot" not in row


def test_a_run_stored_before_the_reasons_were_kept_still_shows(client, world, spring):
    best, last = _submitted(world, [("90", [7]), ("70", [7])])
    contract = db.session.scalar(select(Contract))
    key = f"c{contract.id}-7"
    old = MatchingRun(
        kind="outgoing",
        nmo_id=world.federation.home.id,
        program_id=builders.program().id,
        season_id=builders.season().id,
        ranking="points",
        created_by_id=world.home_neo.id,
        slots={
            key: {
                "label": "Contract with SLOMSIC",
                "month": 7,
                "target_id": contract.id,
                "host_nmo_id": world.federation.host.id,
                "capacity": 0,
            }
        },
        proposal=[
            {
                "application_id": best.id,
                "slot": None,
                "rank": None,
                "refusals": [],
                "changed": True,
            },
            {
                "application_id": last.id,
                "slot": None,
                "rank": None,
                "refusals": [{"slot": key, "reason": "full", "held_by": []}],
                "changed": False,
            },
        ],
    )
    db.session.add(old)
    db.session.commit()
    as_user(client, world.home_neo)

    page = client.get(f"/matching/{old.id}").get_data(as_text=True)

    assert "Contract with SLOMSIC, July: no free slot" in _row(page, last)
    assert "No choice has a free slot this season." in _row(page, best)
    assert _figures(page)["free slots"] == 0


def test_a_run_that_places_no_one_offers_no_approval(client, world):
    as_user(client, world.home_neo)
    response = client.post(
        "/matching/run",
        data={
            "kind": "outgoing",
            "scope": f"{world.federation.home.id}:{builders.program().id}",
            "season_id": builders.season().id,
            "ranking": "points",
        },
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert "nothing to match" in page
    assert "Approve" not in page
