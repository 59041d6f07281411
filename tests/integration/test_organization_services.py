"""NMOs, LCs and seasons, called directly: the rules admins keep to, that nothing with a
history moves or vanishes, the LC CSV files, and the next season."""

from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from exchange.auth.models import Role
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.organizations import admin_queries, lc_csv, queries
from exchange.organizations import services as organizations
from exchange.organizations.models import NMO, LocalCommittee, Season
from tests import builders
from tests.integration.steps import count


def nmo_data(**changes) -> organizations.NMOData:
    values = {
        "code": "amsa-at",
        "acronym": "AMSA  Austria",
        "name": " Austrian Medical Students' Association ",
        "country_code": "at",
        "country_name": "Austria",
        "region_id": builders.region("Europe").id,
        "program_ids": (builders.program("SCOPE").id,),
    }
    values.update(changes)
    return organizations.NMOData(**values)


# NMOs


def test_an_admin_adds_an_nmo_with_its_code_in_upper_case(world):
    nmo = organizations.create_nmo(world.admin, nmo_data())
    assert (nmo.code, nmo.acronym, nmo.name, nmo.country_code) == (
        "AMSA-AT",
        "AMSA Austria",
        "Austrian Medical Students' Association",
        "AT",
    )
    assert [p.code for p in nmo.programs] == ["SCOPE"]
    assert nmo.is_active
    assert queries.nmo_by_code("AMSA-AT") is nmo


@pytest.mark.parametrize("actor", ["home_neo", "host_leo", "student"])
def test_only_admins_add_change_and_deactivate_nmos(world, actor):
    user = getattr(world, actor)
    with pytest.raises(NotAllowed):
        organizations.create_nmo(user, nmo_data())
    with pytest.raises(NotAllowed):
        organizations.update_nmo(user, world.home, nmo_data())
    with pytest.raises(NotAllowed):
        organizations.set_nmo_active(user, world.home, False)
    assert world.home.is_active and world.home.code == "CROMSIC"


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"code": "cromsic"}, "The code CROMSIC is taken by CROMSIC (Croatia)"),
        ({"code": "AMSA AT"}, "may hold only letters A to Z, digits and single hyphens"),
        ({"code": "AMSA--AT"}, "may hold only letters"),
        ({"code": "-AMSA"}, "may hold only letters"),
        ({"code": "X" * 25}, "The code has 25 characters; at most 24 fit."),
        ({"code": "  "}, "Give the code."),
        ({"acronym": ""}, "Give the acronym."),
        ({"country_code": "AUT"}, "The country code is the two letters of ISO 3166"),
        ({"country_code": "4T"}, "The country code is the two letters of ISO 3166"),
        ({"region_id": None}, "Choose the NMO's region."),
        ({"region_id": 999_999}, "Choose the NMO's region."),
        ({"program_ids": ()}, "Choose the programs the NMO takes part in"),
        ({"program_ids": (999_999,)}, "Choose the programs the NMO takes part in"),
    ],
)
def test_an_nmo_that_breaks_a_rule_is_refused_and_nothing_is_added(world, changes, reason):
    before = count(NMO)
    with pytest.raises(organizations.OrganizationRefused) as refused:
        organizations.create_nmo(world.admin, nmo_data(**changes))
    assert reason in str(refused.value)
    assert count(NMO) == before


def test_the_database_refuses_a_code_that_a_concurrent_admin_took(world, monkeypatch):
    # Both admins passed the check before either inserted: the unique code decides.
    monkeypatch.setattr(admin_queries, "nmo_with_code", lambda code, other_than=None: None)
    with pytest.raises(IntegrityError):
        organizations.create_nmo(world.admin, nmo_data(code="cromsic"))


