"""Rough edges of issue 10, point 7: an upload over a limit, a rate limit that was hit, and
an admin's new account whose email is taken, each answered in words a person can act on."""

import io
import re
from datetime import UTC, datetime

import pytest
import time_machine
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from exchange.contracts.models import Contract
from exchange.organizations.models import LocalCommittee
from exchange.placements.models import Placement
from exchange.web.uploads import MB, format_size, too_large
from tests import builders
from tests.functional.conftest import log_in

SIX_MB_AND_A_BIT = 6_500_000  # 6.2 MB: over a CSV import's 1 MB, under a request's 32 MB


def _page(response) -> str:
    return response.get_data(as_text=True)


def _post_file(client, url: str, content: bytes, name="big.csv", headers=None, **fields):
    # Encoded in memory: the test client would spool a large body to a file it never closes.
    boundary, body = encode_multipart({**fields, "file": FileStorage(io.BytesIO(content), name)})
    return client.post(
        url,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
        headers=headers or {},
    )


# Sizes in words


@pytest.mark.parametrize(
    ("size", "words"),
    [
        (1, "1 byte"),
        (900, "900 bytes"),
        (2560, "3 KB"),
        (1_000_000, "1 MB"),
        (4 * MB, "4 MB"),
        (SIX_MB_AND_A_BIT, "6.2 MB"),
        (32 * MB, "32 MB"),
    ],
)
def test_sizes_are_written_as_people_read_them(size, words):
    assert format_size(size) == words


def test_a_file_just_over_the_limit_is_told_in_bytes_not_in_two_equal_figures():
    assert too_large(SIX_MB_AND_A_BIT, 1_000_000) == "The file is 6.2 MB; the limit is 1 MB."
    assert too_large(1_040_000, 1_000_000) == (
        "The file is 1,040,000 bytes; the limit is 1,000,000 bytes."
    )


# 413: more than one request may carry


def test_a_request_over_the_limit_gets_a_page_that_names_the_limit_and_leads_back(
    app, client, federation, login
):
    assert app.config["MAX_CONTENT_LENGTH"] == 32 * MB
    login(federation.admin)
    came_from = "http://localhost/contracts/import"
    response = _post_file(
        client, "/contracts/import", b"x" * (33 * MB), headers={"Referer": came_from}
    )
    page = _page(response)
    assert response.status_code == 413
    assert "That file is too large" in page
    assert re.search(r"You sent 33(\.\d)? MB; this site takes at most 32 MB in one upload\.", page)
    assert f'href="{came_from}">Back to the page you came from</a>' in page
    assert 'href="/">Go to the home page</a>' in page


def test_the_413_page_never_leads_to_another_site(client, federation, login):
    login(federation.admin)
    response = _post_file(
        client,
        "/contracts/import",
        b"x" * (33 * MB),
        headers={"Referer": "http://localhost.example.com/contracts/import"},
    )
    page = _page(response)
    assert response.status_code == 413
    assert "example.com" not in page and "Back to the page you came from" not in page
    assert 'href="/">Go to the home page</a>' in page


def test_a_six_megabyte_document_is_no_longer_refused_by_the_request_limit(
    client, federation, login
):
    """6 MB got a bare 413 before: now the form it was sent to answers it (here the
    contracts import, over its own limit of 1 MB)."""
    login(federation.admin)
    response = _post_file(client, "/contracts/import", b"x" * SIX_MB_AND_A_BIT)
    assert response.status_code == 200
    assert "The file is 6.2 MB; the limit is 1 MB." in _page(response)


# A CSV import over its limit


def _field_error(page: str) -> str | None:
    found = re.search(r'<div class="invalid-feedback d-block">([^<]*)</div>', page)
    return found.group(1) if found else None


def test_a_placements_import_over_its_limit_says_the_size_and_keeps_the_season_chosen(
    client, federation, login
):
    builders.season("2026/27")
    later = builders.season("2027/28")
    login(federation.national_officer)
    page = _page(client.get("/placements/import?program=SCOPE"))
    assert 'data-max-bytes="1000000"' in page

    response = _post_file(
        client,
        "/placements/import?program=SCOPE",
        b"x" * SIX_MB_AND_A_BIT,
        season_id=str(later.id),
    )
    page = _page(response)
    assert response.status_code == 200
    assert _field_error(page) == "The file is 6.2 MB; the limit is 1 MB."
    assert re.search(rf'<option selected value="{later.id}">2027/28</option>', page)
    assert builders.db.session.scalar(select(func.count(Placement.id))) == 0


def test_a_contracts_import_over_its_limit_says_the_size_on_its_page(client, federation, login):
    login(federation.admin)
    assert 'data-max-bytes="1000000"' in _page(client.get("/contracts/import"))
    response = _post_file(client, "/contracts/import", b"x" * 2_000_000)
    page = _page(response)
    assert response.status_code == 200
    assert "Import contracts from CSV" in page
    assert _field_error(page) == "The file is 1.9 MB; the limit is 1 MB."
    assert builders.db.session.scalar(select(func.count(Contract.id))) == 0


