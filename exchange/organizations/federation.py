"""Setting up a real federation on an empty database: the 5 regions and 2 programs (which
the migrations insert already), the real NMOs shipped in ``exchange/data/nmos.csv`` and
the season that contains today. No people, no LCs, no applications: admins and officers
add those. Run again, it adds only what is missing.

The NMOs get the codes, acronyms and names the demo gives the same rows, so that an
officer who tried the demo finds CROMSIC under the same code.
"""

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from exchange import clock
from exchange.auth.permissions import is_admin
from exchange.csv_files import Table, Unreadable
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Region, Season
from exchange.organizations.seasons import season_code_of
from exchange.organizations.services import create_season

NMOS_CSV = Path(__file__).parent.parent / "data" / "nmos.csv"
NMO_COLUMNS = ("country_code", "country", "acronym", "full_name", "region")

# The same rows as migration 0001 inserts; a test checks that the two agree.
REGIONS = (
    {"code": "AFR", "name": "Africa"},
    {"code": "AMR", "name": "Americas"},
    {"code": "APR", "name": "Asia-Pacific"},
    {"code": "EMR", "name": "Eastern Mediterranean"},
    {"code": "EUR", "name": "Europe"},
)
PROGRAMS = (
    {
        "code": "SCOPE",
        "name": "Professional exchange (clinical)",
        "code_prefix": "P",
        "national_officer_title": "NEO",
        "local_officer_title": "LEO",
        "placement_noun": "department",
    },
    {
        "code": "SCORE",
        "name": "Research exchange",
        "code_prefix": "R",
        "national_officer_title": "NORE",
        "local_officer_title": "LORE",
        "placement_noun": "research project",
    },
)


@dataclass(frozen=True)
class NmoRow:
    """One NMO of nmos.csv, with its code and the defaults for what the file leaves empty."""

    line: int
    code: str
    acronym: str
    name: str
    country_code: str
    country_name: str
    region: str


def nmo_code(acronym: str, taken: set[str]) -> str:
    """A short, URL-safe, upper-case code from an acronym, made unique with a suffix
    (``CroMSIC`` is ``CROMSIC``; a second ``IFMSA`` would be ``IFMSA-2``)."""
    plain = unicodedata.normalize("NFKD", acronym).encode("ascii", "ignore").decode()
    code = re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")[:20] or "NMO"
    candidate, number = code, 2
    while candidate in taken:
        candidate, number = f"{code}-{number}", number + 1
    taken.add(candidate)
    return candidate


def read_nmos(content: bytes | None = None, source: str = "exchange/data/nmos.csv") -> list[NmoRow]:
    """The NMOs of ``content`` (by default the shipped nmos.csv), in the file's order.

    A row without an acronym gets "<country code>MSA", one without a name "Medical
    Students' Association of <country>", as in the demo. A file that does not fit is
    refused whole, with its line number: nothing of it is loaded.
    """
    if content is None:
        content = NMOS_CSV.read_bytes()
    try:
        table = Table(content)
        missing = [column for column in NMO_COLUMNS if column not in table.header]
        if missing:
            raise DomainError(f"{source} lacks the columns {', '.join(missing)}.")
        index = {column: table.header.index(column) for column in NMO_COLUMNS}
        regions = {region["name"] for region in REGIONS}
        rows: list[NmoRow] = []
        taken: set[str] = set()
        for row in table.rows():
            if row.problem:
                raise DomainError(f"{source}, line {row.line}: {row.problem}")
            cell = {column: row.cells[at].strip() for column, at in index.items()}
            problem = _problem(cell, regions)
            if problem:
                raise DomainError(f"{source}, line {row.line}: {problem}")
            acronym = cell["acronym"] or f"{cell['country_code']}MSA"
            rows.append(
                NmoRow(
                    line=row.line,
                    code=nmo_code(acronym, taken),
                    acronym=acronym,
                    name=cell["full_name"] or f"Medical Students' Association of {cell['country']}",
                    country_code=cell["country_code"],
                    country_name=cell["country"],
                    region=cell["region"],
                )
            )
    except Unreadable as error:
        where = f", line {error.line}" if error.line else ""
        raise DomainError(f"{source}{where}: {error.message}") from None
    return rows