def test_an_admin_changes_an_nmo_and_a_change_to_nothing_says_so(world):
    data = nmo_data(code="cromsic-hr", program_ids=(builders.program("SCORE").id,))
    assert organizations.update_nmo(world.admin, world.home, data) is True
    assert world.home.code == "CROMSIC-HR"
    assert [p.code for p in world.home.programs] == ["SCORE"]
    assert organizations.update_nmo(world.admin, world.home, data) is False
    # Its own code is not "taken".
    assert organizations.update_nmo(world.admin, world.home, nmo_data(code="cromsic-hr"))
    with pytest.raises(organizations.OrganizationRefused, match="taken by SLOMSIC"):
        organizations.update_nmo(world.admin, world.home, nmo_data(code="slomsic"))


def test_a_deactivated_nmo_leaves_the_choosers_and_keeps_its_records(world):
    organizations.set_nmo_active(world.admin, world.host, False)
    assert world.host not in queries.active_nmos()
    lc_ids = {choice.value for choice in queries.lc_choices("—")}
    assert world.host_lc.id not in lc_ids and world.home_lc.id in lc_ids
    assert admin_queries.nmo_history(world.host.id) == {
        "local committees": 2,
        "members": 2,
        "placements": 2,
        "contracts": 1,
        "applications": 0,
    }
    organizations.set_nmo_active(world.admin, world.host, True)
    assert world.host in queries.active_nmos()


# LCs


def test_an_admin_adds_an_lc_with_a_name_unique_in_its_nmo(world):
    lc = organizations.create_lc(
        world.admin, organizations.LCData(world.home.id, " LC  Split ", "Split", "")
    )
    assert (lc.nmo, lc.name, lc.city, lc.university, lc.is_active) == (
        world.home,
        "LC Split",
        "Split",
        None,
        True,
    )
    with pytest.raises(organizations.OrganizationRefused, match="CROMSIC has an LC called"):
        organizations.create_lc(
            world.admin, organizations.LCData(world.home.id, "lc split", "Split")
        )
    # Another NMO may have an LC of the same name.
    organizations.create_lc(world.admin, organizations.LCData(world.host.id, "LC Split", "Split"))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ({"nmo_id": None}, "Choose the LC's NMO."),
        ({"nmo_id": 999_999}, "Choose the LC's NMO."),
        ({"name": ""}, "Give the LC's name."),
        ({"city": "  "}, "Give the city."),
        ({"name": "L" * 121}, "The LC's name has 121 characters; at most 120 fit."),
        ({"university": "U" * 201}, "The university has 201 characters"),
    ],
)
def test_an_lc_that_breaks_a_rule_is_refused(world, data, reason):
    values = {"nmo_id": world.home.id, "name": "LC Rijeka", "city": "Rijeka", **data}
    with pytest.raises(organizations.OrganizationRefused) as refused:
        organizations.create_lc(world.admin, organizations.LCData(**values))
    assert reason in str(refused.value)


def test_no_lc_is_added_to_a_deactivated_nmo(world):
    organizations.set_nmo_active(world.admin, world.home, False)
    with pytest.raises(organizations.OrganizationRefused, match="CROMSIC is deactivated"):
        organizations.create_lc(
            world.admin, organizations.LCData(world.home.id, "LC Rijeka", "Rijeka")
        )


def test_an_lc_with_history_stays_in_its_nmo_one_without_may_move(world):
    assert admin_queries.lc_history(world.home_lc.id) == {
        "members": 1,
        "placements": 0,
        "applications": 0,
    }
    move = organizations.LCData(world.host.id, world.home_lc.name, world.home_lc.city)
    with pytest.raises(organizations.OrganizationRefused, match="stays in that NMO"):
        organizations.update_lc(world.admin, world.home_lc, move)
    assert world.home_lc.nmo_id == world.home.id

    empty = builders.lc(world.home, "LC Osijek", "Osijek")
    moved = organizations.LCData(world.host.id, "LC Osijek", "Osijek", "University of Osijek")
    assert organizations.update_lc(world.admin, empty, moved) is True
    assert (empty.nmo_id, empty.university) == (world.host.id, "University of Osijek")
    assert organizations.update_lc(world.admin, empty, moved) is False


