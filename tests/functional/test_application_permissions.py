"""No one sees or changes what is not theirs: students, NMOs and LCs are kept apart."""

import pytest
from sqlalchemy import select

from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.extensions import db
from tests import builders
from tests.functional.steps import (
    accept,
    as_user,
    nominate,
    start_application,
    submitted_application,
    upload,
)


@pytest.fixture
def nominated(client, world, spring):
    """A nominated application that ranked Surgery (LC Maribor) second, with a CV."""
    code_app = submitted_application(client, world)
    nominate(client, world, code_app)
    db.session.refresh(code_app)
    assert code_app.state == State.NOMINATED
    return code_app


def _rank_surgery_too(application, world):
    from exchange.applications.models import Preference

    application.preferences.append(Preference(rank=2, placement_id=world.other_department.id))
    db.session.commit()


def test_another_student_sees_nothing_of_it(client, world, nominated):
    other = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    (document,) = nominated.documents
    as_user(client, other)
    code = nominated.code
    assert client.get(f"/applications/{code}").status_code == 404
    assert client.get(f"/applications/{code}/documents/{document.id}").status_code == 404
    assert client.get(f"/applications/{code}/card-of-acceptance").status_code == 404
    assert client.post(f"/applications/{code}/withdraw", data={"reason": "x"}).status_code == 404
    assert code not in client.get("/applications/").get_data(as_text=True)
    db.session.refresh(nominated)
    assert nominated.state == State.NOMINATED


def test_a_student_cannot_change_a_draft_of_someone_else(client, world, spring):
    code = start_application(client, world)
    other = builders.user(Role.STUDENT, lc_=world.federation.home_lc)
    db.session.commit()
    as_user(client, other)
    assert client.get(f"/applications/{code}/edit").status_code == 404
    assert upload(client, code).status_code == 404
    assert client.post(f"/applications/{code}/submit").status_code == 404


def test_an_officer_of_another_nmo_cannot_see_or_act(client, world, nominated):
    third = builders.nmo("AMSA-X", "AT", "Austria")
    stranger = builders.user(Role.NATIONAL_OFFICER, nmo_=third)
    db.session.commit()
    as_user(client, stranger)
    code = nominated.code
    assert client.get(f"/applications/{code}").status_code == 404
    assert client.post(f"/applications/{code}/cancel", data={"reason": "x"}).status_code == 404
    (document,) = nominated.documents
    assert client.get(f"/applications/{code}/documents/{document.id}").status_code == 404
    for queue in ("incoming", "outgoing"):
        page = client.get(f"/applications/?queue={queue}&state=all").get_data(as_text=True)
        assert code not in page


def test_the_home_officer_cannot_accept_for_the_host(client, world, nominated):
    page = accept(client, world.home_neo, nominated, world.department).get_data(as_text=True)
    assert "is accepted" not in page
    db.session.refresh(nominated)
    assert nominated.state == State.NOMINATED


def test_a_national_officer_of_the_other_program_sees_nothing(client, world, nominated):
    nore = builders.user(Role.NATIONAL_OFFICER, nmo_=world.federation.host, program_code="SCORE")
    db.session.commit()
    as_user(client, nore)
    assert client.get(f"/applications/{nominated.code}").status_code == 404


def test_a_local_officer_acts_only_for_their_lc(client, world, nominated):
    maribor = world.other_department.lc
    maribor_leo = builders.user(Role.LOCAL_OFFICER, lc_=maribor)
    db.session.commit()

    # Not ranked in Maribor: its local officer does not see the application at all.
    as_user(client, maribor_leo)
    assert client.get(f"/applications/{nominated.code}").status_code == 404

    # Ranked there too: they see it, and may place the student in Maribor only.
    _rank_surgery_too(nominated, world)
    page = client.get(f"/applications/{nominated.code}").get_data(as_text=True)
    assert "Surgery" in page
    assert f'value="{world.department.id}"' not in page  # Cardiology is not offered to them
    page = accept(client, maribor_leo, nominated, world.department).get_data(as_text=True)
    assert "is accepted" not in page
    db.session.refresh(nominated)
    assert nominated.state == State.NOMINATED

    page = accept(client, maribor_leo, nominated, world.other_department).get_data(as_text=True)
    assert "is accepted" in page
    db.session.refresh(nominated)
    assert nominated.placement_id == world.other_department.id

    # Placed in Maribor, the Ljubljana local officer no longer sees it.
    as_user(client, world.host_leo)
    assert client.get(f"/applications/{nominated.code}").status_code == 404


def test_the_home_local_officer_sees_their_lc_s_students_but_cannot_nominate(client, world, spring):
    application = submitted_application(client, world)
    as_user(client, world.federation.local_officer)  # LEO of LC Zagreb, the home LC
    assert client.get(f"/applications/{application.code}").status_code == 200
    page = client.get("/applications/?queue=outgoing").get_data(as_text=True)
    assert application.code in page
    response = client.post(f"/applications/{application.code}/nominate", data={"month": 7})
    assert response.status_code == 403
    assert (
        db.session.scalar(select(Application.state).where(Application.id == application.id))
        == State.SUBMITTED
    )


def test_the_host_sees_nothing_before_a_nomination(client, world, spring):
    application = submitted_application(client, world)
    as_user(client, world.host_neo)
    assert client.get(f"/applications/{application.code}").status_code == 404
    response = client.post(f"/applications/{application.code}/cancel", data={"reason": "no"})
    assert response.status_code == 404
    db.session.refresh(application)
    assert application.state == State.SUBMITTED


def test_a_draft_is_the_students_alone(client, world, spring):
    code = start_application(client, world)
    upload(client, code)
    as_user(client, world.home_neo)
    assert client.get(f"/applications/{code}").status_code == 404
    assert code not in client.get("/applications/?queue=outgoing&state=all").get_data(as_text=True)


def test_only_the_host_nmo_rejects_a_nominated_student(client, world, nominated):
    as_user(client, world.host_leo)  # Cardiology, the first choice, is in their LC
    response = client.post(
        f"/applications/{nominated.code}/reject", data={"reason": "no"}, follow_redirects=True
    )
    assert "Only the host national officer may reject" in response.get_data(as_text=True)
    db.session.refresh(nominated)
    assert nominated.state == State.NOMINATED
