"""The API's foundation: its description, personal tokens, errors as problem+json, and
CSRF only where a browser's session could be ridden."""

from datetime import timedelta

import pytest
import time_machine

from exchange import clock
from exchange.auth.services import change_password, set_user_active
from exchange.auth.tokens import create_token, revoke_token
from exchange.extensions import db
from tests import builders


def bearer(text: str) -> dict:
    return {"Authorization": f"Bearer {text}"}


@pytest.fixture
def token_of(app):
    def _token_of(user, **options):
        _token, text = create_token(user, "tests", **options)
        db.session.commit()
        return text

    return _token_of


def test_the_description_is_generated_and_public(client, federation):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    description = response.get_json()
    assert description["openapi"].startswith("3.")
    assert "/api/v1/nmos/" in description["paths"]
    assert description["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_a_token_lists_the_nmos_as_its_user(client, federation, token_of):
    response = client.get("/api/v1/nmos/?per_page=1", headers=bearer(token_of(federation.student)))
    assert response.status_code == 200, response.get_json()
    page = response.get_json()
    assert page["total"] == 2
    assert [nmo["code"] for nmo in page["items"]] == ["CROMSIC"]  # by country: Croatia
    assert page["next"].endswith("/api/v1/nmos/?per_page=1&page=2")

    following = client.get(page["next"], headers=bearer(token_of(federation.student))).get_json()
    assert following["next"] is None
    assert [nmo["code"] for nmo in following["items"]] == ["SLOMSIC"]


def test_without_a_token_the_api_answers_401_as_a_problem(client, federation):
    response = client.get("/api/v1/nmos/")
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in response.get_json()["detail"]


@pytest.mark.parametrize("text", ["exq_not-a-token", "nonsense", "exq_" + "x" * 200, ""])
def test_a_wrong_token_is_refused(client, federation, text):
    response = client.get("/api/v1/nmos/", headers=bearer(text))
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"


def test_a_revoked_token_is_refused(client, federation):
    token, text = create_token(federation.student, "old script")
    revoke_token(federation.student, token)
    db.session.commit()
    assert client.get("/api/v1/nmos/", headers=bearer(text)).status_code == 401


def test_an_expired_token_is_refused(client, federation, token_of):
    text = token_of(federation.student, expires_in_days=30)
    assert client.get("/api/v1/nmos/", headers=bearer(text)).status_code == 200
    with time_machine.travel(clock.now() + timedelta(days=31)):
        assert client.get("/api/v1/nmos/", headers=bearer(text)).status_code == 401


def test_a_new_password_ends_the_users_tokens(client, federation, token_of):
    text = token_of(federation.student)
    change_password(federation.student, builders.PASSWORD, "a brand new passphrase 42")
    db.session.commit()
    assert client.get("/api/v1/nmos/", headers=bearer(text)).status_code == 401


def test_a_deactivated_users_tokens_are_refused(client, federation, token_of):
    text = token_of(federation.student)
    set_user_active(federation.admin, federation.student, False)
    db.session.commit()
    assert client.get("/api/v1/nmos/", headers=bearer(text)).status_code == 401


def test_a_token_notes_its_last_use(client, federation):
    token, text = create_token(federation.student, "tests")
    db.session.commit()
    assert token.last_used_at is None
    client.get("/api/v1/nmos/", headers=bearer(text))
    db.session.refresh(token)
    assert token.last_used_at is not None


def test_a_token_is_kept_hashed(federation):
    token, text = create_token(federation.student, "tests")
    assert text.startswith("exq_") and len(text) > 40
    assert text not in (token.token_hash, token.prefix)
    assert text.startswith(token.prefix)


@pytest.mark.parametrize(
    "query", ["page=0", "page=99999999999999999999", "per_page=1000", "page=abc", "status=x"]
)
def test_bad_arguments_are_422_with_errors_by_field(client, federation, token_of, query):
    text = token_of(federation.student)
    response = client.get(f"/api/v1/nmos/CROMSIC/lcs?{query}", headers=bearer(text))
    assert response.status_code == 422
    assert response.content_type == "application/problem+json"
    field = query.partition("=")[0]
    assert field in response.get_json()["errors"]
    assert field in response.get_json()["detail"]


def test_an_unknown_nmo_is_a_404_problem(client, federation, token_of):
    response = client.get("/api/v1/nmos/XX", headers=bearer(token_of(federation.student)))
    assert response.status_code == 404
    assert response.get_json()["detail"] == "There is no NMO XX."


def test_each_token_has_its_own_rate_limit(make_app, federation):
    limited = make_app(
        RATELIMIT_ENABLED=True, API_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://"
    )
    first = create_token(federation.student, "first")
    second = create_token(federation.admin, "second")
    db.session.commit()
    client = limited.test_client()
    for _ in range(2):
        assert client.get("/api/v1/nmos/", headers=bearer(first[1])).status_code == 200
    refused = client.get("/api/v1/nmos/", headers=bearer(first[1]))
    assert refused.status_code == 429
    assert refused.content_type == "application/problem+json"
    assert client.get("/api/v1/nmos/", headers=bearer(second[1])).status_code == 200


@pytest.mark.parametrize("number", [2**31, 2**63, 10**30])
def test_an_id_past_any_rows_is_a_404_not_a_database_error(client, federation, token_of, number):
    headers = bearer(token_of(federation.national_officer))
    for url in (f"/api/v1/matching/{number}", f"/api/v1/placements/{number}"):
        response = client.get(url, headers=headers)
        assert response.status_code == 404, url
        assert response.content_type == "application/problem+json"


def test_the_description_documents_errors_as_problems(client, federation):
    description = client.get("/api/v1/openapi.json").get_json()
    assert len(description["paths"]) >= 15
    default = description["components"]["responses"]["DEFAULT_ERROR"]
    assert list(default["content"]) == ["application/problem+json"]
    nmos = description["paths"]["/api/v1/nmos/"]["get"]["responses"]
    assert nmos["default"]["$ref"].endswith("/DEFAULT_ERROR")
