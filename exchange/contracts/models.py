"""Contracts between a sending and a host NMO, and their slots per month."""

import enum

from sqlalchemy import CheckConstraint, ForeignKey, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange.database import TimestampMixin, enum_column
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season


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
