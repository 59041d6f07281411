"""The dashboards' figures through the API: the same tables as the pages' downloads,
each dashboard for those who read its page."""

import csv
import io
from decimal import Decimal

from exchange import clock
from exchange.applications.states import State
from tests import builders
from tests.functional.test_api_applications import bearer


def test_an_nmos_figures_are_its_dashboards_tables(app, client, login, world, spring):
    builders.application(
        world.student,
        world.federation.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        points=Decimal("80"),
    )
    api, token = app.test_client(), bearer(world.federation.national_officer)
    response = api.get("/api/v1/reports/nmos/CROMSIC?season=2026/27", headers=token)
    assert response.status_code == 200, response.get_json()
    dashboard = response.get_json()
    assert (dashboard["dashboard"], dashboard["season"]) == ("nmo", "2026/27")
    figures = {figure["key"]: figure for figure in dashboard["figures"]}
    funnel = figures["funnel"]
    assert funnel["rows"][0][:2] == ["Reached: Submitted", 1]
    assert figures["balance"]["rows"] == [
        ["SCOPE", "CROMSIC", "SLOMSIC", 2, 0, 0, 2, 0, 0, 0, 0, 2]
    ]

    # The same figures as the dashboard page's own download of them.
    login(world.federation.national_officer)
    download = client.get("/reports/nmos/CROMSIC/figures/balance.csv?season=2026/27")
    header, *rows = csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff")))
    assert header == figures["balance"]["header"]
    assert [[str(value) for value in row] for row in figures["balance"]["rows"]] == rows


def test_the_federations_figures_are_for_admins(app, world, spring):
    api = app.test_client()
    assert api.get("/api/v1/reports/", headers=bearer(world.federation.admin)).status_code == 200
    refused = api.get("/api/v1/reports/", headers=bearer(world.federation.national_officer))
    assert refused.status_code == 403
    assert refused.content_type == "application/problem+json"


def test_another_nmos_figures_are_refused(app, world, spring):
    response = app.test_client().get(
        "/api/v1/reports/nmos/SLOMSIC", headers=bearer(world.federation.national_officer)
    )
    assert response.status_code == 403
