"""Builders for test data: each makes one valid object with sensible defaults and flushes.

They write through the models directly (not the services) so a test can set up any
situation, including ones the services are there to prevent.
"""

from datetime import date
from decimal import Decimal
from itertools import count
from types import SimpleNamespace

import sqlalchemy as sa
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from exchange import clock
from exchange.applications.codes import application_code
from exchange.applications.models import Application
from exchange.applications.states import State
from exchange.auth.models import Membership, Role, User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractKind, ContractSlot, ContractStatus
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Region, Season
from exchange.placements.models import Department, PlacementCapacity

PASSWORD = "correct horse battery"
# Hashing is slow on purpose; every test user shares one hash of PASSWORD.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:16384:8:1")
_numbers = count(1)
# What a student gives on the personal data page: enough for any host's conditions, and a
# passport valid well after every exchange of 2026/27.
PERSONAL_DATA = {
    "date_of_birth": date(2002, 5, 17),
    "nationality": "HR",
    "passport_name": "Ana Horvat",
    "passport_number": "HR1234567",
    "passport_expires_on": date(2031, 1, 31),
    "phone": "+385 91 234 5678",
    "emergency_contact_name": "Marija Horvat",
    "emergency_contact_relation": "Mother",
    "emergency_contact_phone": "+385 98 765 4321",
    "insurance_company": "Croatia osiguranje",
    "insurance_policy_number": "CO-2026-004217",
}
LANGUAGES = ({"language": "Croatian", "level": "native"}, {"language": "English", "level": "C1"})


def program(code: str = "SCOPE") -> Program:
    return db.session.scalar(select(Program).where(Program.code == code))


def region(name: str = "Europe") -> Region:
    return db.session.scalar(select(Region).where(Region.name == name))


def season(code: str = "2026/27") -> Season:
    existing = db.session.scalar(select(Season).where(Season.code == code))
    if existing:
        return existing
    start = int(code[:4])
    made = Season(code=code, starts_on=date(start, 4, 1), ends_on=date(start + 1, 3, 31))
    db.session.add(made)
    db.session.flush()
    return made


def nmo(
    code: str | None = None,
    country_code: str = "HR",
    country_name: str = "Croatia",
    region_name: str = "Europe",
    programs: tuple[str, ...] = ("SCOPE", "SCORE"),
) -> NMO:
    number = next(_numbers)
    code = code or f"NMO{number}"
    made = NMO(
        code=code,
        acronym=code,
        name=f"Medical Students' Association {code}",
        country_code=country_code,
        country_name=country_name,
        region=region(region_name),
        programs=[program(p) for p in programs],
    )
    db.session.add(made)
    db.session.flush()
    return made


def lc(of_nmo: NMO, name: str | None = None, city: str = "Zagreb") -> LocalCommittee:
    made = LocalCommittee(nmo=of_nmo, name=name or f"LC {next(_numbers)}", city=city)
    db.session.add(made)
    db.session.flush()
    return made


def user(
    role: Role = Role.STUDENT,
    email: str | None = None,
    name: str | None = None,
    nmo_: NMO | None = None,
    lc_: LocalCommittee | None = None,
    program_code: str | None = "SCOPE",
    active: bool = True,
) -> User:
    number = next(_numbers)
    made = User(
        email=email or f"{role.value}{number}@example.org",
        name=name or f"{role.label} {number}",
        password_hash=_PASSWORD_HASH,
        year_of_study=4 if role == Role.STUDENT else None,
        is_active=active,
        email_confirmed_at=clock.now(),
    )
    membership = Membership(role=role)
    if role in (Role.STUDENT, Role.LOCAL_OFFICER):
        lc_ = lc_ or lc(nmo_ or nmo())
        membership.lc_id, membership.nmo_id = lc_.id, lc_.nmo_id
    elif role == Role.NATIONAL_OFFICER:
        membership.nmo_id = (nmo_ or nmo()).id
    if role in (Role.LOCAL_OFFICER, Role.NATIONAL_OFFICER):
        membership.program_id = program(program_code).id
    made.memberships.append(membership)
    db.session.add(made)
    db.session.flush()
    return made


def contract(
    sending: NMO,
    host: NMO,
    slots: dict[int, int] | None = None,
    program_code: str = "SCOPE",
    season_code: str = "2026/27",
    kind: ContractKind = ContractKind.BILATERAL,
    status: ContractStatus = ContractStatus.CONFIRMED,
) -> Contract:
    made = Contract(
        status=status,
        season=season(season_code),
        program=program(program_code),
        sending_nmo=sending,
        host_nmo=host,
        kind=kind,
        slots=[ContractSlot(month=m, slots=n) for m, n in (slots or {7: 2, 8: 1}).items()],
    )
    db.session.add(made)
    db.session.flush()
    return made


