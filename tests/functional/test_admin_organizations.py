"""Admins keep the NMOs, LCs and seasons through their pages: lists with search, filters
and pages; adding, changing and deactivating; LCs as CSV; the next season; and nobody
else gets in."""

import io
import re

import pytest
from sqlalchemy import func, insert, select

from exchange.auth.models import Role
from exchange.extensions import db
from exchange.organizations import admin_queries
from exchange.organizations.models import NMO, LocalCommittee, Season
from tests import builders

ENDPOINTS = "admin_organizations."


def _nmo_form(**changes) -> dict:
    data = {
        "code": "amsa-at",
        "acronym": "AMSA Austria",
        "name": "Austrian Medical Students' Association",
        "country_code": "AT",
        "country_name": "Austria",
        "region_id": builders.region("Europe").id,
        "program_ids": [builders.program("SCOPE").id, builders.program("SCORE").id],
    }
    data.update(changes)
    return data


def _page(response) -> str:
    return response.get_data(as_text=True)


def _nmos_with_code(code: str) -> list[NMO]:
    return list(db.session.scalars(select(NMO).where(func.upper(NMO.code) == code.upper())))


# NMOs


def test_the_nmo_list_searches_filters_and_pages(client, federation, login, app, monkeypatch):
    builders.nmo("IFMSA-BR", "BR", "Brazil", region_name="Americas", programs=("SCORE",))
    builders.nmo("AMSA-AT", "AT", "Austria")
    quiet = builders.nmo("OLDMSA", "GR", "Greece")
    quiet.is_active = False
    db.session.commit()
    login(federation.admin)

    page = _page(client.get("/admin/nmos?q=brazil"))
    assert "IFMSA-BR" in page and "CROMSIC" not in page
    page = _page(client.get("/admin/nmos?q=slom"))
    assert "SLOMSIC" in page and "CROMSIC" not in page
    page = _page(client.get("/admin/nmos?q=HR"))  # the country code
    assert "CROMSIC" in page and "SLOMSIC" not in page
    americas = builders.region("Americas").id
    page = _page(client.get(f"/admin/nmos?region={americas}"))
    assert "IFMSA-BR" in page and "AMSA-AT" not in page
    scope = builders.program("SCOPE").id
    page = _page(client.get(f"/admin/nmos?program={scope}"))
    assert "AMSA-AT" in page and "IFMSA-BR" not in page
    page = _page(client.get("/admin/nmos?status=inactive"))
    assert "OLDMSA" in page and "Deactivated" in page and "CROMSIC" not in page
    page = _page(client.get("/admin/nmos?status=active"))
    assert "OLDMSA" not in page and "CROMSIC" in page
    page = _page(client.get("/admin/nmos?q=nothing-like-it"))
    assert "No NMO matches" in page and "Show all NMOs" in page

    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    first, second = _page(client.get("/admin/nmos")), _page(client.get("/admin/nmos?page=3"))
    assert "Page 1 of 3" in first and "5 in all" in first
    assert "Page 3 of 3" in second and "SLOMSIC" in second and "CROMSIC" not in second


@pytest.mark.parametrize(
    "query",
    [
        "page=99999999999999999999999",
        "page=-99999999999999999999",
        "page=abc",
        "page=0",
        "region=99999999999999999999",
        "program=abc",
        "status=everything",
        "q=%25_%5C",
    ],
)
def test_absurd_queries_never_break_the_lists(client, federation, login, query):
    login(federation.admin)
    for path in ("/admin/nmos", "/admin/lcs", "/admin/lcs/export.csv"):
        response = client.get(f"{path}?{query}")
        assert response.status_code in (200, 404), (path, query)


def test_unknown_and_absurd_ids_are_not_found(client, federation, login):
    login(federation.admin)
    for path in (
        "/admin/nmos/999999",
        "/admin/nmos/99999999999999999999999",
        "/admin/lcs/0",
        "/admin/lcs/99999999999999999999999",
    ):
        assert client.get(path).status_code == 404, path
    for path in (
        "/admin/nmos/99999999999999999999999/active",
        "/admin/lcs/999999/active",
        "/admin/seasons/99999999999999999999999/applications",
    ):
        assert client.post(path).status_code == 404, path


