"""The whole application cycle through the real forms and routes, with the test client."""

from datetime import date

import time_machine
from sqlalchemy import select

from exchange.applications.models import Application, StateTransition
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import ContractSlot
from exchange.extensions import db
from exchange.outbox import OutboxMessage
from exchange.placements.models import PlacementCapacity
from tests import builders
from tests.functional.steps import (
    PDF,
    accept,
    as_user,
    fill_in,
    nominate,
    start_application,
    submitted_application,
    upload,
)


def test_the_whole_cycle_from_application_to_certificate(client, world, spring):
    application = submitted_application(client, world)
    code = application.code
    assert application.state == State.SUBMITTED
    assert application.months == [7]
    assert application.languages == [dict(language) for language in builders.LANGUAGES]
    assert [p.placement_id for p in application.preferences] == [world.department.id]

    # The home national officer finds it in the outgoing queue and nominates it.
    as_user(client, world.home_neo)
    queue = client.get("/applications/?queue=outgoing").get_data(as_text=True)
    assert code in queue
    page = nominate(client, world, application).get_data(as_text=True)
    assert f"{code} is nominated to SLOMSIC" in page
    db.session.refresh(application)
    assert (application.state, application.exchange_month) == (State.NOMINATED, 7)
    assert application.ca_due_on == date(2026, 5, 6)  # 8 weeks before 1 July

    # The host local officer sees it as incoming and accepts it: the CA is issued.
    as_user(client, world.host_leo)
    assert code in client.get("/applications/?queue=incoming").get_data(as_text=True)
    page = accept(client, world.host_leo, application, world.department).get_data(as_text=True)
    assert "the card of acceptance is issued" in page
    db.session.refresh(application)
    assert application.state == State.ACCEPTED
    assert application.ends_on == date(2026, 8, 3)
    assert application.cc_due_on == date(2026, 6, 8)
    assert application.ca_late is False

    # The student reads the CA, as a page and a PDF, and sends the CC.
    as_user(client, world.student)
    card = client.get(f"/applications/{code}/card-of-acceptance").get_data(as_text=True)
    assert "Card of Acceptance" in card and "Dr. Maja Kos" in card and "6 July 2026" in card
    pdf = client.get(f"/applications/{code}/card-of-acceptance.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    response = client.post(
        f"/applications/{code}/confirm",
        data={"arrival_local": "2026-07-05T14:30", "transport": "Train from Zagreb"},
    )
    assert response.status_code == 302
    db.session.refresh(application)
    assert application.state == State.CONFIRMED
    assert application.arrival_transport == "Train from Zagreb"

    # The host local officer marks the arrival; the student evaluates; the host certifies,
    # each on a day the exchange's dates allow (it runs 6 July to 3 August 2026).
    # (Each traveller signs in on the day: a session lasts 31 days.)
    with time_machine.travel("2026-07-06 10:00Z", tick=False):
        as_user(client, world.host_leo)
        client.post(f"/applications/{code}/arrived", data={"arrived_on": "2026-07-06"})
    db.session.refresh(application)
    assert application.state == State.IN_PROGRESS
    assert application.arrived_at.date() == date(2026, 7, 6)
    with time_machine.travel("2026-07-27 10:00Z", tick=False):
        as_user(client, world.student)
        client.post(
            f"/applications/{code}/evaluation",
            data={
                "overall": 5,
                "placement": 4,
                "supervision": 5,
                "accommodation": 3,
                "comments": "Great team.",
            },
        )
    db.session.refresh(application)
    assert application.state == State.COMPLETED
    assert application.evaluation.overall_rating == 5
    with time_machine.travel("2026-08-04 10:00Z", tick=False):
        as_user(client, world.host_leo)
        client.post(f"/applications/{code}/certify")
        as_user(client, world.student)
        certificate = client.get(f"/applications/{code}/certificate.pdf")
    db.session.refresh(application)
    assert application.state == State.CERTIFIED
    assert certificate.status_code == 200 and certificate.data.startswith(b"%PDF")

    # Every step is in the history, shown as a timeline.
    steps = db.session.scalars(
        select(StateTransition)
        .where(StateTransition.application_id == application.id)
        .order_by(StateTransition.id)
    ).all()
    assert [s.to_state for s in steps] == [
        State.DRAFT,
        State.SUBMITTED,
        State.NOMINATED,
        State.ACCEPTED,
        State.CONFIRMED,
        State.IN_PROGRESS,
        State.COMPLETED,
        State.CERTIFIED,
    ]
    assert [s.actor_id for s in steps][2:4] == [world.home_neo.id, world.host_leo.id]
    with time_machine.travel("2026-08-04 10:00Z", tick=False):
        page = client.get(f"/applications/{code}").get_data(as_text=True)
    assert page.count('class="mb-2"') >= len(steps) and "History" in page

    # Capacities were taken and are held.
    slot = db.session.scalar(select(ContractSlot).where(ContractSlot.month == 7))
    assert slot.used == 1
    place = db.session.scalar(
        select(PlacementCapacity).where(
            PlacementCapacity.placement_id == world.department.id, PlacementCapacity.month == 7
        )
    )
    assert place.used == 1

    # Each step that concerned someone left them a mail.
    mails = {(m.to_address, m.subject) for m in db.session.scalars(select(OutboxMessage))}
    assert (world.home_neo.email, f"{code}: submitted, waiting for a nomination") in mails
    assert (world.student.email, f"{code}: nominated to SLOMSIC") in mails
    assert (world.host_neo.email, f"{code}: nominated to SLOMSIC") in mails
    assert (world.student.email, f"{code}: your certificate is issued") in mails
    assert (world.host_leo.email, f"{code}: evaluation in, ready for the certificate") in mails