def _problem(cell: dict[str, str], regions: set[str]) -> str | None:
    if not re.fullmatch(r"[A-Z]{2}", cell["country_code"]):
        return f"the country code must be two capital letters, not “{cell['country_code']}”."
    if not cell["country"] or len(cell["country"]) > 100:
        return "the country's name must have 1 to 100 characters."
    if cell["region"] not in regions:
        return f"“{cell['region']}” is not a region; write one of {', '.join(sorted(regions))}."
    if len(cell["acronym"]) > 40 or len(cell["full_name"]) > 200:
        return "the acronym may have at most 40 characters, the name at most 200."
    return None


@dataclass(frozen=True)
class FederationSummary:
    """What ``init_federation`` added, and what the federation has now."""

    regions_added: int
    programs_added: int
    nmos_added: int
    nmos_total: int
    season: str
    season_added: bool

    @property
    def changed(self) -> bool:
        return bool(
            self.regions_added or self.programs_added or self.nmos_added or self.season_added
        )

    def __str__(self) -> str:
        if not self.changed:
            return (
                f"The federation is set up already: {self.nmos_total} NMOs, season "
                f"{self.season}. Nothing changed."
            )
        added = []
        if self.regions_added:
            added.append(_count(self.regions_added, "region"))
        if self.programs_added:
            added.append(_count(self.programs_added, "program"))
        if self.nmos_added:
            added.append(_count(self.nmos_added, "NMO"))
        if self.season_added:
            added.append(f"season {self.season}")
        return (
            f"Added {', '.join(added)}. The federation has {self.nmos_total} NMOs; "
            f"the current season is {self.season}."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def init_federation(actor=None) -> FederationSummary:
    """Add to the database whatever it lacks of the regions, the programs, the NMOs of
    nmos.csv (an NMO counts as there when its code is) and the current season; flush."""
    if actor is not None and not is_admin(actor):
        raise NotAllowed("Only the federation's admins set up the federation.")
    rows = read_nmos()  # before anything is written: a bad file changes nothing
    try:
        with db.session.begin_nested():
            regions_added = _add_missing(Region, REGIONS)
            programs_added = _add_missing(Program, PROGRAMS)
            nmos_added = _add_missing_nmos(rows)
    except IntegrityError:
        raise DomainError(
            "Someone else added NMOs at the same moment; run the command again."
        ) from None
    season_code = season_code_of(clock.today())
    season_added = False
    if db.session.scalar(select(Season.id).where(Season.code == season_code)) is None:
        create_season(actor, season_code)
        season_added = True
    return FederationSummary(
        regions_added=regions_added,
        programs_added=programs_added,
        nmos_added=nmos_added,
        nmos_total=db.session.scalar(select(func.count()).select_from(NMO)),
        season=season_code,
        season_added=season_added,
    )


def _add_missing(model, rows: tuple[dict, ...]) -> int:
    present = set(db.session.scalars(select(model.code)))
    missing = [row for row in rows if row["code"] not in present]
    db.session.add_all(model(**row) for row in missing)
    db.session.flush()
    return len(missing)


def _add_missing_nmos(rows: list[NmoRow]) -> int:
    present = {code.upper() for code in db.session.scalars(select(NMO.code))}
    regions = {region.name: region for region in db.session.scalars(select(Region))}
    # Every real NMO takes part in both programs until an admin says otherwise.
    programs = list(db.session.scalars(select(Program).order_by(Program.code)))
    missing = [row for row in rows if row.code not in present]
    db.session.add_all(
        NMO(
            code=row.code,
            acronym=row.acronym,
            name=row.name,
            country_code=row.country_code,
            country_name=row.country_name,
            region=regions[row.region],
            programs=list(programs),
        )
        for row in missing
    )
    db.session.flush()
    return len(missing)