def test_an_admin_adds_an_nmo_whose_code_is_stored_in_upper_case(client, federation, login):
    login(federation.admin)
    form = client.get("/admin/nmos/new")
    assert "New NMO" in _page(form)
    response = client.post("/admin/nmos/new", data=_nmo_form())
    assert response.status_code == 302
    (nmo,) = _nmos_with_code("AMSA-AT")
    assert nmo.code == "AMSA-AT" and [p.code for p in nmo.programs] == ["SCOPE", "SCORE"]
    page = _page(client.get(response.headers["Location"]))
    assert "AMSA Austria (AMSA-AT) is added to the federation." in page
    # Students who register are offered it once it has a local committee to join.
    client.post("/logout")
    assert "Austria: AMSA Austria" not in _page(client.get("/register"))
    builders.lc(nmo, "LC Wien", "Wien")
    db.session.commit()
    assert "Austria: AMSA Austria" in _page(client.get("/register"))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "Cromsic"}, "The code CROMSIC is taken by CROMSIC (Croatia); choose another."),
        ({"code": "AMSA/AT"}, "may hold only letters A to Z"),
        ({"country_code": "A1"}, "The country code is the two letters of ISO 3166"),
        ({"program_ids": []}, "Choose the programs the NMO takes part in"),
        ({"region_id": 0}, "Choose the NMO&#39;s region."),
        ({"acronym": ""}, "Give the acronym."),
    ],
)
def test_a_wrong_nmo_is_refused_with_a_reason_and_the_form_kept(
    client, federation, login, changes, message
):
    login(federation.admin)
    before = db.session.scalar(select(func.count()).select_from(NMO))
    response = client.post("/admin/nmos/new", data=_nmo_form(**changes))
    page = _page(response)
    assert response.status_code == 200
    assert message in page
    assert 'value="Austrian Medical Students&#39; Association"' in page
    assert db.session.scalar(select(func.count()).select_from(NMO)) == before


def test_two_admins_adding_the_same_code_at_once_both_get_an_answer(
    client, federation, login, monkeypatch
):
    """The other admin's request inserts AMSA-AT after this request's check found the code
    free and before its own insert: the unique code refuses the second, which says why."""
    login(federation.admin)
    checked = admin_queries.nmo_with_code

    def check_while_another_admin_saves(code, other_than=None):
        found = checked(code, other_than=other_than)
        with db.engine.begin() as other_request:
            other_request.execute(
                insert(NMO).values(
                    code=code,
                    acronym="AMSA (the other admin's)",
                    name="Austrian Medical Students' Association",
                    country_code="AT",
                    country_name="Austria",
                    region_id=builders.region("Europe").id,
                    is_active=True,
                )
            )
        return found

    monkeypatch.setattr(admin_queries, "nmo_with_code", check_while_another_admin_saves)
    response = client.post("/admin/nmos/new", data=_nmo_form())
    page = _page(response)
    assert response.status_code == 200
    assert "Another admin has just saved an NMO with the code AMSA-AT; nothing was saved." in page
    assert [nmo.acronym for nmo in _nmos_with_code("AMSA-AT")] == ["AMSA (the other admin's)"]


@pytest.mark.postgres
def test_two_admins_racing_for_one_code_get_one_nmo(app, federation):
    from tests.integration.test_concurrency import _race

    second_admin = builders.user(Role.ADMIN, email="admin2@example.org")
    db.session.commit()
    data = _nmo_form()
    statuses = _race(
        app,
        [
            (federation.admin.email, "/admin/nmos/new", data),
            (second_admin.email, "/admin/nmos/new", data),
        ],
    )
    assert sorted(statuses) == [200, 302]
    db.session.expire_all()
    assert len(_nmos_with_code("AMSA-AT")) == 1