def test_submission_names_what_is_missing_and_keeps_the_draft(client, world, spring):
    code = start_application(client, world)
    response = client.post(f"/applications/{code}/submit", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Rank at least one department." in page
    assert "Choose the months you can go." in page
    assert "Attach your curriculum vitae." in page
    application = db.session.scalar(select(Application).where(Application.code == code))
    assert application.state == State.DRAFT


def test_submission_after_the_deadline_is_refused(client, world, spring):
    code = start_application(client, world)
    fill_in(client, world, code)
    upload(client, code)
    with time_machine.travel("2026-05-20 09:00:00+00:00", tick=False):
        as_user(client, world.student)  # a session cookie lasts 31 days
        page = client.post(f"/applications/{code}/submit", follow_redirects=True).get_data(
            as_text=True
        )
    assert "The deadline for July 2026 was 6 May 2026" in page
    application = db.session.scalar(select(Application).where(Application.code == code))
    assert application.state == State.DRAFT


def test_documents_are_checked_by_content(client, world, spring):
    code = start_application(client, world)
    page = upload(client, code, content=b"just text, not a PDF", name="cv.pdf").get_data(
        as_text=True
    )
    assert "is not a PDF, JPG, PNG or DOCX file" in page
    too_big = b"%PDF-1.4\n" + b"0" * (9 * 512 * 1024)
    response = upload(client, code, content=too_big, name="big.pdf")
    page = response.get_data(as_text=True)
    response.close()  # the test client keeps a body this large in a temporary file
    assert response.status_code == 413
    assert "The file is 4.5 MB; the limit is 4 MB." in page
    application = db.session.scalar(select(Application).where(Application.code == code))
    assert application.documents == []

    page = upload(client, code).get_data(as_text=True)
    assert "Curriculum vitae attached: cv.pdf" in page
    (document,) = application.documents
    response = client.get(f"/applications/{code}/documents/{document.id}")
    assert response.status_code == 200 and response.data == PDF
    response.close()


def test_months_the_host_does_not_host_are_refused(client, world, spring):
    conditions = db.session.scalar(
        select(ExchangeConditions).where(ExchangeConditions.nmo_id == world.federation.host.id)
    )
    conditions.months_not_hosted = [8]
    db.session.commit()
    code = start_application(client, world)
    page = fill_in(client, world, code, months=["7", "8"]).get_data(as_text=True)
    assert "does not host in August" in page


def test_never_more_nominations_than_contract_slots(client, world, spring):
    first = submitted_application(client, world)
    second_student = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    world.federation.student = second_student
    second = submitted_application(client, world)
    assert "is nominated" in nominate(client, world, first).get_data(as_text=True)
    page = nominate(client, world, second).get_data(as_text=True)
    assert "has no free slot in July (all 1 are used)" in page
    db.session.refresh(second)
    assert second.state == State.SUBMITTED
    assert db.session.scalar(select(ContractSlot.used).where(ContractSlot.month == 7)) == 1


def test_never_more_acceptances_than_capacity(client, world, spring):
    first = submitted_application(client, world)
    world.federation.student = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    second = submitted_application(client, world)
    nominate(client, world, first, month=7)
    # The contract has one July slot: the second goes in August, into a full department.
    second.months = [7, 8]
    world.department.capacities[1].capacity = 0  # August
    db.session.commit()
    nominate(client, world, second, month=8)
    accept(client, world.host_neo, first, world.department)
    page = accept(client, world.host_neo, second, world.department, "2026-08-03").get_data(
        as_text=True
    )
    assert "Cardiology has no free place in August" in page
    db.session.refresh(second)
    assert second.state == State.NOMINATED


def test_a_late_card_of_acceptance_is_flagged(client, world, spring):
    application = submitted_application(client, world)
    nominate(client, world, application)
    with time_machine.travel("2026-06-20 09:00:00+00:00", tick=False):
        as_user(client, world.host_leo)
        queue = client.get("/applications/?queue=incoming&late=1").get_data(as_text=True)
        assert application.code in queue and "CA overdue" in queue
        # The local officer's home counts it to place, and as late.
        home = client.get("/").get_data(as_text=True)
        assert "1 nominated incoming student</a> waits" in home
        assert 'stat text-danger">1<' in home
        accept(client, world.host_leo, application, world.department)
        db.session.refresh(application)
        assert application.ca_late is True
        page = client.get(f"/applications/{application.code}").get_data(as_text=True)
        assert "Late CA" in page
        assert "The CA came after its due date, 6 May 2026." in page


def test_cancellation_releases_the_slot_and_a_substitute_takes_it(client, world, spring):
    application = submitted_application(client, world)
    substitute_student = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    original_student = world.federation.student
    world.federation.student = substitute_student
    candidate = submitted_application(client, world)
    world.federation.student = original_student
    nominate(client, world, application)

    as_user(client, world.host_neo)
    response = client.post(
        f"/applications/{application.code}/cancel", data={"reason": ""}, follow_redirects=True
    )
    assert "Give a reason." in response.get_data(as_text=True)
    client.post(
        f"/applications/{application.code}/cancel",
        data={"reason": "The department closed for renovation."},
    )
    db.session.refresh(application)
    assert application.state == State.CANCELLED
    assert application.closing_reason == "The department closed for renovation."
    told = [
        m.to_address
        for m in db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.subject == f"{application.code}: cancelled")
        )
    ]
    # The student and the home NMO hear of it; the host officer who cancelled does not.
    assert sorted(told) == sorted([application.student.email, world.home_neo.email])
    assert db.session.scalar(select(ContractSlot.used).where(ContractSlot.month == 7)) == 0

    as_user(client, world.home_neo)
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert candidate.code in page  # offered as a substitute
    client.post(
        f"/applications/{application.code}/substitute", data={"substitute_id": candidate.id}
    )
    db.session.refresh(candidate)
    assert candidate.state == State.NOMINATED
    assert (candidate.contract_id, candidate.exchange_month) == (application.contract_id, 7)
    assert candidate.substitute_for_id == application.id
    assert db.session.scalar(select(ContractSlot.used).where(ContractSlot.month == 7)) == 1


