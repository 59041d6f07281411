"""Personal tokens on the account page and from the command line, and the API's
documentation page with its own Swagger UI files."""

import re

from sqlalchemy import select

from exchange.auth.models import ApiToken
from exchange.auth.tokens import create_token
from exchange.extensions import db

TOKEN_TEXT = re.compile(r'value="(exq_[\w-]+)"')


def _create(client, name="NMO spreadsheet", expires_in=""):
    return client.post(
        "/account/tokens", data={"token-token_name": name, "token-expires_in": expires_in}
    )


def test_a_token_made_on_the_account_page_is_shown_once_and_kept_hashed(login, federation):
    client = login(federation.student)
    response = _create(client, expires_in="90")
    assert response.status_code == 201
    page = response.get_data(as_text=True)
    text = TOKEN_TEXT.search(page).group(1)
    assert "shown only this once" in page

    token = db.session.scalar(select(ApiToken))
    assert token.name == "NMO spreadsheet"
    assert token.user_id == federation.student.id
    assert token.expires_at is not None
    assert text not in (token.token_hash, token.prefix)

    account = client.get("/account").get_data(as_text=True)
    assert "NMO spreadsheet" in account
    assert text not in account
    assert token.prefix in account

    answer = client.get("/api/v1/nmos/", headers={"Authorization": f"Bearer {text}"})
    assert answer.status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None
    assert "Never" not in client.get("/account").get_data(as_text=True).split("Last used")[1][:400]


def test_a_token_without_a_name_is_refused_and_nothing_is_made(login, federation):
    response = _create(login(federation.student), name="  ")
    assert response.status_code == 422
    assert "Name the token" in response.get_data(as_text=True)
    assert db.session.scalar(select(ApiToken)) is None


def test_a_token_is_revoked_from_the_account_page(login, federation):
    token, text = create_token(federation.student, "old script")
    db.session.commit()
    client = login(federation.student)
    response = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert response.status_code == 200
    assert "is revoked" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is not None
    assert (
        client.get("/api/v1/nmos/", headers={"Authorization": f"Bearer {text}"}).status_code == 401
    )


def test_nobody_revokes_another_users_token(login, federation):
    token, _text = create_token(federation.national_officer, "officer's script")
    db.session.commit()
    client = login(federation.student)
    response = client.post(f"/account/tokens/{token.id}/revoke", follow_redirects=True)
    assert "not one of yours" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).revoked_at is None
    assert "officer&#39;s script" not in client.get("/account").get_data(as_text=True)


def test_create_token_prints_a_working_token(app, client, federation):
    result = app.test_cli_runner().invoke(
        args=["exchange", "create-token", "--email", "NEO@example.org", "--name", "sheet"]
    )
    assert result.exit_code == 0, result.output
    text = result.output.strip()
    assert text.startswith("exq_")
    response = client.get("/api/v1/applications/", headers={"Authorization": f"Bearer {text}"})
    assert response.status_code == 200


def test_create_token_refuses_an_unknown_email(app, federation):
    result = app.test_cli_runner().invoke(
        args=["exchange", "create-token", "--email", "nobody@example.org", "--name", "x"]
    )
    assert result.exit_code != 0
    assert "No active account" in result.output
    assert db.session.scalar(select(ApiToken)) is None


def test_the_documentation_page_serves_swagger_ui_itself(client, federation):
    page = client.get("/api/v1/docs/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert all(not s.startswith(("http:", "https:", "//")) for s in sources), sources
    assert "script-src" not in page.headers["Content-Security-Policy"]  # default-src 'self'
    assert "<script>" not in html  # no inline script
    for asset in (
        "/api/v1/docs/swagger-ui/swagger-ui-bundle.js",
        "/api/v1/docs/swagger-ui/swagger-ui.css",
    ):
        assert asset in sources
        with client.get(asset) as response:
            assert response.status_code == 200
            assert len(response.data) > 10_000
    assert client.get("/api/v1/docs/swagger-ui/index.html").status_code == 404