def test_an_lc_import_over_its_limit_says_the_size_on_its_page(client, federation, login):
    login(federation.admin)
    assert 'data-max-bytes="1000000"' in _page(client.get("/admin/lcs/import"))
    before = builders.db.session.scalar(select(func.count(LocalCommittee.id)))
    response = _post_file(client, "/admin/lcs/import", b"x" * SIX_MB_AND_A_BIT)
    page = _page(response)
    assert response.status_code == 200
    assert "Import local committees" in page
    assert _field_error(page) == "The file is 6.2 MB; the limit is 1 MB."
    assert builders.db.session.scalar(select(func.count(LocalCommittee.id))) == before


# 429: a rate limit hit


@pytest.fixture
def frozen():
    """A clock that stands still at 09:00:20 on the suite's day, moved on by the test."""
    with time_machine.travel(datetime(2026, 4, 15, 9, 0, 20, tzinfo=UTC), tick=False) as clock:
        yield clock


@pytest.fixture
def limited(make_app, frozen):
    """A client of an app whose sign-in forms take two tries a minute."""
    app = make_app(
        RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="2 per minute", RATELIMIT_STORAGE_URI="memory://"
    )
    return app.test_client()


def _wrong_logins(client, email, times):
    return [log_in(client, email, "wrong").status_code for _ in range(times)]


def test_the_429_page_says_the_limit_and_when_to_try_again(limited, frozen, federation):
    assert _wrong_logins(limited, federation.student.email, 2) == [200, 200]
    frozen.move_to(datetime(2026, 4, 15, 9, 0, 40, tzinfo=UTC))
    response = log_in(limited, federation.student.email, "wrong")
    page = _page(response)
    assert response.status_code == 429
    # The window opened at 09:00:20 and holds for a minute (to the next whole second).
    assert response.headers["Retry-After"] == "41"
    assert "Too many sign-in attempts: 2 in a minute. Try again in 41 seconds." in page
    assert "Too many attempts" in page


def test_a_longer_wait_names_the_minute_to_try_again_at(make_app, frozen, federation):
    client = make_app(
        RATELIMIT_ENABLED=True,
        LOGIN_RATE_LIMIT="2 per 10 minutes",
        RATELIMIT_STORAGE_URI="memory://",
    ).test_client()
    _wrong_logins(client, federation.student.email, 2)
    frozen.move_to(datetime(2026, 4, 15, 9, 0, 40, tzinfo=UTC))
    response = log_in(client, federation.student.email, "wrong")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "581"  # until 09:10:21
    assert (
        "Too many sign-in attempts: 2 in 10 minutes. Try again in 10 minutes, at 09:11 UTC."
        in _page(response)
    )


def test_the_password_link_limit_names_what_it_counts(limited, federation):
    client = limited
    statuses = [
        client.post("/forgot-password", data={"email": "nobody@example.org"}).status_code
        for _ in range(3)
    ]
    assert statuses == [302, 302, 429]  # every request counts: each may send a mail
    response = client.post("/forgot-password", data={"email": "nobody@example.org"})
    assert "Too many requests for a password link: 2 in a minute. Try again in" in _page(response)
    assert int(response.headers["Retry-After"]) > 0


def test_successful_logins_do_not_count_against_the_limit(limited, federation):
    client = limited
    for _ in range(3):
        assert log_in(client, federation.student.email).status_code == 302
        client.post("/logout")
    # The failures count: two are answered, the third is refused, even with the password.
    assert _wrong_logins(client, federation.student.email, 3) == [200, 200, 429]
    assert log_in(client, federation.student.email).status_code == 429


def test_an_api_request_over_a_limit_gets_a_problem_with_retry_after(app):
    from flask_limiter.errors import RateLimitExceeded
    from flask_limiter.util import get_remote_address
    from limits import parse

    from exchange.web.errors import handle_too_many_requests

    class Limit:  # what flask-limiter hands the error: the limit and what it counts
        limit = parse("5 per hour")
        error_message = "Too many uploads"
        key_func = staticmethod(get_remote_address)

    with app.test_request_context("/api/v1/anything"):
        response = handle_too_many_requests(RateLimitExceeded(Limit()))
    assert response.status_code == 429
    assert response.content_type == "application/problem+json"
    assert response.json["detail"] == (
        "Too many uploads: 5 in an hour. Wait a moment and try again."
    )


# An admin's new account with an email that is taken


def test_an_admin_creating_an_existing_email_is_led_to_that_account(client, federation, login):
    login(federation.admin)
    response = client.post(
        "/admin/users/new",
        data={
            "name": "Ana Again",
            "email": federation.student.email.upper(),
            "role": "national_officer",
            "nmo_id": federation.home.id,
            "lc_id": 0,
            "program_id": builders.program("SCOPE").id,
        },
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Log in instead" not in page
    student = federation.student
    assert (
        f'An account with this email exists already: <a href="/admin/users/{student.id}">'
        f"{student.name}</a> (Student of LC Zagreb, CROMSIC). Add the role on that account's "
        "page instead." in page.replace("&#39;", "'")
    )
    assert f'value="{student.email.upper()}"' in page  # what the admin typed stays
