"""A host NMO's exchange conditions (EC) for one program and season."""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange import clock
from exchange.applications.personal import required_labels
from exchange.extensions import db
from exchange.organizations.models import NMO, Program, Season


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
    # The personal data fields (exchange.applications.personal) needed for submission.
    required_personal_data: Mapped[list[str]] = mapped_column(JSON, default=list)
    accommodation: Mapped[str] = mapped_column(Text, default="")
    meals: Mapped[str] = mapped_column(Text, default="")
    months_not_hosted: Mapped[list[int]] = mapped_column(JSON, default=list)
    application_lead_weeks: Mapped[int] = mapped_column(default=12)
    cancellation_policy: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

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

    @property
    def required_personal_data_labels(self) -> list[str]:
        """The personal data required for submission, named as students read it."""
        return required_labels(self.required_personal_data or [])
