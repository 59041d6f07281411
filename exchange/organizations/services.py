"""Changes to the federation's organizations and seasons. Each function takes the acting
user (None: the command line, whose operator is trusted), checks permission, changes the
objects and flushes; none commits."""

import re
from dataclasses import dataclass

from sqlalchemy import select

from exchange import clock
from exchange.auth.permissions import is_admin
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.organizations import admin_queries
from exchange.organizations.models import NMO, LocalCommittee, Program, Region, Season
from exchange.organizations.queries import season_by_code
from exchange.organizations.seasons import next_season_code, season_code_of, season_dates


def _only_admins(actor, what: str) -> None:
    if actor is not None and not is_admin(actor):
        raise NotAllowed(f"Only the federation's admins {what}.")


def create_season(actor, code: str, *, applications_open: bool = True) -> Season:
    """A new season, such as "2027/28": 1 April to 31 March. Refuses a bad code and a
    season that exists already."""
    _only_admins(actor, "create seasons")
    code = code.strip()
    starts_on, ends_on = season_dates(code)  # BadSeasonCode says what is wrong
    if db.session.scalar(select(Season.id).where(Season.code == code)) is not None:
        raise DomainError(f"The season {code} exists already.")
    season = Season(
        code=code, starts_on=starts_on, ends_on=ends_on, applications_open=applications_open
    )
    db.session.add(season)
    db.session.flush()
    return season


def set_applications_open(actor, season: Season, open_: bool) -> None:
    """Open or close a season for students' applications."""
    _only_admins(actor, "open and close seasons")
    season.applications_open = open_
    db.session.flush()


def create_next_season(actor, code: str) -> Season:
    """The season after the latest one (with none yet, the season of today), as the page
    that offered ``code`` saw it: a second click on the same button creates nothing more."""
    _only_admins(actor, "create seasons")
    latest = admin_queries.latest_season()
    expected = next_season_code(latest.code) if latest else season_code_of(clock.today())
    if code.strip() != expected:
        if season_by_code(code.strip()) is not None:
            raise DomainError(f"The season {code.strip()} exists already; the next is {expected}.")
        raise DomainError(f"The next season is {expected}, not {code.strip()!r}.")
    return create_season(actor, expected, applications_open=False)


# NMOs and LCs. Neither is ever deleted: what they have on record (members, placements,
# contracts, applications) keeps pointing at them. An admin deactivates them instead, and
# they drop out of every chooser.

NMO_CODE_LENGTH = 24
_NMO_CODE = re.compile(r"[A-Z0-9]+(?:-[A-Z0-9]+)*")
_COUNTRY_CODE = re.compile(r"[A-Z]{2}")


class OrganizationRefused(DomainError):
    """An NMO or LC that cannot be saved as given; ``problems`` says each reason."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


def one_line(text: str | None) -> str:
    """``text`` trimmed, its runs of spaces (and line breaks) made one space."""
    return " ".join((text or "").split())


def clean_nmo_code(code: str) -> str:
    """An NMO code as it is stored: trimmed and upper case."""
    return one_line(code).upper()


@dataclass(frozen=True)
class NMOData:
    """What an admin sets on an NMO."""

    code: str
    acronym: str
    name: str
    country_code: str
    country_name: str
    region_id: int | None
    program_ids: tuple[int, ...]

    def cleaned(self) -> "NMOData":
        return NMOData(
            code=clean_nmo_code(self.code),
            acronym=one_line(self.acronym),
            name=one_line(self.name),
            country_code=one_line(self.country_code).upper(),
            country_name=one_line(self.country_name),
            region_id=self.region_id,
            program_ids=tuple(dict.fromkeys(self.program_ids)),
        )


def _length_problems(values: dict[str, tuple[str, int]]) -> list[str]:
    problems = []
    for label, (value, most) in values.items():
        if not value:
            problems.append(f"Give the {label}.")
        elif len(value) > most:
            problems.append(f"The {label} has {len(value)} characters; at most {most} fit.")
    return problems


def _nmo_problems(data: NMOData, nmo: NMO | None) -> tuple[list[str], Region | None, list]:
    """The reasons ``data`` cannot be saved (on ``nmo``, or as a new NMO), and its region
    and programs."""
    problems = _length_problems(
        {
            "code": (data.code, NMO_CODE_LENGTH),
            "acronym": (data.acronym, 40),
            "name": (data.name, 200),
            "country name": (data.country_name, 100),
        }
    )
    if data.code and not _NMO_CODE.fullmatch(data.code):
        problems.append(
            f"The code {data.code!r} may hold only letters A to Z, digits and single hyphens "
            "between them, such as CROMSIC or AMSA-AT: it is part of links and CSV files."
        )
    elif data.code and len(data.code) <= NMO_CODE_LENGTH:
        taken = admin_queries.nmo_with_code(data.code, other_than=nmo.id if nmo else None)
        if taken is not None:
            problems.append(f"The code {data.code} is taken by {taken}; choose another.")
    if not _COUNTRY_CODE.fullmatch(data.country_code):
        problems.append(
            "The country code is the two letters of ISO 3166, such as HR for Croatia; "
            f"not {data.country_code!r}."
        )
    region = db.session.get(Region, data.region_id) if data.region_id else None
    if region is None:
        problems.append("Choose the NMO's region.")
    programs = [db.session.get(Program, program_id) for program_id in data.program_ids]
    if not programs or None in programs:
        problems.append("Choose the programs the NMO takes part in: SCOPE, SCORE or both.")
    return problems, region, programs


def _set_nmo(nmo: NMO, data: NMOData, region: Region, programs: list) -> bool:
    """Give ``nmo`` the values of ``data``; whether anything changed."""
    before = _nmo_values(nmo)
    nmo.code, nmo.acronym, nmo.name = data.code, data.acronym, data.name
    nmo.country_code, nmo.country_name = data.country_code, data.country_name
    nmo.region = region
    if {p.id for p in nmo.programs} != {p.id for p in programs}:
        nmo.programs = sorted(programs, key=lambda p: p.code)
    return _nmo_values(nmo) != before


def _nmo_values(nmo: NMO) -> tuple:
    return (
        nmo.code,
        nmo.acronym,
        nmo.name,
        nmo.country_code,
        nmo.country_name,
        nmo.region.id if nmo.region is not None else nmo.region_id,
        frozenset(p.id for p in nmo.programs),
    )


def create_nmo(actor, data: NMOData) -> NMO:
    """A new NMO with a code no other NMO has (upper case, whatever was typed).

    Two admins creating the same code at once both pass the check; the database's unique
    code then refuses the second insert with an IntegrityError, which the view's
    ``attempt(conflict=...)`` turns into a message.
    """
    _only_admins(actor, "add NMOs")
    data = data.cleaned()
    problems, region, programs = _nmo_problems(data, None)
    if problems:
        raise OrganizationRefused(problems)
    nmo = NMO(is_active=True)
    nmo.programs = []
    _set_nmo(nmo, data, region, programs)
    db.session.add(nmo)
    db.session.flush()
    return nmo


def update_nmo(actor, nmo: NMO, data: NMOData) -> bool:
    """Change an NMO's code, names, country, region and programs; whether anything changed."""
    _only_admins(actor, "change NMOs")
    data = data.cleaned()
    problems, region, programs = _nmo_problems(data, nmo)
    if problems:
        raise OrganizationRefused(problems)
    changed = _set_nmo(nmo, data, region, programs)
    db.session.flush()
    return changed


