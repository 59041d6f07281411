"""Placements offered by LCs: clinical departments (SCOPE) and research projects (SCORE),
each with a capacity per month of a season."""

import enum
from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.database import TimestampMixin, enum_column
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Season
from exchange.organizations.programs import PlacementKind

__all__ = [
    "Department",
    "Placement",
    "PlacementCapacity",
    "PlacementKind",
    "ProjectType",
    "ResearchProject",
]


class ProjectType(enum.StrEnum):
    BASIC = "basic"
    CLINICAL_WITH_LAB = "clinical_with_lab"
    CLINICAL_WITHOUT_LAB = "clinical_without_lab"

    @property
    def label(self) -> str:
        return {
            ProjectType.BASIC: "Basic research",
            ProjectType.CLINICAL_WITH_LAB: "Clinical research with lab work",
            ProjectType.CLINICAL_WITHOUT_LAB: "Clinical research without lab work",
        }[self]


class Placement(TimestampMixin, db.Model):
    """Where a student is placed. One table for both kinds, so that preferences, capacities
    and the matcher treat them alike; the columns only one kind uses are checked per kind."""

    __tablename__ = "placements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[PlacementKind] = mapped_column(enum_column(PlacementKind, 20))
    nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"), index=True)
    lc_id: Mapped[int] = mapped_column(index=True)  # FK: see lc_in_nmo below
    title: Mapped[str] = mapped_column(String(200))  # department name or project title
    field: Mapped[str] = mapped_column(String(100), index=True)  # specialty or research field
    city: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(300), default="", server_default="")
    # Where the placement offers its own, in place of the exchange conditions'.
    accommodation: Mapped[str] = mapped_column(Text, default="", server_default="")
    meals: Mapped[str] = mapped_column(Text, default="", server_default="")
    description: Mapped[str] = mapped_column(Text, default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)
    closed_at: Mapped[datetime | None]
    # Departments (SCOPE)
    hospital: Mapped[str | None] = mapped_column(String(200))
    # Research projects (SCORE)
    supervisor: Mapped[str | None] = mapped_column(String(120))
    project_type: Mapped[ProjectType | None] = mapped_column(enum_column(ProjectType, 24))
    methods: Mapped[str | None] = mapped_column(Text)
    prerequisites: Mapped[str | None] = mapped_column(Text)
    expected_output: Mapped[str | None] = mapped_column(Text)
    weeks: Mapped[int] = mapped_column(default=4)

    nmo: Mapped[NMO] = relationship(primaryjoin="foreign(Placement.nmo_id) == NMO.id")
    lc: Mapped[LocalCommittee] = relationship(
        primaryjoin="foreign(Placement.lc_id) == LocalCommittee.id"
    )
    capacities: Mapped[list["PlacementCapacity"]] = relationship(
        back_populates="placement",
        cascade="all, delete-orphan",
        order_by="PlacementCapacity.month",
    )

    __mapper_args__ = {"polymorphic_on": "kind"}
    __table_args__ = (
        ForeignKeyConstraint(
            ["lc_id", "nmo_id"],
            ["local_committees.id", "local_committees.nmo_id"],
            name="fk_placements_lc_in_nmo",
        ),
        CheckConstraint(
            "(kind = 'department' AND hospital IS NOT NULL AND weeks = 4)"
            " OR (kind = 'research_project' AND supervisor IS NOT NULL"
            " AND project_type IS NOT NULL AND weeks IN (4, 8))",
            name="columns_fit_kind",
        ),
    )

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


class Department(Placement):
    """A hospital department taking SCOPE students."""

    __mapper_args__ = {"polymorphic_identity": PlacementKind.DEPARTMENT}


class ResearchProject(Placement):
    """A research project taking SCORE students for 4 or 8 weeks."""

    __mapper_args__ = {"polymorphic_identity": PlacementKind.RESEARCH_PROJECT}


class PlacementCapacity(db.Model):
    """How many students a placement takes in one month of a season."""

    __tablename__ = "placement_capacities"

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id", ondelete="CASCADE"))
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"))
    month: Mapped[int]
    capacity: Mapped[int]
    # Accepted students holding a place this month: the database refuses more than capacity,
    # also when two officers accept at the same moment (see applications.services).
    used: Mapped[int] = mapped_column(default=0, server_default="0")

    placement: Mapped[Placement] = relationship(back_populates="capacities")
    season: Mapped[Season] = relationship()

    __table_args__ = (
        UniqueConstraint("placement_id", "season_id", "month"),
        # One season's capacities without every season's (the reports' occupancy).
        Index(
            "ix_placement_capacities_season",
            "season_id",
            "placement_id",
            postgresql_include=["month", "capacity"],
        ),
        CheckConstraint("month BETWEEN 1 AND 12", name="month_of_year"),
        CheckConstraint("capacity >= 0", name="capacity_not_negative"),
        CheckConstraint("used >= 0 AND used <= capacity", name="used_within_capacity"),
    )