def exchange_conditions(
    host: NMO,
    program_code: str = "SCOPE",
    season_code: str = "2026/27",
    required_documents: tuple[str, ...] = ("cv",),
    months_not_hosted: tuple[int, ...] = (),
    lead_weeks: int = 8,
    required_personal_data: tuple[str, ...] = (),
) -> ExchangeConditions:
    made = ExchangeConditions(
        nmo=host,
        program=program(program_code),
        season=season(season_code),
        fee_amount=Decimal("0"),
        min_study_year=3,
        max_study_year=6,
        languages=["English"],
        required_documents=list(required_documents),
        required_personal_data=list(required_personal_data),
        accommodation="Student dormitory",
        meals="Lunch at the hospital",
        months_not_hosted=list(months_not_hosted),
        application_lead_weeks=lead_weeks,
        cancellation_policy="Tell us 8 weeks ahead.",
    )
    db.session.add(made)
    db.session.flush()
    return made


def department(
    of_lc: LocalCommittee,
    title: str = "Cardiology",
    capacity: dict[int, int] | None = None,
    season_code: str = "2026/27",
) -> Department:
    made = Department(
        nmo_id=of_lc.nmo_id,
        lc=of_lc,
        title=title,
        field=title,
        city=of_lc.city,
        hospital=f"University Hospital {of_lc.city}",
        languages=["English"],
    )
    made.capacities = [
        PlacementCapacity(season=season(season_code), month=m, capacity=n)
        for m, n in (capacity or {7: 2, 8: 2}).items()
    ]
    db.session.add(made)
    db.session.flush()
    return made


def application(
    student: User,
    host: NMO,
    program_code: str = "SCOPE",
    season_code: str = "2026/27",
    **columns,
) -> Application:
    """A draft application written straight to the table (services are what tests test),
    with the student's personal data and languages given (PERSONAL_DATA, LANGUAGES)."""
    membership = student.student_membership
    chosen_program, chosen_season = program(program_code), season(season_code)
    number = next(_numbers)
    made = Application(
        code=application_code(chosen_program.code_prefix, chosen_season.short_code, number),
        number=number,
        student=student,
        program=chosen_program,
        season=chosen_season,
        home_nmo_id=membership.nmo_id,
        home_lc_id=membership.lc_id,
        host_nmo_id=host.id,
        study_year=4,
        months=[7, 8],
        languages=[dict(language) for language in LANGUAGES],
        **PERSONAL_DATA,
    )
    for name, value in columns.items():
        setattr(made, name, value)
    db.session.add(made)
    db.session.flush()
    return made


def application_row(
    student: User,
    host: NMO,
    program_code: str = "SCOPE",
    season_code: str = "2026/27",
    **columns,
) -> sa.Row:
    """A draft application written with only the columns the database has now, for the
    migration tests, whose schema is older than the models; returns its ``id`` and
    ``code``."""
    membership = student.student_membership
    chosen_program, chosen_season = program(program_code), season(season_code)
    number = next(_numbers)
    now = clock.now()
    values = {
        "code": application_code(chosen_program.code_prefix, chosen_season.short_code, number),
        "number": number,
        "student_id": student.id,
        "program_id": chosen_program.id,
        "season_id": chosen_season.id,
        "home_nmo_id": membership.nmo_id,
        "home_lc_id": membership.lc_id,
        "host_nmo_id": host.id,
        "state": State.DRAFT,
        "study_year": 4,
        "months": [7, 8],
        "languages": ["English"],
        "motivation": "",
        "ca_late": False,
        "cc_late": False,
        "created_at": now,
        "updated_at": now,
    } | columns
    return _insert_row(Application.__table__, values, "code")


def _insert_row(model_table: sa.Table, values: dict, *returned: str) -> sa.Row:
    """INSERT of ``values`` into the table as the database has it now: only the columns
    it has, with no defaults of columns still to come. Returns ``id`` and ``returned``."""
    name = model_table.name
    existing = {c["name"] for c in sa.inspect(db.session.connection()).get_columns(name)}
    kept = [column for column in values if column in existing]
    columns = (sa.column(column, model_table.c[column].type) for column in kept)
    table = sa.table(name, sa.column("id"), *(sa.column(c) for c in returned), *columns)
    statement = sa.insert(table).values({column: values[column] for column in kept})
    return db.session.execute(
        statement.returning(table.c.id, *(table.c[c] for c in returned))
    ).one()


def student_row(of_lc: LocalCommittee) -> SimpleNamespace:
    """A student written with only the columns the database has now, for the migration
    tests; as much of a User as application_row needs."""
    number = next(_numbers)
    now = clock.now()
    user_values = {
        "email": f"student{number}@example.org",
        "name": f"Student {number}",
        "password_hash": _PASSWORD_HASH,
        "year_of_study": 4,
        "is_active": True,
        "created_at": now,
    }
    made = _insert_row(User.__table__, user_values)
    membership = {"user_id": made.id, "role": Role.STUDENT, "nmo_id": of_lc.nmo_id}
    _insert_row(Membership.__table__, membership | {"lc_id": of_lc.id, "created_at": now})
    return SimpleNamespace(
        id=made.id, student_membership=SimpleNamespace(nmo_id=of_lc.nmo_id, lc_id=of_lc.id)
    )
