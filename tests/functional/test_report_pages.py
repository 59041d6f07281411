"""The dashboards' pages: the federation's, an NMO's and an LC's, for whom each is, with
its charts' placeholders, its tables, its downloads and its links; 403 or 404 for anyone
else, whatever code, id, season or program the URL carries; an empty state for a season
with nothing to count.

The world (tests/functional/steps.py): CROMSIC (home, LC Zagreb) sends SCOPE students to
SLOMSIC (host, LC Ljubljana with Cardiology, LC Maribor with Surgery). Here three students
of LC Zagreb apply: one submitted, one nominated, one accepted into Cardiology with a late
card of acceptance. Season 2025/26 exists and is empty.
"""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from flask import current_app
from flask import url_for as flask_url_for

from exchange import clock
from exchange.applications import deadlines
from exchange.applications.states import State
from exchange.auth.models import Role
from exchange.contracts.models import Contract
from exchange.extensions import db
from exchange.organizations.models import NMO
from exchange.reports.figures import TABLE_KEYS
from exchange.reports.selection import KINDS
from exchange.web.assets import plotly_bundle
from tests import builders
from tests.functional.steps import as_user

CHARTED = ("flows", "funnel", "late_cards", "balance", "occupancy")
TABLES = TABLE_KEYS


def url_for(endpoint: str, **args) -> str:
    """The URL of ``endpoint``, as the pages build it."""
    with current_app.test_request_context():
        return flask_url_for(endpoint, **args)


def _apply(world, state: State, **columns):
    """An application of a new student of LC Zagreb to SLOMSIC, as far as ``state``."""
    federation = world.federation
    student = builders.user(Role.STUDENT, lc_=federation.home_lc)
    now = clock.now()
    values = {"state": state, "submitted_at": now}
    if state in (State.NOMINATED, State.ACCEPTED):
        contract = db.session.query(Contract).one()
        start = contract.season.month_date(7)
        values |= {
            "contract_id": contract.id,
            "exchange_month": 7,
            "nominated_at": now,
            "ca_due_on": deadlines.ca_due_on(start),
        }
    if state == State.ACCEPTED:
        values |= {
            "placement_id": world.department.id,
            "starts_on": start,
            "ends_on": start + timedelta(days=27),
            "contact_person": "Dr. Maja Kos",
            "accepted_at": now,
            "cc_due_on": deadlines.cc_due_on(start),
        }
    return builders.application(student, federation.host, **(values | columns))


@pytest.fixture
def reports(world):
    """The world with three applications in 2026/27 and an empty season 2025/26."""
    _apply(world, State.SUBMITTED)
    _apply(world, State.NOMINATED)
    accepted = _apply(world, State.ACCEPTED, ca_late=True)
    builders.season("2025/26")
    db.session.commit()
    return world, accepted


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def _same(url: str) -> tuple:
    """A URL's path and query arguments, in any order."""
    split = urlsplit(url)
    return split.path, tuple(sorted(parse_qsl(split.query)))


class Links(list):
    """A page's links; ``url in links`` whatever the order of its query arguments."""

    def __contains__(self, url) -> bool:
        return any(_same(link) == _same(url) for link in self)

    def count(self, url) -> int:
        return sum(_same(link) == _same(url) for link in self)


def _hrefs(page: str) -> Links:
    return Links(unescape(href) for href in re.findall(r'href="([^"]*)"', page))


def _federation_url(**args) -> str:
    return url_for("reports.dashboard", **args)


def _nmo_url(code: str, **args) -> str:
    return url_for("reports.dashboard", kind="nmo", key=code, **args)


def _lc_url(lc_id, **args) -> str:
    return url_for("reports.dashboard", kind="lc", key=lc_id, **args)


def _assert_strict_csp_markup(page: str) -> None:
    """No inline script or style: the CSP would refuse them."""
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "an inline <script>"
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page), "a style attribute"
    assert not re.search(r"\son[a-z]+=", page), "an inline event handler"


def _assert_dashboard(page: str, kind: str, key: str, charted=CHARTED) -> None:
    """The page of a dashboard with figures: its data URL, plotly.js, every table and its
    CSV, the charts' placeholders, the downloads of every figure."""
    args = {"season": "2026/27"}
    data = url_for("reports.data", kind=kind, key=key, **args)
    assert f'data-src="{data}"' in unescape(page) or f'data-src="{data}"' in page
    assert f'src="{url_for("assets.plotly", version=plotly_bundle().version)}"' in page
    assert f'src="{url_for("static", filename="js/reports.js")}"' in page
    hrefs = _hrefs(page)
    for table in TABLES:
        assert f'id="figure-{table}"' in page
        assert url_for("reports.figure_csv", kind=kind, key=key, figure=table, **args) in hrefs
    for chart in charted:
        assert f'data-chart="{chart}"' in page
    assert url_for("reports.figures_csv", kind=kind, key=key, **args) in hrefs
    assert url_for("reports.figures_xlsx", kind=kind, key=key, **args) in hrefs
    _assert_strict_csp_markup(page)


