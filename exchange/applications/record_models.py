"""The fee's record: each time a host's officer records, corrects or clears a payment."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange import clock
from exchange.applications.models import Application
from exchange.auth.models import User
from exchange.extensions import db


class FeeRecord(db.Model):
    """One change of the fee as paid: the amount, currency and day recorded, or none of
    them where the payment was cleared. Never changed; the application keeps the last."""

    __tablename__ = "fee_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    paid_on: Mapped[date | None]
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[Application] = relationship()
    actor: Mapped[User] = relationship()

    __table_args__ = (
        CheckConstraint(
            "(paid_on IS NULL) = (amount IS NULL) AND (paid_on IS NULL) = (currency IS NULL)",
            name="complete_or_cleared",
        ),
        CheckConstraint("amount IS NULL OR amount > 0", name="amount_positive"),
    )

    @property
    def cleared(self) -> bool:
        return self.paid_on is None
