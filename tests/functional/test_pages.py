"""Home pages by role, the NMO directory, and errors as pages or JSON problems."""

import pytest
from werkzeug.exceptions import BadRequest, Unauthorized

from exchange.auth.models import Role
from tests import builders


def test_visitor_sees_what_the_system_is(client):
    page = client.get("/").get_data(as_text=True)
    assert "Medical student exchanges" in page
    assert "/bootstrap/static/css/bootstrap.min.css" in page  # served by the app, no CDN
    assert "cdn" not in page.lower()


def test_assets_are_served_by_the_app(client):
    page = client.get("/").get_data(as_text=True)
    assets = (
        "/bootstrap/static/css/bootstrap.min.css",
        "/bootstrap/static/umd/popper.min.js",
        "/bootstrap/static/js/bootstrap.min.js",
        "/static/css/exchange.css",
        "/static/js/exchange.js",
        "/static/favicon.svg",
    )
    for asset in assets:
        assert asset in page, asset
        with client.get(asset) as response:
            assert response.status_code == 200, asset


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.STUDENT, "No applications yet"),
        (Role.LOCAL_OFFICER, "LEO of LC Zagreb"),
        (Role.NATIONAL_OFFICER, "NEO of CROMSIC"),
        (Role.ADMIN, "Federation overview"),
    ],
)
def test_each_role_has_its_home_page(client, federation, login, role, expected):
    login(federation.by_role(role))
    page = client.get("/").get_data(as_text=True)
    assert expected in page
    assert role.label in page  # the navigation shows the role


def test_officer_home_says_what_to_do_next(client, federation, login):
    login(federation.national_officer)
    page = client.get("/").get_data(as_text=True)
    assert "No open departments are listed for you yet" in page


def test_admin_navigation_shows_users_but_student_does_not(client, federation, login):
    login(federation.admin)
    assert 'href="/admin/users"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login(federation.student)
    assert 'href="/admin/users"' not in client.get("/").get_data(as_text=True)


def test_nmo_directory_searches_filters_and_shows_lcs(client, federation, login):
    login(federation.student)
    page = client.get("/nmos/?q=sloven").get_data(as_text=True)
    assert 'href="/nmos/SLOMSIC"' in page and 'href="/nmos/CROMSIC"' not in page
    europe = builders.region("Europe")
    page = client.get(f"/nmos/?region={europe.id}").get_data(as_text=True)
    assert 'href="/nmos/SLOMSIC"' in page and 'href="/nmos/CROMSIC"' in page
    africa = builders.region("Africa")
    page = client.get(f"/nmos/?region={africa.id}").get_data(as_text=True)
    assert "No NMO matches" in page
    page = client.get("/nmos/?q=atlantis").get_data(as_text=True)
    assert "No NMO matches" in page
    page = client.get("/nmos/CROMSIC").get_data(as_text=True)
    assert "LC Zagreb" in page
    assert "neo@example.org" not in page  # officers' contacts are for officers and admins


def test_officers_see_their_nmos_officers(client, federation, login):
    login(federation.national_officer)
    page = client.get("/nmos/CROMSIC").get_data(as_text=True)
    assert "neo@example.org" in page and "leo@example.org" in page


def test_not_found_is_a_page_for_people_and_json_for_the_api(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)

    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.get_json()["status"] == 404


def test_forbidden_page(client, federation, login):
    login(federation.student)
    response = client.get("/admin/users")
    assert response.status_code == 403
    assert "Not for your account" in response.get_data(as_text=True)


def test_unknown_nmo_is_not_found(client, federation, login):
    login(federation.student)
    assert client.get("/nmos/NOPE").status_code == 404


def test_api_refuses_anonymous_with_json(app, client):
    # No API endpoint needs a login yet; the decorator's answer is checked directly.
    from exchange.auth.decorators import login_required

    @login_required
    def view():
        return "secret"

    with app.test_request_context("/api/v1/anything"), pytest.raises(Unauthorized):
        view()
    with app.test_request_context("/account"):
        assert view().headers["Location"] == "/login?next=/account"


def _app_with_failing_routes(make_app):
    from exchange.auth.decorators import public

    failing = make_app(TESTING=False)  # as in production: errors become pages

    @failing.route("/explode")
    @public
    def explode():
        raise RuntimeError("a bug")

    @failing.route("/api/v1/explode")
    @public
    def api_explode():
        raise RuntimeError("a bug")

    @failing.route("/bad")
    @public
    def bad():
        raise BadRequest()

    return failing


def test_errors_never_show_a_traceback(make_app):
    client = _app_with_failing_routes(make_app).test_client()
    response = client.get("/explode")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Something went wrong on our side" in page
    assert "Traceback" not in page and "RuntimeError" not in page

    response = client.get("/api/v1/explode")
    assert response.status_code == 500
    assert response.get_json()["title"] == "Internal Server Error"

    response = client.get("/bad")
    assert response.status_code == 400
    assert "could not be read" in response.get_data(as_text=True)
