"""The audit log: what is recorded, written with the action (a refused action leaves no
entry), read by admins at /admin/audit, and never changed. Issue 14, point 5."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import DatabaseError

from exchange.audit import AuditEntry
from exchange.auth.tokens import create_token
from exchange.extensions import db
from tests.functional.conftest import log_in
from tests.functional.steps import as_user


def _actions() -> list[tuple[str, int | None]]:
    db.session.expire_all()
    return list(
        db.session.execute(select(AuditEntry.action, AuditEntry.actor_id).order_by(AuditEntry.id))
    )


def test_logins_logouts_tokens_and_data_downloads_are_recorded(client, federation):
    student = federation.student
    log_in(client, student.email, "not the password")
    log_in(client, "nobody@example.org", "not the password")
    assert log_in(client, student.email).status_code == 302
    client.post("/account/tokens", data={"token-token_name": "sheet", "token-expires_in": ""})
    token = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "token_created"))
    assert "sheet" in token.detail
    client.get("/account/data.zip")
    client.post("/logout")
    assert _actions() == [
        ("login_failed", student.id),
        ("login_failed", None),
        ("login", student.id),
        ("token_created", student.id),
        ("data_exported", student.id),
        ("logout", student.id),
    ]


def test_role_changes_and_deactivations_are_recorded_and_refusals_are_not(client, federation):
    as_user(client, federation.admin)
    before = len(_actions())
    # Refused (an admin cannot deactivate themselves): nothing is saved, no entry either.
    client.post(f"/admin/users/{federation.admin.id}/active", data={"active": "0"})
    assert len(_actions()) == before
    client.post(f"/admin/users/{federation.student.id}/active", data={"active": "0"})
    client.post(f"/admin/users/{federation.student.id}/active", data={"active": "1"})
    assert _actions()[before:] == [
        ("deactivated", federation.admin.id),
        ("reactivated", federation.admin.id),
    ]

    page = client.get("/admin/audit?action=deactivated").get_data(as_text=True)
    assert "Account deactivated" in page and f"user {federation.student.id}" in page
    assert "Account reactivated" not in page.split("</select>")[-1]
    found = client.get(f"/admin/audit?q={federation.admin.email}").get_data(as_text=True)
    assert "Account reactivated" in found
    assert "No entry matches" in client.get("/admin/audit?q=nothing-like-this").get_data(
        as_text=True
    )


def test_a_revoked_token_is_recorded(client, federation):
    token, _text = create_token(federation.student, "old script")
    db.session.commit()
    as_user(client, federation.student)
    client.post(f"/account/tokens/{token.id}/revoke")
    assert ("token_revoked", federation.student.id) in _actions()


def test_nobody_can_change_an_entry(client, federation):
    log_in(client, federation.student.email)
    with pytest.raises(DatabaseError, match="audit entries cannot be changed"):
        db.session.execute(update(AuditEntry).values(detail="nothing happened"))
        db.session.flush()
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry.detail)) == ""


def test_list_exports_are_recorded(client, federation, login):
    login(federation.national_officer)
    assert client.get("/applications/export.csv?queue=outgoing").status_code == 200
    assert client.get("/applications/export.xlsx?queue=incoming").status_code == 200
    exports = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "data_exported").order_by(AuditEntry.id)
    ).all()
    assert [(e.actor_id, e.target) for e in exports] == [
        (federation.national_officer.id, "outgoing applications"),
        (federation.national_officer.id, "incoming applications"),
    ]
