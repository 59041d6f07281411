"""``init_federation`` against the real database: what it loads onto an empty one, that it
changes nothing the second time, that it adds only what is missing, and that the shipped
nmos.csv gives the same NMOs as the demo."""

import re

import pytest
import time_machine
from sqlalchemy import delete, func, select

from exchange.applications.models import Application
from exchange.auth.models import Role, User
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.organizations import federation
from exchange.organizations.federation import (
    PROGRAMS,
    REGIONS,
    init_federation,
    nmo_code,
    read_nmos,
)
from exchange.organizations.models import (
    NMO,
    LocalCommittee,
    Program,
    Region,
    Season,
    nmo_programs,
)
from tests import builders

HEADER = "country_code,country,acronym,full_name,region,source\n"


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _shipped() -> list[federation.NmoRow]:
    return read_nmos()


# The shipped file and the rules that read it


def test_the_shipped_file_holds_the_real_nmos_with_unique_codes():
    rows = _shipped()
    codes = [row.code for row in rows]
    assert len(rows) == 95
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,23}", code) for code in codes)
    cromsic = next(row for row in rows if row.code == "CROMSIC")
    assert (cromsic.acronym, cromsic.country_code, cromsic.country_name, cromsic.region) == (
        "CroMSIC",
        "HR",
        "Croatia",
        "Europe",
    )
    assert cromsic.name == "Croatian Medical Students' International Committee"
    assert {row.region for row in rows} == {region["name"] for region in REGIONS}


def test_what_the_file_leaves_empty_gets_the_demos_defaults():
    rows = read_nmos(
        (HEADER + "GH,Ghana,,,Africa,\nCA,Canada (Quebec),IFMSA-Québec,,Americas,\n").encode()
    )
    assert [(r.code, r.acronym, r.name) for r in rows] == [
        ("GHMSA", "GHMSA", "Medical Students' Association of Ghana"),
        ("IFMSA-QUEBEC", "IFMSA-Québec", "Medical Students' Association of Canada (Quebec)"),
    ]


def test_codes_are_upper_case_ascii_and_made_unique_in_the_files_order():
    taken: set[str] = set()
    assert [nmo_code(a, taken) for a in ("CroMSIC", "IFMSA Perú", "IFMSA-Peru", "***")] == [
        "CROMSIC",
        "IFMSA-PERU",
        "IFMSA-PERU-2",
        "NMO",
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            "country_code,country,acronym,region\nHR,Croatia,CroMSIC,Europe\n",
            "lacks the columns full_name",
        ),
        (HEADER + "HR,Croatia,CroMSIC,,Europe,\nSI,Slovenia,SloMSIC,,Europa,\n", "line 3: “Europa"),
        (HEADER + "hrv,Croatia,CroMSIC,,Europe,\n", "line 2: the country code must be two"),
        (HEADER + "HR,,CroMSIC,,Europe,\n", "line 2: the country's name"),
        (HEADER + "HR,Croatia,CroMSIC,,Europe,,,extra\n", "line 2: The row has 8 cells"),
        ("", "The file is empty"),
    ],
)
def test_a_file_that_does_not_fit_is_refused_with_its_line(content, message):
    with pytest.raises(DomainError, match=re.escape(message)):
        read_nmos(content.encode())


def test_the_regions_and_programs_are_those_the_migrations_insert(rolled_back):
    # The suite's schema is built by the migrations, which insert both.
    regions = db.session.execute(select(Region.code, Region.name).order_by(Region.code)).all()
    assert [dict(row._mapping) for row in regions] == list(REGIONS)
    columns = [Program.code, Program.name, Program.code_prefix]
    columns += [Program.national_officer_title, Program.local_officer_title]
    programs = db.session.execute(select(*columns, Program.placement_noun).order_by(Program.code))
    assert [dict(row._mapping) for row in programs] == list(PROGRAMS)


# Loading


def test_an_empty_database_gets_the_real_nmos_and_the_current_season_and_nothing_else(
    rolled_back,
):
    summary = init_federation(None)

    assert str(summary) == (
        "Added 95 NMOs, season 2026/27. The federation has 95 NMOs; the current season is 2026/27."
    )
    assert _count(NMO) == 95
    cromsic = db.session.scalar(select(NMO).where(NMO.code == "CROMSIC"))
    assert (cromsic.acronym, cromsic.country_name, cromsic.region.name, cromsic.is_active) == (
        "CroMSIC",
        "Croatia",
        "Europe",
        True,
    )
    assert all([p.code for p in nmo.programs] == ["SCOPE", "SCORE"] for nmo in _all_nmos())
    season = db.session.scalar(select(Season))
    assert (season.code, season.starts_on.isoformat(), season.ends_on.isoformat()) == (
        "2026/27",
        "2026-04-01",
        "2027-03-31",
    )
    assert season.applications_open
    for model in (Season, Region, Program):
        assert _count(model) == {Season: 1, Region: 5, Program: 2}[model]
    for model in (User, LocalCommittee, Application):
        assert _count(model) == 0