def test_student_withdraws_with_a_reason(client, world, spring):
    application = submitted_application(client, world)
    client.post(f"/applications/{application.code}/withdraw", data={"reason": "Exams moved."})
    db.session.refresh(application)
    assert application.state == State.WITHDRAWN
    assert application.closing_reason == "Exams moved."
    last = application.history[-1]
    assert (last.from_state, last.to_state, last.reason) == (
        State.SUBMITTED,
        State.WITHDRAWN,
        "Exams moved.",
    )


def test_history_cannot_be_changed_through_any_page(app):
    """No route writes to the history except through a transition."""
    for rule in app.url_map.iter_rules():
        assert "history" not in rule.rule and "transition" not in rule.rule


def test_the_start_date_must_be_in_the_nominated_month_of_the_season(client, world, spring):
    application = submitted_application(client, world)
    nominate(client, world, application)
    page = accept(client, world.host_leo, application, world.department, "2027-07-05").get_data(
        as_text=True
    )
    assert "nominated for July 2026" in page
    db.session.refresh(application)
    assert application.state == State.NOMINATED


def test_a_substitute_must_be_free_in_the_slots_month(client, world, spring):
    application = submitted_application(client, world)
    original = world.federation.student
    world.federation.student = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    only_in_august = submitted_application(client, world)
    only_in_august.months = [8]
    db.session.commit()
    world.federation.student = original
    nominate(client, world, application)
    as_user(client, world.home_neo)
    client.post(f"/applications/{application.code}/cancel", data={"reason": "Visa refused."})
    page = client.get(f"/applications/{application.code}").get_data(as_text=True)
    assert only_in_august.code not in page
    assert "could take over this slot" in page
    client.post(
        f"/applications/{application.code}/substitute", data={"substitute_id": only_in_august.id}
    )
    db.session.refresh(only_in_august)
    assert only_in_august.state == State.SUBMITTED


def test_withdrawing_a_draft_tells_no_officer(client, world, spring):
    code = start_application(client, world)
    client.post(f"/applications/{code}/withdraw", data={"reason": "Changed my mind."})
    application = db.session.scalar(select(Application).where(Application.code == code))
    assert application.state == State.WITHDRAWN
    assert db.session.scalars(select(OutboxMessage)).all() == []
