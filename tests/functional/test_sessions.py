"""A logout ends the session on the server: a copy of its cookies opens nothing after it."""

from tests.functional.conftest import log_in


def _cookies(client) -> dict[str, str]:
    return {
        name: client.get_cookie(name).value
        for name in ("session", "remember_token")
        if client.get_cookie(name) is not None
    }


def _opens_account(app, cookies: dict[str, str]) -> bool:
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get("/account").status_code == 200


def test_a_copied_session_and_remember_cookie_stop_working_at_logout(app, client, federation):
    assert log_in(client, federation.student.email, remember_me="y").status_code == 302
    copied = _cookies(client)
    assert set(copied) == {"session", "remember_token"}
    assert _opens_account(app, copied)
    assert _opens_account(app, {"remember_token": copied["remember_token"]})

    assert client.post("/logout").status_code == 302

    assert not _opens_account(app, copied)
    assert not _opens_account(app, {"session": copied["session"]})
    assert not _opens_account(app, {"remember_token": copied["remember_token"]})
    # Logging in again makes a session that works.
    assert log_in(client, federation.student.email).status_code == 302
    assert client.get("/account").status_code == 200


def test_a_password_change_ends_the_other_sessions(app, client, federation, login):
    other = app.test_client()
    assert log_in(other, federation.student.email).status_code == 302
    login(federation.student)
    response = client.post(
        "/account",
        data={
            "password-current_password": "correct horse battery",
            "password-new_password": "a brand new password",
            "password-new_password_again": "a brand new password",
            "password-submit_password": "1",
        },
    )
    assert response.status_code == 302
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
