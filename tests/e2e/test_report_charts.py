"""The dashboards' charts in a real browser, under the app's strict CSP: plotly.js, served
by the app itself, draws the Sankey diagram of the flows and the bar charts from each
dashboard's data.json, with no console error (a refused inline style or script shows as
one), no failed request and no page wider than the screen.

The figures need a federation with exchanges under way: this module serves the demo
federation (``flask exchange seed-demo``, two seasons, so that each figure has the previous
season beside it), on its own server, as test_narrow_screens.py does. Every page is watched
as in conftest.py.
"""

import pytest

from exchange.demo import DEMO_PASSWORD, demo_logins
from tests.e2e.conftest import demo_server

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright for Python is not installed: browser tests skipped "
    "(pip install -e '.[dev]')",
)
expect = sync_api.expect

LOGINS = dict(demo_logins())
DEMO_APPLICATIONS = 150  # a season: enough for every figure; seeded in seconds
# The demo's national officer is CROMSIC's.
NMO_DASHBOARD = "/reports/nmos/CROMSIC"

# What a drawn page holds: its placeholders, those plotly.js drew into, the Sankey
# diagrams, whether plotly.js's own rules apply (from exchange.css: its .main-svg layers
# are absolutely positioned), the <style> elements (plotly.js must have added none), and
# the page's width.
DRAWN = """() => {
  const charts = document.querySelectorAll(".report-chart");
  const layer = document.querySelector(".report-chart .main-svg");
  return {
    placeholders: charts.length,
    drawn: document.querySelectorAll(".report-chart.report-chart-drawn").length,
    withSvg: Array.from(charts).filter((chart) => chart.querySelector("svg.main-svg")).length,
    problems: document.querySelectorAll(".report-chart-problem").length,
    sankeys: document.querySelectorAll('.report-chart[data-chart="flows"] svg .sankey').length,
    sankeyLinks: document.querySelectorAll('.report-chart[data-chart="flows"] .sankey-link').length,
    bars: document.querySelectorAll(".report-chart .bars .point").length,
    layerPosition: layer ? getComputedStyle(layer).position : null,
    styles: document.querySelectorAll("style").length,
    scrollWidth: document.documentElement.scrollWidth,
  };
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """The app with the demo federation (two seasons), for this module's tests."""
    seed = ("--applications", str(DEMO_APPLICATIONS), "--seasons", "2")
    yield from demo_server(tmp_path_factory, *seed)


def log_in(page, role: str) -> None:
    page.goto("/login", wait_until="load")
    page.fill("#email", LOGINS[role])
    page.fill("#password", DEMO_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.locator("#submit").click()
    expect(page.locator("#main-nav")).to_be_attached()
    assert "/login" not in page.url, f"the demo's {role} could not log in"


def open_drawn(page, path: str) -> dict:
    """Open ``path`` and wait until every chart of it is drawn; what the page holds."""
    response = page.goto(path, wait_until="load")
    assert response is not None and response.status == 200, f"{path}: {response.status}"
    placeholders = page.locator(".report-chart")
    expect(placeholders.first).to_be_attached()
    expect(page.locator(".report-chart.report-chart-drawn")).to_have_count(placeholders.count())
    return page.evaluate(DRAWN)


def assert_drawn(drawn: dict, path: str) -> None:
    assert drawn["placeholders"] >= 4, f"{path}: {drawn}"
    assert drawn["withSvg"] == drawn["placeholders"], f"{path}: {drawn}"
    assert drawn["problems"] == 0, f"{path}: {drawn}"
    assert drawn["sankeys"] == 1, f"{path}: {drawn}"
    assert drawn["sankeyLinks"] > 1, f"{path}: {drawn}"
    assert drawn["bars"] > 0, f"{path}: {drawn}"
    assert drawn["layerPosition"] == "absolute", f"{path}: plotly.js's rules are missing"
    assert drawn["styles"] == 0, f"{path}: plotly.js added a <style> that the CSP refuses"


def test_the_admin_dashboards_draw_a_sankey_diagram_and_bar_charts(page):
    plotly = []
    page.on(
        "response",
        lambda response: "/assets/plotly-" in response.url and plotly.append(response),
    )
    log_in(page, "admin")
    for path in ("/reports/", NMO_DASHBOARD):
        assert_drawn(open_drawn(page, path), path)
    # plotly.js came from the app, compressed, to be kept for a year.
    assert plotly, "plotly.js was not loaded"
    headers = plotly[0].headers
    assert headers["content-encoding"] == "gzip"
    assert "immutable" in headers["cache-control"]
    assert headers["content-type"].startswith("text/javascript")


def test_hovering_a_flow_shows_its_numbers_without_a_console_error(page):
    log_in(page, "admin")
    open_drawn(page, "/reports/")
    page.locator('.report-chart[data-chart="flows"] .sankey-link').first.hover(force=True)
    expect(page.locator('.report-chart[data-chart="flows"] .hoverlayer .hovertext')).to_have_count(
        1
    )
    page.locator('.report-chart[data-chart="funnel"] .bars .point').first.hover(force=True)
    expect(page.locator('.report-chart[data-chart="funnel"] .hoverlayer .hovertext')).to_have_count(
        1
    )


def test_the_charts_have_no_link_to_plotly_s_cloud_nor_its_logo(page):
    log_in(page, "admin")
    open_drawn(page, "/reports/")
    chart = page.locator('.report-chart[data-chart="funnel"]')
    chart.hover()
    assert page.locator(".report-chart .modebar-btn[data-title*='PNG']").count() == 0
    assert page.locator(".report-chart [data-title*='Share']").count() == 0
    assert page.locator(".report-chart a[href*='plotly']").count() == 0
    assert page.locator(".report-chart .modebar-btn--logo").count() == 0


@pytest.mark.parametrize("role", ["national officer", "local officer"])
def test_an_officer_finds_their_dashboard_from_the_navigation(page, role):
    log_in(page, role)
    with page.expect_navigation(wait_until="load"):
        page.locator("#main-nav").get_by_role("link", name="Reports").click()
    expected = NMO_DASHBOARD if role == "national officer" else "/reports/lcs/"
    assert expected in page.url
    path = page.url.removeprefix(page.url.split("/reports/")[0])
    drawn = open_drawn(page, path)
    assert drawn["withSvg"] == drawn["placeholders"] >= 2, drawn
    assert drawn["problems"] == 0, drawn
    # Outgoing beside incoming on a wide screen.
    outgoing = page.locator('[data-side="outgoing"]').bounding_box()
    incoming = page.locator('[data-side="incoming"]').bounding_box()
    assert abs(outgoing["y"] - incoming["y"]) < 1 and incoming["x"] > outgoing["x"]


def test_on_a_phone_the_sides_stack_and_the_charts_fit_the_screen(page):
    page.set_viewport_size({"width": 390, "height": 800})
    log_in(page, "admin")
    for path in ("/reports/", NMO_DASHBOARD):
        drawn = open_drawn(page, path)
        assert_drawn(drawn, path)
        assert drawn["scrollWidth"] <= 390, f"{path} is {drawn['scrollWidth']} px wide"
        widths = page.eval_on_selector_all(
            ".report-chart svg.main-svg",
            "svgs => svgs.map((svg) => svg.getBoundingClientRect().right)",
        )
        assert max(widths) <= 390, f"{path}: a chart ends at {max(widths)} px"
    outgoing = page.locator('[data-side="outgoing"]').bounding_box()
    incoming = page.locator('[data-side="incoming"]').bounding_box()
    assert incoming["y"] >= outgoing["y"] + outgoing["height"]
