"""The federation's organizations: regions, NMOs, LCs, programs and seasons."""

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    ForeignKey,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy import true as sa_true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.database import TimestampMixin
from exchange.extensions import db
from exchange.organizations.programs import PROGRAM_RULES, PlacementKind, ProgramRules


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

    @property
    def rules(self) -> ProgramRules:
        return PROGRAM_RULES[self.code]

    @property
    def placement_kind(self) -> PlacementKind:
        return self.rules.placement_kind

    @property
    def max_preferences(self) -> int:
        return self.rules.max_preferences

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
    # An LC with history is deactivated, never deleted.
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

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
    # Whether students may start and submit applications for this season; an admin
    # opens and closes it. Officers prepare a season (contracts, conditions, capacities)
    # whether or not it is open.
    applications_open: Mapped[bool] = mapped_column(default=True, server_default=sa_true())

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
