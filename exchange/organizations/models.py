"""The federation's organizations and agreements: regions, NMOs, LCs, programs, seasons,
contracts and exchange conditions."""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    ForeignKey,
    Numeric,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.database import TimestampMixin, enum_column, utcnow
from exchange.extensions import db

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
# A season runs April to March: this is the order months are listed in.
SEASON_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def month_name(month: int) -> str:
    return MONTHS[month - 1]


class Region(db.Model):
    __tablename__ = "regions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)

    nmos: Mapped[list["NMO"]] = relationship(back_populates="region", order_by="NMO.country_name")

    def __str__(self) -> str:
        return self.name


class Program(db.Model):
    """SCOPE (clinical) or SCORE (research)."""

    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # "SCOPE", "SCORE"
    name: Mapped[str] = mapped_column(String(80))
    code_prefix: Mapped[str] = mapped_column(String(1), unique=True)  # "P", "R"
    national_officer_title: Mapped[str] = mapped_column(String(10))  # NEO, NORE
    local_officer_title: Mapped[str] = mapped_column(String(10))  # LEO, LORE
    placement_noun: Mapped[str] = mapped_column(String(40))  # department, research project

    def __str__(self) -> str:
        return self.code


nmo_programs = Table(
    "nmo_programs",
    db.metadata,
    Column("nmo_id", ForeignKey("nmos.id", ondelete="CASCADE"), primary_key=True),
    Column("program_id", ForeignKey("programs.id"), primary_key=True),
)


class NMO(TimestampMixin, db.Model):
    """A national member organization: one per country, a few countries have two."""

    __tablename__ = "nmos"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    acronym: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    country_code: Mapped[str] = mapped_column(String(2), index=True)
    country_name: Mapped[str] = mapped_column(String(100))
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)

    region: Mapped[Region] = relationship(back_populates="nmos")
    programs: Mapped[list[Program]] = relationship(secondary=nmo_programs, order_by=Program.code)
    local_committees: Mapped[list["LocalCommittee"]] = relationship(
        back_populates="nmo", order_by="LocalCommittee.name"
    )

    __table_args__ = (CheckConstraint("length(country_code) = 2", name="country_code_length"),)

    def __str__(self) -> str:
        return f"{self.acronym} ({self.country_name})"


class LocalCommittee(TimestampMixin, db.Model):
    """An LC: one per medical school or city, inside an NMO."""

    __tablename__ = "local_committees"

    id: Mapped[int] = mapped_column(primary_key=True)
    nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(100))
    university: Mapped[str | None] = mapped_column(String(200))

    nmo: Mapped[NMO] = relationship(back_populates="local_committees")

    __table_args__ = (
        UniqueConstraint("nmo_id", "name"),
        # Lets memberships and placements prove that their LC belongs to their NMO.
        UniqueConstraint("id", "nmo_id"),
    )

    def __str__(self) -> str:
        return self.name


class Season(db.Model):
    """A season runs 1 April to 31 March, e.g. "2026/27"."""

    __tablename__ = "seasons"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(7), unique=True)  # "2026/27"
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    __table_args__ = (CheckConstraint("ends_on > starts_on", name="ends_after_start"),)

    @property
    def short_code(self) -> str:
        """ "2627" for 2026/27, as in application codes like ``P-2627-00042``."""
        return self.code[2:4] + self.code[5:7]

    def month_date(self, month: int) -> date:
        """The first day of ``month`` within this season."""
        year = self.starts_on.year if month >= self.starts_on.month else self.ends_on.year
        return date(year, month, 1)

    def __str__(self) -> str:
        return self.code


class ContractKind(enum.StrEnum):
    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"


class Contract(TimestampMixin, db.Model):
    """A season's agreement that a sending NMO sends students to a host NMO in one program."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    sending_nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"), index=True)
    host_nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"), index=True)
    kind: Mapped[ContractKind] = mapped_column(enum_column(ContractKind, 12))
    notes: Mapped[str | None] = mapped_column(Text)

    season: Mapped[Season] = relationship()
    program: Mapped[Program] = relationship()
    sending_nmo: Mapped[NMO] = relationship(foreign_keys=[sending_nmo_id])
    host_nmo: Mapped[NMO] = relationship(foreign_keys=[host_nmo_id])
    slots: Mapped[list["ContractSlot"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractSlot.month"
    )

    __table_args__ = (
        UniqueConstraint("season_id", "program_id", "sending_nmo_id", "host_nmo_id"),
        CheckConstraint("sending_nmo_id <> host_nmo_id", name="two_different_nmos"),
    )

    @property
    def total_slots(self) -> int:
        return sum(slot.slots for slot in self.slots)


class ContractSlot(db.Model):
    """How many students a contract lets the sending NMO send in one month."""

    __tablename__ = "contract_slots"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"))
    month: Mapped[int]
    slots: Mapped[int]
    # Nominations holding a slot of this month. Kept by the services with one atomic
    # UPDATE each; the CHECK makes an overbooked month impossible, whatever path writes.
    used: Mapped[int] = mapped_column(default=0, server_default="0")

    contract: Mapped[Contract] = relationship(back_populates="slots")

    __table_args__ = (
        UniqueConstraint("contract_id", "month"),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_of_year"),
        CheckConstraint("slots >= 0", name="slots_not_negative"),
        CheckConstraint("used >= 0 AND used <= slots", name="used_within_slots"),
    )


class ExchangeConditions(db.Model):
    """A host NMO's published conditions for one program and season (the EC)."""

    __tablename__ = "exchange_conditions"

    id: Mapped[int] = mapped_column(primary_key=True)
    nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"))
    fee_amount: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0"))
    fee_currency: Mapped[str] = mapped_column(String(3), default="EUR")
    min_study_year: Mapped[int] = mapped_column(default=3)
    max_study_year: Mapped[int] = mapped_column(default=6)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    required_documents: Mapped[list[str]] = mapped_column(JSON, default=list)
    accommodation: Mapped[str] = mapped_column(Text, default="")
    meals: Mapped[str] = mapped_column(Text, default="")
    months_not_hosted: Mapped[list[int]] = mapped_column(JSON, default=list)
    application_lead_weeks: Mapped[int] = mapped_column(default=12)
    cancellation_policy: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    nmo: Mapped[NMO] = relationship()
    program: Mapped[Program] = relationship()
    season: Mapped[Season] = relationship()

    __table_args__ = (
        UniqueConstraint("nmo_id", "program_id", "season_id"),
        CheckConstraint("fee_amount >= 0", name="fee_not_negative"),
        CheckConstraint(
            "min_study_year BETWEEN 1 AND 8 AND max_study_year BETWEEN min_study_year AND 8",
            name="study_years_in_order",
        ),
        CheckConstraint("application_lead_weeks >= 0", name="lead_weeks_not_negative"),
    )