def test_a_deactivated_lc_leaves_the_choosers_and_returns_only_with_its_nmo(world):
    organizations.set_lc_active(world.admin, world.home_lc, False)
    assert world.home_lc.id not in {choice.value for choice in queries.lc_choices("—")}
    organizations.set_nmo_active(world.admin, world.home, False)
    with pytest.raises(DomainError, match="reactivate the NMO first"):
        organizations.set_lc_active(world.admin, world.home_lc, True)
    organizations.set_nmo_active(world.admin, world.home, True)
    organizations.set_lc_active(world.admin, world.home_lc, True)
    assert world.home_lc.id in {choice.value for choice in queries.lc_choices("—")}


@pytest.mark.parametrize("actor", ["home_neo", "host_leo", "student"])
def test_only_admins_add_change_and_deactivate_lcs(world, actor):
    user = getattr(world, actor)
    data = organizations.LCData(world.home.id, "LC Rijeka", "Rijeka")
    with pytest.raises(NotAllowed):
        organizations.create_lc(user, data)
    with pytest.raises(NotAllowed):
        organizations.update_lc(user, world.home_lc, data)
    with pytest.raises(NotAllowed):
        organizations.set_lc_active(user, world.home_lc, False)
    with pytest.raises(NotAllowed):
        lc_csv.import_lcs(user, b"nmo_code,name,city\nCROMSIC,LC Rijeka,Rijeka\n")
    assert world.home_lc.is_active and count(LocalCommittee) == 3


# LCs as CSV


def _export() -> bytes:
    lcs = admin_queries.lcs_for_export(admin_queries.lcs_statement("", None, None, None, ""))
    return ("\ufeff" + lc_csv.export_lcs(lcs)).encode()


def test_an_exported_file_imports_again_unchanged(world):
    world.home_lc.university = '=HYPERLINK("x")'  # a formula, guarded and unguarded
    organizations.set_lc_active(world.admin, world.other_lc, False)
    content = _export()
    assert content.decode().splitlines()[0] == "\ufeffid,nmo_code,name,city,university,active"
    report = lc_csv.import_lcs(world.admin, content)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 3)
    assert world.home_lc.university == '=HYPERLINK("x")'
    assert not world.other_lc.is_active


def test_an_import_creates_changes_and_deactivates(world):
    content = (
        "id;nmo_code;name;city;university;active\r\n"
        f"{world.home_lc.id};CROMSIC;LC Zagreb;Zagreb;University of Zagreb;yes\r\n"
        f"{world.other_lc.id};slomsic;LC Maribor;Maribor;;no\r\n"
        ";cromsic;LC Rijeka;Rijeka;;\r\n"
    ).encode()
    report = lc_csv.import_lcs(world.admin, content)
    assert (report.created, report.updated, report.unchanged) == (1, 2, 0)
    assert world.home_lc.university == "University of Zagreb"
    assert not world.other_lc.is_active
    rijeka = admin_queries.lc_named(world.home.id, "LC Rijeka")
    assert rijeka.city == "Rijeka" and rijeka.is_active


