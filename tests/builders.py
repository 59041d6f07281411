"""Builders for test data: each makes one valid object with sensible defaults and flushes.

They write through the models directly (not the services) so a test can set up any
situation, including ones the services are there to prevent.
"""

from datetime import date
from itertools import count

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from exchange.auth.models import Membership, Role, User
from exchange.extensions import db
from exchange.organizations.models import (
    NMO,
    Contract,
    ContractKind,
    ContractSlot,
    LocalCommittee,
    Program,
    Region,
    Season,
)

PASSWORD = "correct horse battery"
# Hashing is slow on purpose; every test user shares one hash of PASSWORD.
_PASSWORD_HASH = generate_password_hash(PASSWORD, method="scrypt:16384:8:1")
_numbers = count(1)


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
) -> Contract:
    made = Contract(
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
