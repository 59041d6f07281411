"""Admins create officers and admins, change roles, and deactivate accounts."""

import re

from sqlalchemy import select

from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.outbox import OutboxMessage
from tests import builders


def _new_user(client, **changes):
    data = {
        "name": "Iva Novak",
        "email": "iva@example.org",
        "role": "national_officer",
        "nmo_id": 0,
        "lc_id": 0,
        "program_id": 0,
    }
    data.update(changes)
    return client.post("/admin/users/new", data=data)


def test_admin_creates_a_national_officer_who_sets_a_password(client, federation, login):
    login(federation.admin)
    scope = builders.program("SCOPE")
    response = _new_user(client, nmo_id=federation.host.id, program_id=scope.id)
    assert response.status_code == 302
    officer = db.session.scalar(select(User).where(User.email == "iva@example.org"))
    (membership,) = officer.memberships
    assert (membership.role, membership.nmo_id, membership.program_id) == (
        Role.NATIONAL_OFFICER,
        federation.host.id,
        scope.id,
    )
    invitation = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == "iva@example.org")
    )
    assert "NEO of SLOMSIC" in invitation.body
    link = re.search(r"http://localhost(/\S+)", invitation.body).group(1)

    client.post("/logout")
    response = client.post(
        link, data={"password": "officer password", "password_again": "officer password"}
    )
    assert response.status_code == 302
    response = client.post(
        "/login", data={"email": "iva@example.org", "password": "officer password"}
    )
    assert response.status_code == 302
    assert "NEO of SLOMSIC" in client.get("/").get_data(as_text=True)


def test_a_role_without_its_scope_is_refused_and_nothing_is_saved(client, federation, login):
    login(federation.admin)
    response = _new_user(client, nmo_id=federation.host.id)  # no program
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "works in one program" in page
    assert 'value="Iva Novak"' in page
    assert db.session.scalar(select(User).where(User.email == "iva@example.org")) is None

    response = _new_user(
        client,
        role="local_officer",
        nmo_id=federation.home.id,
        lc_id=federation.host_lc.id,
        program_id=builders.program().id,
    )
    assert "is not a local committee of CROMSIC" in response.get_data(as_text=True)


def test_users_list_searches_and_filters(client, federation, login):
    login(federation.admin)
    page = client.get("/admin/users?q=leo@").get_data(as_text=True)
    assert "leo@example.org" in page and "student@example.org" not in page
    page = client.get("/admin/users?role=student").get_data(as_text=True)
    assert "student@example.org" in page and "neo@example.org" not in page
    page = client.get("/admin/users?q=nobody-here").get_data(as_text=True)
    assert "No user matches" in page


def test_users_list_pages(client, federation, login):
    for _ in range(30):
        builders.user(Role.STUDENT, lc_=federation.home_lc)
    db.session.commit()
    login(federation.admin)
    first = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 of 2" in first
    second = client.get("/admin/users?page=2").get_data(as_text=True)
    assert "Page 2 of 2" in second


def test_add_and_remove_a_role(client, federation, login):
    login(federation.admin)
    student = federation.student
    response = client.post(
        f"/admin/users/{student.id}",
        data={
            "role": "local_officer",
            "nmo_id": 0,
            "lc_id": federation.home_lc.id,
            "program_id": builders.program("SCORE").id,
        },
    )
    assert response.status_code == 302
    db.session.refresh(student)
    assert {m.role for m in student.memberships} == {Role.STUDENT, Role.LOCAL_OFFICER}
    officer_role = next(m for m in student.memberships if m.role == Role.LOCAL_OFFICER)
    assert officer_role.title == "LORE of LC Zagreb"

    client.post(f"/admin/users/{student.id}/roles/{officer_role.id}/remove")
    db.session.expire_all()
    assert {m.role for m in student.memberships} == {Role.STUDENT}

    # The last role cannot go: deactivate the account instead.
    only = student.memberships[0]
    response = client.post(
        f"/admin/users/{student.id}/roles/{only.id}/remove", follow_redirects=True
    )
    assert "only role" in response.get_data(as_text=True)


def test_deactivate_and_reactivate(client, federation, login):
    login(federation.admin)
    page = client.get(f"/admin/users/{federation.student.id}").get_data(as_text=True)
    assert "Deactivate account" in page and "Keep as it is" in page  # asks first

    client.post(f"/admin/users/{federation.student.id}/active", data={"active": "0"})
    db.session.refresh(federation.student)
    assert federation.student.is_active is False

    response = client.post(
        f"/admin/users/{federation.admin.id}/active", data={"active": "0"}, follow_redirects=True
    )
    assert "cannot deactivate your own account" in response.get_data(as_text=True)

    client.post(f"/admin/users/{federation.student.id}/active", data={"active": "1"})
    db.session.refresh(federation.student)
    assert federation.student.is_active is True


def test_a_deactivated_user_is_logged_out_at_the_next_request(client, federation, login):
    login(federation.student)
    federation.student.is_active = False
    db.session.commit()
    assert client.get("/account").headers["Location"].startswith("/login")