def test_an_import_with_any_wrong_row_imports_nothing_and_says_each_line(world):
    organizations.set_nmo_active(world.admin, world.host, False)
    osijek = builders.lc(world.home, "LC Osijek", "Osijek")
    content = (
        "id,nmo_code,name,city,university,active\n"
        ",CROMSIC,LC Rijeka,Rijeka,,yes\n"  # 2: right
        ",NOPE,LC Nowhere,Nowhere,,yes\n"  # 3
        f"{world.home_lc.id},SLOMSIC,LC Zagreb,Zagreb,,yes\n"  # 4: moves with history
        ",CROMSIC,lc rijeka,Rijeka,,yes\n"  # 5: same name as line 2
        "abc,CROMSIC,LC Split,,,maybe\n"  # 6
        "999999,CROMSIC,LC Pula,Pula,,yes\n"  # 7
        ",SLOMSIC,LC Celje,Celje,,yes\n"  # 8: NMO deactivated
        ",CROMSIC,lc osijek,Osijek,,yes\n"  # 9: the name is taken
        f"{world.home_lc.id},CROMSIC,LC Zagreb,Zagreb,,yes\n"  # 10: id on line 4 too
    ).encode()
    before = count(LocalCommittee)
    with pytest.raises(lc_csv.ImportRefused) as refused:
        lc_csv.import_lcs(world.admin, content)
    errors = refused.value.report.errors
    lines = [line for line, _ in errors]
    assert lines == sorted(lines) and 2 not in lines
    text = "\n".join(f"{line}: {reason}" for line, reason in errors)
    assert "3: Unknown NMO code 'NOPE'." in text
    assert "4: LC Zagreb has members, placements or applications in CROMSIC" in text
    assert "5: CROMSIC would have two LCs called lc rijeka: see line 2." in text
    assert "6: The id must be a number, not 'abc'" in text
    assert "6: Active must be yes or no, not 'maybe'." in text
    assert "6: Give the city." in text
    assert "7: There is no LC with id 999999" in text
    assert "8: SLOMSIC is deactivated" in text
    assert f"9: CROMSIC has an LC called lc osijek already (id {osijek.id})" in text
    assert f"10: Id {world.home_lc.id} is also on line 4." in text
    assert count(LocalCommittee) == before
    assert admin_queries.lc_named(world.home.id, "LC Rijeka") is None


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "The file is empty."),
        (b"nmo_code,name\nCROMSIC,LC Rijeka\n", "Missing column(s): city."),
        (b"nmo_code,name,city,email\nCROMSIC,LC Rijeka,Rijeka,x\n", "Unknown column(s): 'email'"),
        (b"nmo_code,name,city\n", "The file has no rows under its header."),
        ("nmo_code,name,city\nCROMSIC,LC Čakovec,Čakovec\n".encode("cp1250"), "not UTF-8"),
        (b'nmo_code,name,city\nCROMSIC,"LC Rijeka,Rijeka\n', "not valid CSV"),
        (b"nmo_code,name,city\nCROMSIC,LC Rijeka,Rijeka,extra\n", "the header has 3"),
    ],
)
def test_a_file_that_cannot_be_read_says_why(world, content, reason):
    with pytest.raises(lc_csv.ImportRefused) as refused:
        lc_csv.import_lcs(world.admin, content)
    assert reason in " ".join(message for _, message in refused.value.report.errors)


# Seasons


def test_the_next_season_follows_the_latest_and_starts_closed(world):
    builders.season("2027/28")
    season = organizations.create_next_season(world.admin, "2028/29")
    assert (season.code, str(season.starts_on), str(season.ends_on)) == (
        "2028/29",
        "2028-04-01",
        "2029-03-31",
    )
    assert season.applications_open is False
    # The same button again, from a page that was open meanwhile: nothing more.
    with pytest.raises(DomainError, match="2028/29 exists already; the next is 2029/30"):
        organizations.create_next_season(world.admin, "2028/29")
    with pytest.raises(DomainError, match="The next season is 2029/30, not '2031/32'"):
        organizations.create_next_season(world.admin, "2031/32")
    with pytest.raises(NotAllowed):
        organizations.create_next_season(world.home_neo, "2029/30")


def test_with_no_season_the_next_is_the_one_today_falls_in(rolled_back):
    admin = builders.user(Role.ADMIN)
    assert db.session.scalar(select(Season.id)) is None
    assert organizations.create_next_season(admin, "2026/27").code == "2026/27"


def test_season_rows_say_where_each_season_stands(world):
    for code in ("2025/26", "2027/28", "2028/29"):
        builders.season(code)
    rows = admin_queries.season_rows(date(2026, 4, 15))
    assert [(row.season.code, row.status) for row in rows] == [
        ("2028/29", "later"),
        ("2027/28", "next"),
        ("2026/27", "current"),
        ("2025/26", "ended"),
    ]