# Who sees what


def test_the_federation_dashboard_shows_every_figure_and_links_to_each_nmo(client, login, reports):
    world, _ = reports
    federation = world.federation
    login(federation.admin)
    page = _page(client, _federation_url(season="2026/27"))
    assert "<title>Reports: The federation · Exchange</title>" in page
    # An accepted application's students flow from CROMSIC to SLOMSIC: the Sankey's
    # placeholder, the flows table with its row; the balance and occupancy have figures too.
    _assert_dashboard(page, "federation", "")
    assert re.search(r"<th[^>]*>CROMSIC</th>\s*<td[^>]*>SLOMSIC</td>", page)
    hrefs = _hrefs(page)
    for nmo in (federation.home, federation.host):
        assert _nmo_url(nmo.code, season="2026/27") in hrefs
    # The federation's export: every submitted application of the season.
    season_id = builders.season("2026/27").id
    assert (
        url_for("applications.export_csv", queue="outgoing", state="all", season=season_id) in hrefs
    )
    assert 'data-side="outgoing"' not in page  # one side: the federation's


def test_an_nmo_dashboard_shows_outgoing_and_incoming_side_by_side(client, login, reports):
    world, _ = reports
    federation = world.federation
    login(federation.national_officer)
    page = _page(client, _nmo_url("CROMSIC", season="2026/27"))
    assert "<title>Reports: CROMSIC (Croatia) · Exchange</title>" in page
    _assert_dashboard(page, "nmo", "CROMSIC", charted=("flows", "funnel", "balance"))
    for side in ("outgoing", "incoming"):
        assert f'data-side="{side}"' in page
    for series in ("Outgoing", "Incoming"):
        assert f'data-chart="funnel" data-series="{series}"' in page
    assert "2 students go to SLOMSIC (2)" in " ".join(page.split())
    hrefs = _hrefs(page)
    # Its LCs' dashboards, and the exports of its applications, contracts and placements.
    assert _lc_url(federation.home_lc.id, season="2026/27") in hrefs
    season = builders.season("2026/27")
    for queue, side in (("outgoing", {"home": "CROMSIC"}), ("incoming", {"host": "CROMSIC"})):
        for endpoint in ("applications.export_csv", "applications.export_xlsx"):
            url = url_for(endpoint, queue=queue, state="all", season=season.id, **side)
            assert url in hrefs
    assert url_for("contracts.export", season="2026/27", nmo="CROMSIC") in hrefs
    assert url_for("placements.export", program="SCOPE", nmo="CROMSIC", season="2026/27") in hrefs
    # The breadcrumbs: no link to the federation's dashboard, which is the admins'.
    assert _federation_url(season="2026/27") not in hrefs


def test_the_host_nmo_dashboard_links_its_late_cards_to_the_applications_list(
    client, login, reports
):
    world, accepted = reports
    login(world.host_neo)
    page = _page(client, _nmo_url("SLOMSIC", season="2026/27"))
    _assert_dashboard(page, "nmo", "SLOMSIC")
    # The late CA of the student accepted into Cardiology (LC Ljubljana): the number opens
    # the applications list of exactly those.
    late_cards = page[page.index('id="table-late_cards"') :]
    late_cards = late_cards[: late_cards.index("</table>")]
    assert "LC Ljubljana" in late_cards
    links = _hrefs(late_cards)
    assert len(links) == 1
    link = links[0]
    assert link.startswith(url_for("applications.index"))
    for arg in ("queue=incoming", "card=ca", "due=late", f"host_lc={world.federation.host_lc.id}"):
        assert arg in link
    assert f"season={accepted.season_id}" in link
    listed = _page(client, link)
    assert accepted.code in listed


def test_an_lc_dashboard_links_up_to_its_nmo_for_a_national_officer(client, login, reports):
    world, _ = reports
    federation = world.federation
    login(federation.national_officer)
    lc = federation.home_lc
    page = _page(client, _lc_url(lc.id, season="2026/27"))
    assert "<title>Reports: LC Zagreb, CROMSIC · Exchange</title>" in page
    _assert_dashboard(page, "lc", str(lc.id), charted=("flows", "funnel"))
    assert 'id="report-up"' in page
    assert _nmo_url("CROMSIC", season="2026/27") in _hrefs(page)
    for side in ("outgoing", "incoming"):
        assert f'data-side="{side}"' in page


