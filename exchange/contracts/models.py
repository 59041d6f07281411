"""Contracts between a sending and a host NMO, and their slots per month."""

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange import clock
from exchange.database import TimestampMixin, enum_column
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season

if TYPE_CHECKING:
    from exchange.auth.models import User


class ContractKind(enum.StrEnum):
    BILATERAL = "bilateral"
    UNILATERAL = "unilateral"


class ContractStatus(enum.StrEnum):
    """A contract is proposed by one NMO and confirmed (or declined) by its partner; only a
    confirmed contract's slots take nominations."""

    PROPOSED = "proposed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"

    @property
    def label(self) -> str:
        return {
            ContractStatus.PROPOSED: "Proposed",
            ContractStatus.CONFIRMED: "Confirmed",
            ContractStatus.DECLINED: "Declined",
        }[self]


class ContractEventKind(enum.StrEnum):
    PROPOSED = "proposed"
    CHANGED = "changed"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


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
    # Contracts from before agreement existed were agreed on paper: confirmed.
    status: Mapped[ContractStatus] = mapped_column(
        enum_column(ContractStatus, 12), default=ContractStatus.PROPOSED, server_default="confirmed"
    )
    # The NMO whose officer proposed the contract or last changed its slots: the other
    # side confirms or declines.
    proposed_by_nmo_id: Mapped[int | None] = mapped_column(ForeignKey("nmos.id"))
    decline_reason: Mapped[str | None] = mapped_column(Text)

    season: Mapped[Season] = relationship()
    program: Mapped[Program] = relationship()
    sending_nmo: Mapped[NMO] = relationship(foreign_keys=[sending_nmo_id])
    host_nmo: Mapped[NMO] = relationship(foreign_keys=[host_nmo_id])
    proposed_by_nmo: Mapped[NMO | None] = relationship(foreign_keys=[proposed_by_nmo_id])
    slots: Mapped[list["ContractSlot"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractSlot.month"
    )
    events: Mapped[list["ContractEvent"]] = relationship(
        back_populates="contract", cascade="all, delete-orphan", order_by="ContractEvent.id"
    )

    __table_args__ = (
        UniqueConstraint("season_id", "program_id", "sending_nmo_id", "host_nmo_id"),
        # An NMO's contracts of one season, either side, whatever the history (balance).
        Index("ix_contracts_season_sending", "season_id", "sending_nmo_id"),
        Index("ix_contracts_season_host", "season_id", "host_nmo_id"),
        CheckConstraint("sending_nmo_id <> host_nmo_id", name="two_different_nmos"),
        CheckConstraint(
            "status <> 'declined' OR decline_reason IS NOT NULL", name="declined_has_reason"
        ),
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


class ContractEvent(db.Model):
    """One step in a contract's life: who proposed, changed, confirmed or declined it,
    when, for which NMO, and why. Never changed."""

    __tablename__ = "contract_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(
        ForeignKey("contracts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[ContractEventKind] = mapped_column(enum_column(ContractEventKind, 12))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    nmo_id: Mapped[int | None] = mapped_column(ForeignKey("nmos.id"))  # the side that acted
    slots: Mapped[dict] = mapped_column(JSON, default=dict)  # {month: slots} after the step
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    contract: Mapped[Contract] = relationship(back_populates="events")
    actor: Mapped["User | None"] = relationship("User")
    nmo: Mapped[NMO | None] = relationship()
