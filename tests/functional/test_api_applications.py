"""The application cycle through the API, each step with its caller's token, and the
same rules as the pages: nobody sees or moves what is not theirs."""

import time_machine

from exchange.applications.states import State
from exchange.auth.tokens import create_token
from exchange.extensions import db
from tests import builders
from tests.functional.steps import fill_in, fill_in_personal, upload


def bearer(user) -> dict:
    _token, text = create_token(user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {text}"}


def test_the_whole_cycle_through_the_api(app, client, world, spring):
    api = app.test_client()  # no cookie: only the tokens say who calls
    student, home_neo, host_leo = bearer(world.student), bearer(world.home_neo), None

    response = api.post(
        "/api/v1/applications/", json={"program": "scope", "host": "SLOMSIC"}, headers=student
    )
    assert response.status_code == 201, response.get_json()
    draft = response.get_json()
    code = draft["code"]
    assert (draft["state"], draft["season"], draft["host_nmo"]) == ("draft", "2026/27", "SLOMSIC")
    assert "submit" in draft["actions"]
    assert (draft["home_nmo"], draft["home_lc"]) == ("CROMSIC", world.federation.home_lc.name)

    # The form's pages fill it in (the API creates drafts; the student writes them there).
    client.post("/login", data={"email": world.student.email, "password": builders.PASSWORD})
    assert fill_in(client, world, code).status_code == 302
    assert fill_in_personal(client, code).status_code == 302
    upload(client, code)

    submitted = api.post(f"/api/v1/applications/{code}/submit", headers=student)
    assert submitted.status_code == 200, submitted.get_json()
    assert submitted.get_json()["state"] == "submitted"

    outgoing = api.get("/api/v1/applications/?queue=outgoing", headers=home_neo).get_json()
    assert [a["code"] for a in outgoing["items"]] == [code]
    assert outgoing["total"] == 1 and outgoing["next"] is None

    nominated = api.post(
        f"/api/v1/applications/{code}/nominate", json={"month": 7}, headers=home_neo
    )
    assert nominated.status_code == 200, nominated.get_json()
    assert nominated.get_json()["state"] == "nominated"
    assert nominated.get_json()["exchange_month"] == 7

    host_neo = bearer(world.host_neo)
    incoming = api.get("/api/v1/applications/", headers=host_neo).get_json()
    assert [a["code"] for a in incoming["items"]] == [code]
    accepted = api.post(
        f"/api/v1/applications/{code}/accept",
        json={
            "placement_id": world.department.id,
            "starts_on": "2026-07-06",
            "contact_person": "Dr. Maja Kos",
            "contact_email": "maja.kos@example.org",
        },
        headers=host_neo,
    )
    assert accepted.status_code == 200, accepted.get_json()
    assert accepted.get_json()["state"] == "accepted"
    assert accepted.get_json()["placement_id"] == world.department.id

    confirmed = api.post(
        f"/api/v1/applications/{code}/confirm",
        json={"arrival_local": "2026-07-05T14:30:00", "transport": "Train from Zagreb"},
        headers=student,
    )
    assert confirmed.status_code == 200, confirmed.get_json()
    assert confirmed.get_json()["state"] == "confirmed"

    host_leo = bearer(world.host_leo)
    with time_machine.travel("2026-07-06 10:00Z", tick=False):
        arrived = api.post(f"/api/v1/applications/{code}/arrive", json={}, headers=host_leo)
    assert arrived.status_code == 200, arrived.get_json()
    assert arrived.get_json()["state"] == State.IN_PROGRESS.value
    with time_machine.travel("2026-07-27 10:00Z", tick=False):
        evaluated = api.post(
            f"/api/v1/applications/{code}/evaluate",
            json={"overall": 5, "placement": 4, "supervision": 5, "accommodation": 3},
            headers=student,
        )
    assert evaluated.get_json()["state"] == "completed", evaluated.get_json()
    with time_machine.travel("2026-08-04 10:00Z", tick=False):
        certified = api.post(f"/api/v1/applications/{code}/certify", headers=host_leo)
    assert certified.status_code == 200, certified.get_json()
    assert certified.get_json()["state"] == "certified"
    assert certified.get_json()["certified_at"] is not None


def test_a_students_token_cannot_open_anyone_elses(app, world, spring):
    others = builders.application(
        builders.user(
            builders.Role.STUDENT, email="other@example.org", lc_=world.federation.home_lc
        ),
        world.federation.host,
    )
    own = builders.application(world.student, world.federation.host)
    db.session.commit()
    api = app.test_client()
    student = bearer(world.student)
    assert api.get(f"/api/v1/applications/{own.code}", headers=student).status_code == 200
    refused = api.get(f"/api/v1/applications/{others.code}", headers=student)
    assert refused.status_code == 404
    assert refused.content_type == "application/problem+json"
    listed = api.get("/api/v1/applications/", headers=student).get_json()
    assert [a["code"] for a in listed["items"]] == [own.code]
    withdrawn = api.post(
        f"/api/v1/applications/{others.code}/withdraw", json={"reason": "x"}, headers=student
    )
    assert withdrawn.status_code == 404
    db.session.refresh(others)
    assert others.state == State.DRAFT


def test_a_step_the_caller_may_not_take_is_refused_and_changes_nothing(app, world, spring):
    application = builders.application(world.student, world.federation.host)
    db.session.commit()
    api = app.test_client()
    # A draft is not the home officer's to nominate yet.
    response = api.post(
        f"/api/v1/applications/{application.code}/nominate",
        json={"month": 7},
        headers=bearer(world.home_neo),
    )
    assert 400 <= response.status_code < 500
    assert response.content_type == "application/problem+json"
    assert response.get_json()["detail"]
    db.session.refresh(application)
    assert application.state == State.DRAFT


def test_a_students_token_cannot_take_an_officers_step(app, world, spring):
    application = builders.application(world.student, world.federation.host)
    db.session.commit()
    response = app.test_client().post(
        f"/api/v1/applications/{application.code}/nominate",
        json={"month": 7},
        headers=bearer(world.student),
    )
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"


def test_bad_bodies_are_refused_by_field(app, world, spring):
    application = builders.application(world.student, world.federation.host)
    db.session.commit()
    api = app.test_client()
    response = api.post(
        f"/api/v1/applications/{application.code}/nominate",
        json={"month": 13},
        headers=bearer(world.home_neo),
    )
    assert response.status_code == 422
    assert "month" in response.get_json()["errors"]
    response = api.post(
        "/api/v1/applications/",
        json={"program": "NOPE", "host": "XX"},
        headers=bearer(world.student),
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"program", "host"}
    response = api.get("/api/v1/applications/?season=1999/00", headers=bearer(world.home_neo))
    assert response.status_code == 422
    assert "season" in response.get_json()["errors"]


def test_csrf_applies_to_cookie_sessions_and_not_to_tokens(make_app, world, spring):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    application = builders.application(world.student, world.federation.host)
    db.session.commit()
    browser = guarded.test_client()
    login_page = browser.get("/login").get_data(as_text=True)
    csrf_token = login_page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    browser.post(
        "/login",
        data={
            "email": world.student.email,
            "password": builders.PASSWORD,
            "csrf_token": csrf_token,
        },
    )
    refused = browser.post(
        f"/api/v1/applications/{application.code}/withdraw", json={"reason": "changed my mind"}
    )
    assert refused.status_code == 400
    assert refused.content_type == "application/problem+json"
    db.session.refresh(application)
    assert application.state == State.DRAFT

    by_token = guarded.test_client().post(
        f"/api/v1/applications/{application.code}/withdraw",
        json={"reason": "changed my mind"},
        headers=bearer(world.student),
    )
    assert by_token.status_code == 200, by_token.get_json()
    assert by_token.get_json()["state"] == "withdrawn"
