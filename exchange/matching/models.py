"""A matching run: the matcher's proposal for one NMO, program and season, kept until an
officer approves or discards it. Nothing in the applications changes before approval."""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.auth.models import User
from exchange.database import TimestampMixin, enum_column
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season


class MatchingKind(enum.StrEnum):
    OUTGOING = "outgoing"  # a home NMO's submitted applicants into its contract slots
    INCOMING = "incoming"  # a host NMO's nominated applicants into its placements

    @property
    def label(self) -> str:
        return {
            MatchingKind.OUTGOING: "Outgoing allocation",
            MatchingKind.INCOMING: "Incoming placement",
        }[self]


class Ranking(enum.StrEnum):
    POINTS = "points"  # the NMO's points, best first; ties by submission time
    SUBMISSION = "submission"  # first come, first served

    @property
    def label(self) -> str:
        return {Ranking.POINTS: "by points", Ranking.SUBMISSION: "by submission time"}[self]


class RunStatus(enum.StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    DISCARDED = "discarded"


class MatchingRun(TimestampMixin, db.Model):
    __tablename__ = "matching_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MatchingKind] = mapped_column(enum_column(MatchingKind, 10))
    nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"))
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"))
    ranking: Mapped[Ranking] = mapped_column(enum_column(Ranking, 12))
    status: Mapped[RunStatus] = mapped_column(
        enum_column(RunStatus, 10), default=RunStatus.PROPOSED
    )
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None]
    # {slot key: {"label", "month", "target_id", "capacity"}}: what was free at the run.
    slots: Mapped[dict] = mapped_column(JSON, default=dict)
    # One row per applicant: {"application_id", "slot" (key or None), "rank" (1-based or
    # None), "refusals": [{"slot", "reason", "held_by": [application ids]}], "changed"}.
    proposal: Mapped[list] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(String(500))

    nmo: Mapped[NMO] = relationship()
    program: Mapped[Program] = relationship()
    season: Mapped[Season] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    __table_args__ = (
        CheckConstraint(
            "(status = 'proposed') = (decided_at IS NULL AND decided_by_id IS NULL)",
            name="decided_when_not_proposed",
        ),
        Index("ix_matching_runs_scope", "nmo_id", "program_id", "season_id", "kind"),
    )
