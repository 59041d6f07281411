"""``seed_demo`` and the builder that puts the demo federation together part by part.

Every random choice comes from one ``random.Random(seed)`` and every timestamp is derived
from the seasons' dates and today's date; rows are written with bulk inserts and primary
keys chosen here.
"""

import random
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Membership, Role, User
from exchange.contracts.models import Contract, ContractKind
from exchange.demo.applications import ApplicationParts
from exchange.demo.calendar import OPENS_DAYS_BEFORE_SEASON, cutoff_of, utc_at
from exchange.demo.cards import CardParts
from exchange.demo.common import (
    DemoContract,
    DemoNmo,
    DemoPlacement,
    PlannedApplication,
    bulk_insert,
    first_free_id,
)
from exchange.demo.data import ADMIN_EMAIL, DEMO_PASSWORD, LEO_EMAIL, NEO_EMAIL, STUDENT_EMAIL
from exchange.demo.federation import FederationParts
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.seasons import first_year, season_code_of, season_dates
from exchange.placements.models import Placement, PlacementKind

MOST_SEASONS = 10


def database_is_empty() -> bool:
    """True when the database has no NMO yet."""
    return db.session.scalar(select(NMO.id).limit(1)) is None


def demo_logins() -> list[tuple[str, str]]:
    """One (role label, email) per role, for the demo accounts that ``seed_demo`` creates."""
    return [
        ("admin", ADMIN_EMAIL),
        ("national officer", NEO_EMAIL),
        ("local officer", LEO_EMAIL),
        ("student", STUDENT_EMAIL),
    ]


def seed_demo(
    season_code: str | None = None,
    applications: int = 2000,
    seed: int = 2026,
    seasons: int = 1,
) -> str:
    """Build the demo federation in the session (flushed, not committed); return a summary.

    ``seasons`` consecutive seasons of ``applications`` applications each, ending with
    ``season_code``: by default the current season, the one today falls in. Each
    application stands as it would at the end of yesterday.
    """
    if not database_is_empty():
        raise DomainError("The database has NMOs already; the demo federation needs an empty one.")
    if applications < 0:
        raise DomainError("The number of applications cannot be negative.")
    if not 1 <= seasons <= MOST_SEASONS:
        raise DomainError(f"The demo seeds 1 to {MOST_SEASONS} seasons, not {seasons}.")
    today = clock.today()
    current = season_code_of(today)
    last = current if season_code is None else season_code.strip()
    last_year = first_year(last)  # BadSeasonCode says what is wrong with it
    if last_year > first_year(current):
        raise DomainError(
            f"The demo's last season is at most today's season, {current}; {last} has not "
            "started yet."
        )
    codes = [_code(year) for year in range(last_year - seasons + 1, last_year + 1)]
    builder = DemoBuilder(random.Random(seed), [_season(code, today) for code in codes], today)
    builder.build(applications)
    return builder.summary(seed)


def _code(start_year: int) -> str:
    code = f"{start_year}/{(start_year + 1) % 100:02d}"
    first_year(code)  # refuses years the federation cannot run
    return code


def _season(code: str, today: date) -> Season:
    existing = db.session.scalar(select(Season).where(Season.code == code))
    if existing is not None:
        return existing
    starts_on, ends_on = season_dates(code)
    season = Season(
        code=code, starts_on=starts_on, ends_on=ends_on, applications_open=ends_on >= today
    )
    db.session.add(season)
    db.session.flush()
    return season