def _all_nmos() -> list[NMO]:
    return list(db.session.scalars(select(NMO)))


def test_run_again_it_changes_nothing_and_says_so(rolled_back, count_queries):
    init_federation(None)
    before = db.session.execute(select(NMO.id, NMO.code, NMO.created_at)).all()

    with count_queries() as counted:
        summary = init_federation(None)

    assert not summary.changed
    assert str(summary) == (
        "The federation is set up already: 95 NMOs, season 2026/27. Nothing changed."
    )
    assert db.session.execute(select(NMO.id, NMO.code, NMO.created_at)).all() == before
    assert _count(Season) == 1
    assert not any(s.lstrip().upper().startswith(("INSERT", "UPDATE")) for s in counted.statements)


def test_only_the_missing_nmos_are_added_and_the_present_ones_kept(rolled_back):
    # An admin made CROMSIC by hand before, with another name, and only in SCOPE.
    builders.nmo("CROMSIC", "HR", "Croatia", programs=("SCOPE",))
    builders.nmo("NEWMSA", "IS", "Iceland")

    summary = init_federation(None)

    assert summary.nmos_added == 94
    assert str(summary).startswith("Added 94 NMOs, season 2026/27. The federation has 96 NMOs")
    cromsic = db.session.scalar(select(NMO).where(NMO.code == "CROMSIC"))
    assert cromsic.name == "Medical Students' Association CROMSIC"
    assert [p.code for p in cromsic.programs] == ["SCOPE"]

    gone = select(NMO.id).where(NMO.code.in_(["UMSA", "MEDSIN-UK"])).scalar_subquery()
    db.session.execute(delete(nmo_programs).where(nmo_programs.c.nmo_id.in_(gone)))
    db.session.execute(delete(NMO).where(NMO.id.in_(gone)))
    again = init_federation(None)
    assert (again.nmos_added, again.season_added) == (2, False)
    assert str(again) == "Added 2 NMOs. The federation has 96 NMOs; the current season is 2026/27."


def test_missing_regions_and_programs_are_added_back(rolled_back):
    db.session.execute(delete(Region).where(Region.code == "AFR"))
    db.session.execute(delete(Program).where(Program.code == "SCORE"))

    summary = init_federation(None)

    assert (summary.regions_added, summary.programs_added) == (1, 1)
    assert str(summary).startswith("Added 1 region, 1 program, 95 NMOs, season 2026/27.")
    assert {r.name for r in db.session.scalars(select(Region))} >= {"Africa"}
    score = builders.program("SCORE")
    assert (score.code_prefix, score.national_officer_title) == ("R", "NORE")
    assert _count(NMO, NMO.region.has(Region.code == "AFR")) == 9


@pytest.mark.parametrize(
    ("moment", "code"),
    [
        ("2027-03-31 23:59:00+00:00", "2026/27"),
        ("2027-04-01 00:00:00+00:00", "2027/28"),
        ("2031-01-10 12:00:00+00:00", "2030/31"),
    ],
)
def test_the_season_is_the_one_that_contains_today(rolled_back, moment, code):
    builders.season("2026/27")
    with time_machine.travel(moment, tick=False):
        summary = init_federation(None)
    assert summary.season == code
    assert summary.season_added == (code != "2026/27")
    assert code in db.session.scalars(select(Season.code)).all()


def test_a_bad_file_changes_nothing(rolled_back, tmp_path, monkeypatch):
    broken = tmp_path / "nmos.csv"
    broken.write_text(HEADER + "HR,Croatia,CroMSIC,,Europe,\nXX,Nowhere,NoMSA,,Atlantis,\n")
    monkeypatch.setattr(federation, "NMOS_CSV", broken)

    with pytest.raises(DomainError, match="line 3: “Atlantis” is not a region"):
        init_federation(None)

    assert _count(NMO) == 0
    assert _count(Season) == 0


def test_only_admins_set_up_the_federation(rolled_back):
    officer = builders.user(Role.NATIONAL_OFFICER)
    with pytest.raises(NotAllowed, match="Only the federation's admins set up the federation"):
        init_federation(officer)
    assert _count(Season) == 0

    summary = init_federation(builders.user(Role.ADMIN))
    assert (summary.nmos_added, summary.season) == (95, "2026/27")


def _nmos_by_code() -> dict[str, tuple]:
    rows = db.session.execute(
        select(
            NMO.code, NMO.acronym, NMO.name, NMO.country_code, NMO.country_name, Region.name
        ).join(Region)
    )
    return {row[0]: tuple(row[1:]) for row in rows}


def test_the_nmos_are_the_demos_nmos_of_the_same_rows(rolled_back):
    """An officer who tried the demo finds their NMO under the same code, acronym and name."""
    from exchange.demo import seed_demo

    demo_only = db.session.begin_nested()
    seed_demo(applications=0)
    demo = _nmos_by_code()
    demo_only.rollback()  # the real federation starts from an empty database

    init_federation(None)

    loaded = _nmos_by_code()
    assert len(loaded) == 95
    assert {code: demo.get(code) for code in loaded} == loaded