def set_nmo_active(actor, nmo: NMO, active: bool) -> None:
    """Deactivate an NMO (it leaves every chooser; its records stay) or reactivate it."""
    _only_admins(actor, "deactivate and reactivate NMOs")
    nmo.is_active = active
    db.session.flush()


@dataclass(frozen=True)
class LCData:
    """What an admin sets on an LC."""

    nmo_id: int | None
    name: str
    city: str
    university: str = ""

    def cleaned(self) -> "LCData":
        return LCData(
            self.nmo_id, one_line(self.name), one_line(self.city), one_line(self.university)
        )


def lc_text_problems(data: LCData) -> list[str]:
    """What is wrong with the LC's name, city and university, whatever its NMO."""
    problems = _length_problems({"LC's name": (data.name, 120), "city": (data.city, 100)})
    if len(data.university) > 200:
        problems.append(f"The university has {len(data.university)} characters; at most 200 fit.")
    return problems


def _lc_problems(data: LCData, lc: LocalCommittee | None) -> tuple[list[str], NMO | None]:
    problems = lc_text_problems(data)
    nmo = db.session.get(NMO, data.nmo_id) if data.nmo_id else None
    if nmo is None:
        problems.append("Choose the LC's NMO.")
        return problems, None
    moving = lc is not None and lc.nmo_id != nmo.id
    if (lc is None or moving) and not nmo.is_active:
        problems.append(f"{nmo.acronym} is deactivated: reactivate it before adding LCs to it.")
    if moving and admin_queries.lcs_with_history([lc.id]):
        problems.append(
            f"{lc.name} has members, placements or applications in {lc.nmo.acronym}, so it "
            "stays in that NMO. Add a new LC to the other NMO and deactivate this one."
        )
    if data.name and admin_queries.lc_named(nmo.id, data.name, other_than=lc.id if lc else None):
        problems.append(f"{nmo.acronym} has an LC called {data.name} already.")
    return problems, nmo


def write_lc(lc: LocalCommittee, data: LCData, nmo: NMO) -> bool:
    """Give ``lc`` the (cleaned, checked) values of ``data``; whether anything changed."""
    before = (lc.nmo_id, lc.name, lc.city, lc.university)
    lc.nmo, lc.nmo_id = nmo, nmo.id
    lc.name, lc.city, lc.university = data.name, data.city, data.university or None
    return (lc.nmo_id, lc.name, lc.city, lc.university) != before


def create_lc(actor, data: LCData) -> LocalCommittee:
    """A new LC in an active NMO, with a name no other LC of that NMO has."""
    _only_admins(actor, "add local committees")
    data = data.cleaned()
    problems, nmo = _lc_problems(data, None)
    if problems:
        raise OrganizationRefused(problems)
    lc = LocalCommittee(is_active=True)
    write_lc(lc, data, nmo)
    db.session.add(lc)
    db.session.flush()
    return lc


def update_lc(actor, lc: LocalCommittee, data: LCData) -> bool:
    """Change an LC's name, city, university, or its NMO while it has no history; whether
    anything changed."""
    _only_admins(actor, "change local committees")
    data = data.cleaned()
    problems, nmo = _lc_problems(data, lc)
    if problems:
        raise OrganizationRefused(problems)
    changed = write_lc(lc, data, nmo)
    db.session.flush()
    return changed


def set_lc_active(actor, lc: LocalCommittee, active: bool) -> None:
    """Deactivate an LC (it leaves every chooser; its records stay) or reactivate it."""
    _only_admins(actor, "deactivate and reactivate local committees")
    if active and not lc.nmo.is_active:
        raise DomainError(f"{lc.nmo.acronym} is deactivated: reactivate the NMO first.")
    lc.is_active = active
    db.session.flush()
