"""Absurd numbers, NUL characters and non-finite decimals get a clear 4xx (or are read
as no value), never a server error, on SQLite and on PostgreSQL: the probe of issue 14."""

import pytest
from sqlalchemy import select

from exchange.auth.models import User
from exchange.conditions.models import ExchangeConditions
from exchange.csv_files import Table, Unreadable
from exchange.extensions import db
from tests import builders
from tests.functional.steps import as_user
from tests.functional.test_api_applications import bearer
from tests.functional.test_calendar_pages import _submitted
from tests.functional.test_conditions import URL as CONDITIONS_URL
from tests.functional.test_conditions import form_data as conditions_form

HUGE = "99999999999999999999"
LISTS = (
    "/catalogue/",
    "/nmos/",
    "/contracts/",
    "/placements/",
    "/matching/",
    "/conditions/",
    "/admin/users",
    "/applications/",
    "/admin/nmos",
)
FILTERS = ("season", "program", "region", "nmo", "lc", "host", "home", "state", "sort")


def _as(client, user):
    response = client.post("/login", data={"email": user.email, "password": builders.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def admin_client(client, federation):
    return _as(client, federation.admin)


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("page", [HUGE, f"-{HUGE}", "1e9", "0", "-1"])
def test_an_absurd_page_number_is_no_server_error(admin_client, path, page):
    response = admin_client.get(f"{path}?page={page}")
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize("value", [HUGE, f"-{HUGE}", "1e400"])
def test_an_absurd_filter_is_no_server_error(admin_client, path, name, value):
    response = admin_client.get(f"{path}?{name}={value}")
    assert response.status_code in (200, 400, 404), response.status_code


@pytest.mark.parametrize(
    "path",
    [
        *(f"{path}?q=a%00b" for path in LISTS),
        "/applications/a%00b",
        "/nmos/a%00b",
        "/catalogue/a%00b/SCOPE",
        "/applications/?queue=incoming&q=%00",
    ],
)
def test_a_nul_character_in_a_url_is_refused_clearly(admin_client, path):
    response = admin_client.get(path)
    assert response.status_code in (400, 404), response.status_code


def test_a_nul_character_in_a_form_is_refused_and_nothing_is_saved(client, federation, login):
    login(federation.student)
    response = client.post("/account", data={"name-name": "Ana\x00", "name-submit_name": "1"})
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    client.post("/logout")
    response = client.post(
        "/register",
        data={
            "name": "Ana\x00Horvat",
            "email": "nul@example.org",
            "nmo_id": federation.home.id,
            "lc_id": federation.home_lc.id,
            "year_of_study": 4,
            "password": "a long enough password",
            "password_again": "a long enough password",
        },
    )
    assert response.status_code == 400
    assert db.session.scalar(select(User).where(User.email == "nul@example.org")) is None
    db.session.refresh(federation.student)
    assert "\x00" not in federation.student.name


def test_a_nul_character_in_an_api_body_is_a_problem(client, federation):
    token = bearer(federation.student)
    response = client.post("/api/v1/applications/", json={"program": "SCOPE\u0000"}, headers=token)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "NUL" in response.get_json()["detail"]


def test_a_csv_file_with_a_nul_character_is_refused_with_its_line():
    with pytest.raises(Unreadable, match="NUL") as refused:
        Table(b"name,city\nLC Zagreb,Zagreb\nLC Split,Sp\x00lit\n")
    assert refused.value.line == 3


NOT_FINITE = ["sNaN", "NaN", "Infinity", "-inf", "1e-999999999", "1e999999999", "1E2"]


@pytest.mark.parametrize("points", NOT_FINITE)
def test_points_that_are_no_plain_number_are_refused(client, world, points):
    application = _submitted(world)
    as_user(client, world.home_neo)
    response = client.post(f"/applications/{application.code}/points", data={"points": points})
    assert response.status_code == 422
    db.session.refresh(application)
    assert application.points is None


@pytest.mark.parametrize("fee", NOT_FINITE)
def test_a_fee_that_is_no_plain_number_is_refused(federation, login, fee):
    client = login(federation.national_officer)
    response = client.post(CONDITIONS_URL, data=conditions_form(fee_amount=fee))
    assert response.status_code in (200, 422)
    assert db.session.scalar(select(ExchangeConditions)) is None


@pytest.mark.parametrize(
    "path",
    [
        "/contracts/2147483648/edit",
        "/placements/9223372036854775808",
        "/matching/99999999999999999999",
        "/admin/users/2147483648",
        "/api/v1/placements/2147483648",
    ],
)
def test_a_path_id_past_the_databases_integers_matches_nothing(admin_client, path):
    assert admin_client.get(path).status_code == 404
