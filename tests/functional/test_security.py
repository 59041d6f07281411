"""CSRF on every form, and login rate limits (kept in Redis where configured)."""

import os
import re
import uuid

import pytest
import redis

from tests.functional.conftest import log_in

REDIS_URL = os.environ.get("EXCHANGE_TEST_REDIS_URL", "")


def _forms_without_token(page: str) -> list[str]:
    forms = re.findall(r"<form[^>]*method=\"post\".*?</form>", page, flags=re.S)
    return [form[:80] for form in forms if not re.search(r'name="([a-z]+-)?csrf_token"', form)]


def test_every_post_form_on_a_page_carries_a_csrf_token(make_app, federation):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    for url in ("/login", "/register", "/forgot-password"):
        assert _forms_without_token(client.get(url).get_data(as_text=True)) == [], url

    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    response = log_in(client, federation.admin.email, csrf_token=token)
    assert response.status_code == 302
    for url in ("/", "/account", "/admin/users/new", f"/admin/users/{federation.student.id}"):
        page = client.get(url).get_data(as_text=True)
        assert 'method="post"' in page, url
        assert _forms_without_token(page) == [], url


def _hammer_login(client, email, times):
    return [log_in(client, email, "wrong password").status_code for _ in range(times)]


def test_login_is_rate_limited(make_app, federation):
    limited = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="3 per minute",
        RATELIMIT_STORAGE_URI="memory://",
    )
    statuses = _hammer_login(limited.test_client(), federation.student.email, 5)
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.skipif(not REDIS_URL, reason="needs Redis: set EXCHANGE_TEST_REDIS_URL (CI does)")
def test_rate_limits_are_kept_in_redis(make_app, federation):
    prefix = f"exchange-test-{uuid.uuid4().hex}"
    limited = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="2 per minute",
        REDIS_URL=REDIS_URL,
        RATELIMIT_KEY_PREFIX=prefix,
    )
    assert limited.config["RATELIMIT_STORAGE_URI"] == REDIS_URL
    statuses = _hammer_login(limited.test_client(), federation.student.email, 3)
    assert statuses == [200, 200, 429]
    connection = redis.Redis.from_url(REDIS_URL)
    keys = connection.keys(f"*{prefix}*")
    assert keys, "the limiter kept no count in Redis"
    connection.delete(*keys)
    connection.close()


def test_a_prefixed_form_posts_with_its_own_token(make_app, federation):
    guarded = make_app(WTF_CSRF_ENABLED=True)
    client = guarded.test_client()
    login_page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login_page).group(1)
    log_in(client, federation.student.email, csrf_token=token)
    account = client.get("/account").get_data(as_text=True)
    name_token = re.search(r'name="name-csrf_token" type="hidden" value="([^"]+)"', account)
    data = {"name-name": "Renamed", "name-submit_name": "1"}
    assert client.post("/account", data=data).status_code == 400
    data["name-csrf_token"] = name_token.group(1)
    assert client.post("/account", data=data).status_code == 302


def test_behind_a_proxy_limits_count_per_client_address(make_app, federation):
    limited = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="1 per minute",
        RATELIMIT_STORAGE_URI="memory://",
        PROXY_COUNT=1,
    )
    client = limited.test_client()

    def attempt(address):
        return client.post(
            "/login",
            data={"email": federation.student.email, "password": "wrong password"},
            headers={"X-Forwarded-For": address},
        ).status_code

    assert [attempt("203.0.113.1"), attempt("203.0.113.1")] == [200, 429]
    assert attempt("203.0.113.2") == 200


def test_forms_refuse_a_post_without_csrf_token(make_app, federation):
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    response = log_in(client, federation.student.email)
    assert response.status_code == 400
    assert "form had expired" in response.get_data(as_text=True)
    assert client.get("/account").status_code == 302  # not logged in


def test_every_response_carries_the_security_headers(client):
    response = client.get("/login")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy


def test_a_new_password_logs_out_every_other_browser(app, federation):
    from tests import builders

    elsewhere, here = app.test_client(), app.test_client()
    log_in(elsewhere, federation.student.email, remember_me="y")
    log_in(here, federation.student.email)
    assert elsewhere.get("/account").status_code == 200
    response = here.post(
        "/account",
        data={
            "password-current_password": builders.PASSWORD,
            "password-new_password": "a brand new password",
            "password-new_password_again": "a brand new password",
            "password-submit_password": "1",
        },
    )
    assert response.status_code == 302
    assert here.get("/account").status_code == 200  # the browser that changed it stays in
    assert elsewhere.get("/account").headers["Location"].startswith("/login")
    elsewhere.delete_cookie("session")  # the remember-me cookie alone does not let it back
    assert elsewhere.get("/account").headers["Location"].startswith("/login")


def test_registration_is_rate_limited(make_app, federation):
    limited = make_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://"
    )
    client = limited.test_client()
    statuses = [client.post("/register", data={"email": "x"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_a_rate_limited_app_leaves_the_suite_unlimited(make_app, app, federation):
    """Guards the make_app fixture: the limiter is shared by every app of the process."""
    from exchange.extensions import limiter

    make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="1 per minute")
    assert limiter.enabled is True


def test_and_then_logins_are_not_limited_any_more(client, federation):
    statuses = {log_in(client, federation.student.email, "wrong").status_code for _ in range(5)}
    assert statuses == {200}