def test_an_lc_dashboard_for_its_local_officer_links_to_nothing_they_cannot_open(
    client, login, reports
):
    world, _ = reports
    federation = world.federation
    login(federation.local_officer)
    lc = federation.home_lc
    page = _page(client, _lc_url(lc.id))
    _assert_dashboard(page, "lc", str(lc.id), charted=("flows", "funnel"))
    hrefs = _hrefs(page)
    assert 'id="report-up"' not in page
    assert _nmo_url("CROMSIC", season="2026/27") not in hrefs
    assert not any(href.startswith(url_for("contracts.export")) for href in hrefs)
    # Every download and export the page offers opens for them.
    downloads = [
        h
        for h in hrefs
        if h.startswith(("/reports/", "/applications/export", "/placements/export"))
    ]
    assert any(h.startswith("/placements/export") for h in downloads)
    for href in downloads:
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize(
    ("who", "where"),
    [
        ("national_officer", "federation"),
        ("local_officer", "federation"),
        ("student", "federation"),
        ("host_neo", "home_nmo"),
        ("local_officer", "home_nmo"),
        ("student", "home_nmo"),
        ("host_leo", "home_lc"),
        ("host_neo", "home_lc"),
        ("student", "home_lc"),
        ("national_officer", "host_lc"),
        ("local_officer", "host_lc"),
    ],
)
def test_nobody_reads_another_ones_dashboard(client, login, reports, who, where):
    world, _ = reports
    federation = world.federation
    user = getattr(world, who, None) or getattr(federation, who)
    url = {
        "federation": _federation_url(),
        "home_nmo": _nmo_url("CROMSIC"),
        "home_lc": _lc_url(federation.home_lc.id),
        "host_lc": _lc_url(federation.host_lc.id),
    }[where]
    login(user)
    assert client.get(url).status_code == 403
    assert client.get(url.rstrip("/") + "/data.json").status_code == 403


@pytest.mark.parametrize("kind", KINDS)
def test_anyone_logged_out_is_sent_to_log_in(client, reports, kind):
    world, _ = reports
    key = {"federation": "", "nmo": "CROMSIC", "lc": world.federation.home_lc.id}[kind]
    url = url_for("reports.dashboard", kind=kind, key=key) if key else _federation_url()
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith(url_for("auth.login"))


@pytest.mark.parametrize(
    "url",
    [
        "/reports/nmos/NOSUCH",
        "/reports/nmos/cromsic",
        "/reports/lcs/0",
        "/reports/lcs/424242",
        "/reports/lcs/99999999999999999999",
        "/reports/lcs/-1",
        "/reports/lcs/abc",
        "/reports/lcs/%C2%B2",
        "/reports/?season=1999/00",
        "/reports/?program=nothing",
        "/reports/nmos/CROMSIC?season=2030/31",
        "/reports/nmos/CROMSIC?program=nothing",
    ],
)
def test_unknown_dashboards_seasons_and_programs_are_not_found(client, login, reports, url):
    world, _ = reports
    login(world.federation.admin)
    response = client.get(url)
    assert response.status_code == 404
    assert "Traceback" not in response.get_data(as_text=True)


def test_the_not_found_page_says_what_is_not_there(client, login, reports):
    world, _ = reports
    login(world.federation.admin)
    assert "There is no NMO NOPE." in client.get("/reports/nmos/NOPE").get_data(as_text=True)
    general = client.get("/no/such/page").get_data(as_text=True)
    assert "There is nothing at this address." in general


def test_a_program_the_officer_holds_no_role_in_is_not_found(client, login, reports):
    world, _ = reports
    login(world.federation.national_officer)  # NEO of CROMSIC in SCOPE
    assert client.get(_nmo_url("CROMSIC", program="score")).status_code == 404
    page = _page(client, _nmo_url("CROMSIC", program="scope"))
    # The program chooser offers what they hold, and no "Both programs".
    assert "Both programs" not in page
    assert '<option value="scope" selected>' in page


def test_the_filter_form_chooses_season_and_program(client, login, reports):
    world, _ = reports
    login(world.federation.admin)
    page = _page(client, _federation_url(season="2026/27", program="scope"))
    form = page[page.index('<form class="row g-2 align-items-end') :]
    form = form[: form.index("</form>")]
    assert 'method="get"' in form
    assert f'action="{_federation_url()}"' in form
    assert '<option value="2026/27" selected>' in form
    assert '<option value="2025/26"' in form
    assert '<option value="">Both programs</option>' in form
    assert '<option value="scope" selected>' in form
    assert '<option value="score"' in form
    # One program: its exports keep to it.
    program = builders.program("SCOPE")
    assert url_for("contracts.export", season="2026/27", program="scope") in _hrefs(page)
    assert f"program={program.id}" in " ".join(h for h in _hrefs(page) if "applications" in h)


# An empty season