class DemoBuilder(FederationParts, ApplicationParts, CardParts):
    """Builds the federation part by part; keeps what later parts need in memory.

    NMOs, LCs, placements and people are made once; conditions, contracts, capacities and
    applications once per season, oldest season first. ``self.season`` is the season
    being built.
    """

    def __init__(self, rng: random.Random, seasons: list[Season], today: date):
        self.rng = rng
        self.seasons = seasons
        self.today = today
        self.cutoff = cutoff_of(today)
        # Everything demo-made "exists" from before the first season's first application.
        self.founded_at = utc_at(
            seasons[0].starts_on - timedelta(days=OPENS_DAYS_BEFORE_SEASON + 30)
        )
        self.programs = {p.code: p for p in db.session.scalars(select(Program))}
        self.password_hash = generate_password_hash(DEMO_PASSWORD)
        self.nmos: list[DemoNmo] = []
        self.lc_city: dict[int, str] = {}
        self.placements: list[DemoPlacement] = []
        self.placements_of: dict[tuple[int, PlacementKind], list[DemoPlacement]] = defaultdict(list)
        self.users: list[dict] = []
        self.memberships: list[dict] = []
        self.users_written = 0
        self.next_user_id = first_free_id(User)
        self.national_officer: dict[tuple[int, str], int] = {}
        self.local_officer: dict[tuple[int, str], dict] = {}
        # Students, kept across seasons: who belongs to each LC, and what each applied for.
        self.students_of_lc: dict[int, list[dict]] = defaultdict(list)
        self.applied: dict[int, set[tuple[str, int]]] = defaultdict(set)
        self.first_year_of_study: dict[int, tuple[int, int]] = {}
        self.season_lines: list[str] = []
        self.transition_count = 0
        self.preference_count = 0
        self.contract_count = 0
        self.contracts_by_program: Counter = Counter()
        self.slot_total = 0
        self.application_total = 0
        self.start_season(seasons[-1], len(seasons) - 1)

    def start_season(self, season: Season, index: int) -> None:
        """Forget what the season before needed; ``season`` is built next."""
        self.season = season
        self.season_index = index
        self.months_not_hosted: dict[tuple[int, str], list[int]] = {}
        self.lead_weeks: dict[tuple[int, str], int] = {}
        self.contracts: list[DemoContract] = []
        self.contract_kinds: list[tuple[DemoContract, ContractKind]] = []
        self.planned: list[PlannedApplication] = []
        self.state_counts: Counter = Counter()

    # ---- the parts, in order: those of FederationParts, then those of ApplicationParts
    # (with CardParts' card details between planning and writing the applications)

    def build(self, applications: int) -> None:
        self.add_nmos()
        self.add_local_committees()
        self.add_placements()
        self.add_officers()
        self.add_demo_student()
        self.write_users()
        for index, season in enumerate(self.seasons):
            self.start_season(season, index)
            self.add_exchange_conditions()
            self.add_contracts()
            self.set_capacities()
            self.plan_applications(applications)
            self.add_card_details()
            self.add_students_and_applications()
            self.season_lines.append(self.season_line())
        self.sync_sequences()
        db.session.flush()

    def write_users(self) -> None:
        """Insert the users (and their memberships) made since the last call."""
        bulk_insert(User, self.users[self.users_written :])
        bulk_insert(Membership, self.memberships[self.users_written :])
        self.users_written = len(self.users)

    def sync_sequences(self) -> None:
        """PostgreSQL hands out ids from sequences, which rows written with ids do not move."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for model in (NMO, LocalCommittee, Contract, Placement, User, Application):
            table = model.__tablename__
            # bandit B608: the name is a model's table, never input.
            statement = (
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # nosec B608
                f" (SELECT max(id) FROM {table}))"
            )
            db.session.execute(text(statement))

    # ---- the summary

    def season_line(self) -> str:
        states = ", ".join(
            f"{state.value} {self.state_counts[state]}"
            for state in State
            if self.state_counts[state]
        )
        count = sum(self.state_counts.values())
        return f"  {self.season.code}: {count} applications" + (f": {states}" if states else "")

    def summary(self, seed: int) -> str:
        kinds = Counter(p.kind for p in self.placements)
        roles = Counter(m["role"] for m in self.memberships)
        seasons = (
            f"season {self.seasons[0].code}"
            if len(self.seasons) == 1
            else f"seasons {self.seasons[0].code} to {self.seasons[-1].code}"
        )
        return "\n".join(
            [
                f"Demo federation for {seasons} (seed {seed}), as it stood at the end of"
                f" {(self.today - timedelta(days=1)).isoformat()}:",
                f"  {len(self.nmos)} NMOs, {sum(len(n.lc_ids) for n in self.nmos)} LCs",
                f"  {len(self.users)} users: {roles[Role.NATIONAL_OFFICER]} national officers,"
                f" {roles[Role.LOCAL_OFFICER]} local officers, {roles[Role.STUDENT]} students,"
                f" {roles[Role.ADMIN]} admin",
                f"  {self.contract_count} contracts (SCOPE {self.contracts_by_program['SCOPE']},"
                f" SCORE {self.contracts_by_program['SCORE']}) with {self.slot_total} slots",
                f"  {kinds[PlacementKind.DEPARTMENT]} departments,"
                f" {kinds[PlacementKind.RESEARCH_PROJECT]} research projects",
                *self.season_lines,
                f"  {self.transition_count} state transitions, {self.preference_count} preferences",
            ]
        )