def test_an_admin_changes_an_nmo_and_its_page_says_its_programs(client, federation, login):
    login(federation.admin)
    home = federation.home
    page = _page(client.get(f"/admin/nmos/{home.id}"))
    assert 'value="CROMSIC"' in page and "1 local committee<" in page and "3 members" in page
    response = client.post(
        f"/admin/nmos/{home.id}",
        data=_nmo_form(
            code="cromsic-hr",
            acronym="CroMSIC",
            country_code="hr",
            country_name="Croatia",
            program_ids=[builders.program("SCORE").id],
        ),
    )
    assert response.status_code == 302
    assert "CroMSIC is saved." in _page(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert (home.code, home.country_code, [p.code for p in home.programs]) == (
        "CROMSIC-HR",
        "HR",
        ["SCORE"],
    )
    page = _page(client.get("/nmos/CROMSIC-HR"))
    assert re.search(r"takes part in\s*<span[^>]*>SCORE</span>", page)
    assert ">SCOPE<" not in page

    response = client.post(
        f"/admin/nmos/{home.id}", data=_nmo_form(code="slomsic", acronym="Typed")
    )
    page = _page(response)
    assert response.status_code == 200
    assert "The code SLOMSIC is taken by SLOMSIC (Slovenia); choose another." in page
    assert 'value="Typed"' in page and '<h1 class="h3 mb-1">CroMSIC' in page
    db.session.expire_all()
    assert (home.code, home.acronym) == ("CROMSIC-HR", "CroMSIC")


def test_an_nmo_is_deactivated_after_a_confirmation_and_leaves_the_choosers(
    client, federation, login
):
    login(federation.admin)
    host = federation.host
    page = _page(client.get(f"/admin/nmos/{host.id}"))
    assert "Deactivate SLOMSIC? It will no longer be offered" in page
    assert f'action="/admin/nmos/{host.id}/active"' in page
    assert "Delete" not in page
    response = client.post(f"/admin/nmos/{host.id}/active", data={"active": "0"})
    assert response.status_code == 302
    page = _page(client.get(response.headers["Location"]))
    assert "SLOMSIC is deactivated" in page and "Reactivate NMO" in page
    db.session.expire_all()
    assert not host.is_active and db.session.get(NMO, host.id) is not None
    register = _page(client.get("/admin/users/new"))
    assert "Slovenia: SLOMSIC" not in register and "LC Ljubljana" not in register
    assert "Croatia: CROMSIC" in register and "LC Zagreb" in register

    client.post(f"/admin/nmos/{host.id}/active", data={"active": "1"})
    db.session.expire_all()
    assert host.is_active


# Local committees


def test_the_lc_list_searches_filters_and_pages(client, federation, login, app, monkeypatch):
    brazil = builders.nmo("IFMSA-BR", "BR", "Brazil", region_name="Americas", programs=("SCORE",))
    builders.lc(brazil, "LC São Paulo", "São Paulo")
    split = builders.lc(federation.home, "LC Split", "Split")
    split.is_active = False
    db.session.commit()
    login(federation.admin)

    page = _page(client.get("/admin/lcs?q=paulo"))
    assert "LC São Paulo" in page and "LC Zagreb" not in page
    page = _page(client.get("/admin/lcs?q=slomsic"))  # its NMO
    assert "LC Ljubljana" in page and "LC Zagreb" not in page
    page = _page(client.get(f"/admin/lcs?nmo={federation.home.id}"))
    assert "LC Zagreb" in page and "LC Split" in page and "LC Ljubljana" not in page
    page = _page(client.get(f"/admin/lcs?region={builders.region('Americas').id}"))
    assert "LC São Paulo" in page and "LC Zagreb" not in page
    page = _page(client.get(f"/admin/lcs?program={builders.program('SCOPE').id}"))
    assert "LC Zagreb" in page and "LC São Paulo" not in page
    page = _page(client.get("/admin/lcs?status=inactive"))
    assert "LC Split" in page and "LC Zagreb" not in page
    page = _page(client.get("/admin/lcs?q=atlantis"))
    assert "No local committee matches" in page

    monkeypatch.setitem(app.config, "PAGE_SIZE", 3)
    page = _page(client.get("/admin/lcs?page=2"))
    assert "Page 2 of 2" in page and "4 in all" in page


def test_an_empty_list_says_what_to_do_next(client, app, login):
    admin = builders.user(Role.ADMIN)
    db.session.commit()
    login(admin)
    page = _page(client.get("/admin/nmos"))
    assert "No NMOs yet" in page and "Add the first NMO" in page
    page = _page(client.get("/admin/lcs"))
    assert "No local committees yet" in page and "Import LCs from CSV" in page
    page = _page(client.get("/admin/seasons"))
    assert "No seasons yet" in page and "Create season 2026/27" in page


def test_an_admin_adds_and_changes_an_lc(client, federation, login):
    login(federation.admin)
    page = _page(client.get(f"/admin/lcs/new?nmo={federation.home.id}"))
    assert f'<option selected value="{federation.home.id}">' in page
    response = client.post(
        "/admin/lcs/new",
        data={"nmo_id": federation.home.id, "name": " LC  Rijeka", "city": "Rijeka"},
    )
    assert response.status_code == 302
    assert "LC Rijeka is added to CROMSIC." in _page(client.get(response.headers["Location"]))
    rijeka = admin_queries.lc_named(federation.home.id, "LC Rijeka")
    # No history: it may still move to another NMO.
    response = client.post(
        f"/admin/lcs/{rijeka.id}",
        data={
            "nmo_id": federation.host.id,
            "name": "LC Koper",
            "city": "Koper",
            "university": "University of Primorska",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (rijeka.nmo_id, rijeka.name, rijeka.university) == (
        federation.host.id,
        "LC Koper",
        "University of Primorska",
    )


def test_a_new_lc_without_an_nmo_is_marked_and_not_saved(client, federation, login):
    login(federation.admin)
    response = client.post(
        "/admin/lcs/new", data={"nmo_id": 0, "name": "LC Split", "city": "Split"}
    )
    assert response.status_code == 200
    assert "Choose the LC&#39;s NMO." in _page(response)
    assert db.session.scalar(select(func.count()).select_from(LocalCommittee)) == 2


def test_an_lc_name_taken_in_its_nmo_and_a_move_with_history_are_refused(client, federation, login):
    login(federation.admin)
    response = client.post(
        "/admin/lcs/new",
        data={"nmo_id": federation.home.id, "name": "lc zagreb", "city": "Zagreb"},
    )
    assert "CROMSIC has an LC called lc zagreb already." in _page(response)
    assert db.session.scalar(select(func.count()).select_from(LocalCommittee)) == 2

    lc = federation.home_lc  # the student and the local officer belong to it
    page = _page(client.get(f"/admin/lcs/{lc.id}"))
    assert "It has a history in CROMSIC, so it stays in that NMO." in page
    assert "Slovenia: SLOMSIC" not in page
    response = client.post(
        f"/admin/lcs/{lc.id}",
        data={"nmo_id": federation.host.id, "name": "LC Zagreb", "city": "Zagreb"},
    )
    assert response.status_code == 200
    assert "Not a valid choice" in _page(response)
    db.session.expire_all()
    assert lc.nmo_id == federation.home.id


def test_an_lc_is_deactivated_after_a_confirmation_and_leaves_registration(
    client, federation, login
):
    login(federation.admin)
    lc = federation.home_lc
    page = _page(client.get(f"/admin/lcs/{lc.id}"))
    assert "Deactivate LC Zagreb? Students can no longer register in it" in page
    response = client.post(f"/admin/lcs/{lc.id}/active", data={"active": "0"})
    assert "LC Zagreb is deactivated" in _page(client.get(response.headers["Location"]))
    client.post("/logout")
    assert "LC Zagreb" not in _page(client.get("/register"))
    assert "LC Ljubljana" in _page(client.get("/register"))


def test_lcs_export_and_import_again_unchanged(client, federation, login):
    login(federation.admin)
    response = client.get(f"/admin/lcs/export.csv?nmo={federation.home.id}")
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.splitlines() == [
        "\ufeffid,nmo_code,name,city,university,active",
        f"{federation.home_lc.id},CROMSIC,LC Zagreb,Zagreb,,yes",
    ]
    response = client.post(
        "/admin/lcs/import",
        data={"file": (io.BytesIO(response.data), "lcs.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = _page(client.get(response.headers["Location"]))
    assert "The file is imported: 0 created, 0 updated, 1 unchanged." in page

    changed = text.replace("Zagreb,,yes", "Zagreb,University of Zagreb,yes")
    changed += ",slomsic,LC Maribor,Maribor,,\r\n"
    response = client.post(
        "/admin/lcs/import",
        data={"file": (io.BytesIO(changed.encode()), "lcs.csv")},
        content_type="multipart/form-data",
    )
    assert "1 created, 1 updated, 0 unchanged" in _page(client.get(response.headers["Location"]))
    assert admin_queries.lc_named(federation.host.id, "LC Maribor").city == "Maribor"


def test_an_lc_import_with_a_wrong_row_imports_nothing_and_lists_the_lines(
    client, federation, login
):
    login(federation.admin)
    content = (
        b"nmo_code,name,city\n"
        b"CROMSIC,LC Rijeka,Rijeka\n"
        b"ATLANTIS,LC Poseidonia,Poseidonia\n"
        b"CROMSIC,LC Split,\n"
    )
    response = client.post(
        "/admin/lcs/import",
        data={"file": (io.BytesIO(content), "lcs.csv")},
        content_type="multipart/form-data",
    )
    page = _page(response)
    assert response.status_code == 200
    assert "Nothing was imported." in page and "2 problems in the file" in page
    assert re.search(r"<td[^>]*>3</td><td>Unknown NMO code &#39;ATLANTIS&#39;.</td>", page)
    assert re.search(r"<td[^>]*>4</td><td>Give the city.</td>", page)
    assert admin_queries.lc_named(federation.home.id, "LC Rijeka") is None

    response = client.post("/admin/lcs/import", data={}, content_type="multipart/form-data")
    assert "Choose the CSV file." in _page(response)


# Seasons


def test_the_seasons_page_creates_the_next_season_once(client, federation, login):
    login(federation.admin)
    page = _page(client.get("/admin/seasons"))
    assert "2026/27" in page and "Current" in page and "Create season 2027/28" in page
    assert re.search(r'<input[^>]*name="code"[^>]*value="2027/28"', page)
    response = client.post("/admin/seasons/next", data={"code": "2027/28"})
    assert response.status_code == 302
    page = _page(client.get("/admin/seasons"))
    assert "Season 2027/28 is created, 1 April 2027 to 31 March 2028" in page
    assert "Next" in page and "Create season 2028/29" in page
    season = db.session.scalar(select(Season).where(Season.code == "2027/28"))
    assert season.applications_open is False

    # The same button again, from a page loaded before the first click.
    response = client.post("/admin/seasons/next", data={"code": "2027/28"})
    page = _page(client.get(response.headers["Location"]))
    assert "The season 2027/28 exists already; the next is 2028/29." in page
    response = client.post("/admin/seasons/next", data={"code": "2030/31"})
    assert "The next season is 2028/29" in _page(client.get(response.headers["Location"]))
    assert db.session.scalar(select(func.count()).select_from(Season)) == 2
    assert client.post("/admin/seasons/next", data={}).status_code == 400


def test_a_season_opens_and_closes_for_applications_after_a_confirmation(client, federation, login):
    login(federation.admin)
    season = builders.season("2026/27")
    page = _page(client.get("/admin/seasons"))
    assert "Close season 2026/27 for applications? Students can no longer start" in page
    response = client.post(f"/admin/seasons/{season.id}/applications", data={"open": "0"})
    assert "Season 2026/27 is closed" in _page(client.get(response.headers["Location"]))
    db.session.expire_all()
    assert season.applications_open is False
    page = _page(client.get("/admin/seasons"))
    assert "Open season 2026/27 for applications?" in page
    client.post(f"/admin/seasons/{season.id}/applications", data={"open": "1"})
    db.session.expire_all()
    assert season.applications_open is True


def test_the_admins_menu_and_home_lead_to_these_pages(client, federation, login):
    login(federation.admin)
    for page in (_page(client.get("/admin/users")), _page(client.get("/"))):
        for path in ("/admin/nmos", "/admin/lcs", "/admin/seasons"):
            assert f'href="{path}"' in page


# Nobody else


def _routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(ENDPOINTS):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield rule.rule, method


@pytest.mark.parametrize("role", [Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER, Role.STUDENT])
def test_officers_and_students_are_refused_every_page_and_post(
    app, client, federation, login, role
):
    login(federation.by_role(role))
    season = builders.season()
    db.session.commit()
    values = {
        "<int:nmo_id>": str(federation.home.id),
        "<int:lc_id>": str(federation.home_lc.id),
        "<int:season_id>": str(season.id),
    }
    routes = list(_routes(app))
    assert len(routes) == 18  # 13 endpoints, 5 of them with a GET and a POST
    for rule, method in routes:
        for placeholder, value in values.items():
            rule = rule.replace(placeholder, value)
        data = {"active": "0", "open": "0", "code": "2027/28", **_nmo_form()}
        response = client.open(rule, method=method, data=data if method == "POST" else None)
        assert response.status_code == 403, (rule, method)
    db.session.expire_all()
    assert federation.home.is_active and federation.home_lc.is_active
    assert season.applications_open and _nmos_with_code("AMSA-AT") == []
    assert "/admin/nmos" not in _page(client.get("/"))