@pytest.mark.parametrize("kind", KINDS)
def test_an_empty_season_shows_what_to_do_and_no_chart(client, login, reports, kind):
    world, _ = reports
    login(world.federation.admin)
    key = {"federation": "", "nmo": "CROMSIC", "lc": world.federation.home_lc.id}[kind]
    args = {"season": "2025/26"}
    url = (
        url_for("reports.dashboard", kind=kind, key=key, **args) if key else _federation_url(**args)
    )
    page = _page(client, url)
    assert 'id="report-empty"' in page
    assert "Nothing to count in 2025/26" in page
    assert "Pick another season" in page
    assert "report-chart" not in page
    assert "data-src" not in page
    assert "plotly" not in page
    _assert_strict_csp_markup(page)


def test_a_federation_without_any_season_says_so(client, login, federation):
    db.session.delete(builders.season("2026/27"))
    db.session.commit()
    login(federation.admin)
    page = _page(client, _federation_url())
    assert "No season yet" in page
    assert "report-chart" not in page


def test_a_figure_with_nothing_in_it_shows_its_own_empty_state(client, login, reports):
    world, _ = reports
    login(world.federation.admin)
    page = _page(client, _federation_url(season="2026/27"))
    # Every NMO of the world is in Europe, so the regions' flows have one cell; the world
    # has no research projects: occupancy shows departments only. What has nothing (no
    # late CC) is not drawn empty: a figure with no rows shows a sentence instead.
    for key in TABLES:
        section = page[page.index(f'id="figure-{key}"') :]
        section = section[: section.index("</section>")]
        assert ('data-empty="' in section) != ('id="table-' in section), key


# Home pages and navigation


def test_the_admin_home_and_navigation_link_to_the_federation_dashboard(client, login, reports):
    world, _ = reports
    login(world.federation.admin)
    page = _page(client, url_for("main.index"))
    hrefs = _hrefs(page)
    assert hrefs.count(_federation_url()) == 2  # the navigation's "Reports" and the home's


def test_an_officer_home_links_to_their_dashboard(client, login, reports):
    world, _ = reports
    federation = world.federation
    login(federation.national_officer)
    hrefs = _hrefs(_page(client, url_for("main.index")))
    assert _nmo_url("CROMSIC") in hrefs  # the navigation
    assert _nmo_url("CROMSIC", program="scope") in hrefs  # the panel of their role
    client.post(url_for("auth.logout"))
    login(federation.local_officer)
    hrefs = _hrefs(_page(client, url_for("main.index")))
    assert _lc_url(federation.home_lc.id) in hrefs
    assert _lc_url(federation.home_lc.id, program="scope") in hrefs


def test_a_student_sees_no_reports_link(client, login, reports):
    world, _ = reports
    login(world.federation.student)
    page = _page(client, url_for("main.index"))
    assert "/reports/" not in page


def test_a_cache_that_does_not_answer_loses_no_write_and_breaks_no_page(make_app, reports):
    # Redis down: the figures are counted at each request, and a commit that would start a
    # new generation is saved all the same, with no error for the user.
    world, _ = reports
    other = make_app(CACHE_TYPE="RedisCache", CACHE_REDIS_URL="redis://127.0.0.1:1/0")
    client = other.test_client()
    as_user(client, world.federation.admin)
    for url in ("/reports/", "/reports/data.json", "/statistics", "/catalogue/"):
        assert client.get(url).status_code == 200, url
    # Read outside the other app: the suite's objects would load through its engine.
    home_id = world.federation.home.id
    with other.app_context():
        nmo = db.session.get(NMO, home_id)
        nmo.acronym = "CroMSIC-3"
        db.session.commit()  # renews the reports' and the catalogue's generations: logged
        db.session.expire_all()
        assert db.session.get(NMO, home_id).acronym == "CroMSIC-3"
        db.session.remove()


def _flows_table(page: str) -> str:
    found = re.search(r'<table[^>]*id="table-flows".*?</table>', page, re.S)
    assert found, "no flows table"
    return found.group()


def test_the_kept_tables_of_a_dashboard_follow_each_commit(client, reports):
    # The tables are rendered once and kept with the figures (reports.views._tables_html):
    # a commit that changes what they count shows on the next request.
    world, _ = reports
    as_user(client, world.federation.admin)
    before = _flows_table(_page(client, _federation_url()))
    assert before == _flows_table(_page(client, _federation_url()))
    _apply(world, State.NOMINATED)
    _apply(world, State.NOMINATED)
    db.session.commit()
    after = _flows_table(_page(client, _federation_url()))
    assert after != before
    # The flow CROMSIC to SLOMSIC counts the nominated and later: 2, then 4.
    assert re.search(r">\s*2\s*<", before) and not re.search(r">\s*4\s*<", before)
    assert re.search(r">\s*4\s*<", after)
