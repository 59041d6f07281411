"""``seed_demo`` and the builder that puts the demo federation together part by part.

Every random choice comes from one ``random.Random(seed)`` and every timestamp is derived
from the season's dates; rows are written with bulk inserts and primary keys chosen here.
"""

import random
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

from sqlalchemy import select, text
from werkzeug.security import generate_password_hash

from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.contracts.models import Contract, ContractKind
from exchange.demo.applications import ApplicationParts
from exchange.demo.common import (
    DemoContract,
    DemoNmo,
    DemoPlacement,
    PlannedApplication,
    first_free_id,
    utc_at,
)
from exchange.demo.data import ADMIN_EMAIL, DEMO_PASSWORD, LEO_EMAIL, NEO_EMAIL, STUDENT_EMAIL
from exchange.demo.federation import FederationParts
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.placements.models import Placement, PlacementKind


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


def seed_demo(season_code: str = "2026/27", applications: int = 2000, seed: int = 2026) -> str:
    """Build the demo federation in the session (flushed, not committed); return a summary."""
    if not database_is_empty():
        raise DomainError("The database has NMOs already; the demo federation needs an empty one.")
    if applications < 0:
        raise DomainError("The number of applications cannot be negative.")
    builder = DemoBuilder(random.Random(seed), _season(season_code))
    builder.build(applications)
    return builder.summary(seed)


def _season(code: str) -> Season:
    match = re.fullmatch(r"(\d{4})/(\d{2})", code)
    if not match or (int(match[1]) + 1) % 100 != int(match[2]):
        raise DomainError(f"A season code looks like 2026/27, not {code!r}.")
    existing = db.session.scalar(select(Season).where(Season.code == code))
    if existing is not None:
        return existing
    start = int(match[1])
    season = Season(code=code, starts_on=date(start, 4, 1), ends_on=date(start + 1, 3, 31))
    db.session.add(season)
    db.session.flush()
    return season


class DemoBuilder(FederationParts, ApplicationParts):
    """Builds the federation part by part; keeps what later parts need in memory."""

    def __init__(self, rng: random.Random, season: Season):
        self.rng = rng
        self.season = season
        # Everything demo-made "exists" from half a year before the season.
        self.founded_at = utc_at(season.starts_on - timedelta(days=200))
        self.programs = {p.code: p for p in db.session.scalars(select(Program))}
        self.password_hash = generate_password_hash(DEMO_PASSWORD)
        self.nmos: list[DemoNmo] = []
        self.lc_city: dict[int, str] = {}
        self.months_not_hosted: dict[tuple[int, str], list[int]] = {}
        self.contracts: list[DemoContract] = []
        self.contract_kinds: list[tuple[DemoContract, ContractKind]] = []
        self.placements: list[DemoPlacement] = []
        self.placements_of: dict[tuple[int, PlacementKind], list[DemoPlacement]] = defaultdict(list)
        self.users: list[dict] = []
        self.memberships: list[dict] = []
        self.next_user_id = first_free_id(User)
        self.national_officer: dict[tuple[int, str], int] = {}
        self.local_officer: dict[tuple[int, str], dict] = {}
        self.planned: list[PlannedApplication] = []
        self.state_counts: Counter = Counter()

    # ---- the parts, in order: those of FederationParts, then those of ApplicationParts

    def build(self, applications: int) -> None:
        self.add_nmos()
        self.add_local_committees()
        self.add_exchange_conditions()
        self.add_contracts()
        self.add_placements()
        self.add_officers()
        self.plan_applications(applications)
        self.add_students_and_applications()
        self.sync_sequences()
        db.session.flush()

    def sync_sequences(self) -> None:
        """PostgreSQL hands out ids from sequences, which rows written with ids do not move."""
        if db.session.get_bind().dialect.name != "postgresql":
            return
        for model in (NMO, LocalCommittee, Contract, Placement, User, Application):
            table = model.__tablename__
            db.session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                    f" (SELECT max(id) FROM {table}))"
                )
            )

    # ---- the summary

    def summary(self, seed: int) -> str:
        slot_total = sum(sum(c.slots.values()) for c in self.contracts)
        contracts_by_program = Counter(c.program for c in self.contracts)
        kinds = Counter(p.kind for p in self.placements)
        roles = Counter(m["role"] for m in self.memberships)
        states = ", ".join(
            f"{state.value} {self.state_counts[state]}"
            for state in State
            if self.state_counts[state]
        )
        return "\n".join(
            [
                f"Demo federation for season {self.season.code} (seed {seed}):",
                f"  {len(self.nmos)} NMOs, {sum(len(n.lc_ids) for n in self.nmos)} LCs",
                f"  {len(self.users)} users: {roles[Role.NATIONAL_OFFICER]} national officers,"
                f" {roles[Role.LOCAL_OFFICER]} local officers, {roles[Role.STUDENT]} students,"
                f" {roles[Role.ADMIN]} admin",
                f"  {len(self.contracts)} contracts (SCOPE {contracts_by_program['SCOPE']},"
                f" SCORE {contracts_by_program['SCORE']}) with {slot_total} slots",
                f"  {kinds[PlacementKind.DEPARTMENT]} departments,"
                f" {kinds[PlacementKind.RESEARCH_PROJECT]} research projects",
                f"  {sum(self.state_counts.values())} applications: {states}",
                f"  {self.transition_count} state transitions, {self.preference_count} preferences",
            ]
        )
