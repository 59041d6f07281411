"""The application (AF), its ranked preferences, documents, evaluation and state history."""

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exchange import clock
from exchange.applications.states import CLOSED_STATES, NOMINATED_OR_LATER, State
from exchange.auth.models import User
from exchange.contracts.models import Contract
from exchange.database import TimestampMixin, enum_column
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.programs import MOST_PREFERENCES
from exchange.placements.models import Placement

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


def _state_enum(name: str):
    # Named per column: the CHECK constraints of a table's two state columns need two names.
    return enum_column(State, 12, name=name)


def _states_sql(*states: State) -> str:
    return "(" + ", ".join(f"'{state.value}'" for state in states) + ")"


# The condition of the partial unique index: an application that is not closed.
LIVE_CONDITION = f"state NOT IN {_states_sql(*CLOSED_STATES)}"

# States that need the columns each step fills in; the check constraints below use them.
_ACCEPTED_OR_LATER = NOMINATED_OR_LATER[1:]
_CONFIRMED_OR_LATER = NOMINATED_OR_LATER[2:]
_ARRIVED_OR_LATER = NOMINATED_OR_LATER[3:]
_COMPLETED_OR_LATER = NOMINATED_OR_LATER[4:]


class Application(TimestampMixin, db.Model):
    """A student's application form (AF) for one program, season and host NMO."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)  # P-2627-00042
    number: Mapped[int]
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"))
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"))
    home_nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"))
    home_lc_id: Mapped[int] = mapped_column(ForeignKey("local_committees.id"))
    host_nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"))
    state: Mapped[State] = mapped_column(_state_enum("state"), default=State.DRAFT)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    # The AF
    months: Mapped[list[int]] = mapped_column(JSON, default=list)  # months the student can go
    study_year: Mapped[int | None]
    # [{"language": "Spanish", "level": "B2"}, ...]: levels as exchange.applications.personal
    # names them.
    languages: Mapped[list[dict]] = mapped_column(JSON, default=list)
    motivation: Mapped[str] = mapped_column(Text, default="")
    # Ranking points: the home NMO's for its outgoing selection, the host's for placement.
    points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    host_points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    submitted_at: Mapped[datetime | None]

    # Personal data a host NMO needs to receive the student. The student edits it until the
    # nomination; the host's officers see it from then on. The passport number and the
    # medical notes appear on the application page only, never in a list or an export.
    date_of_birth: Mapped[date | None]
    nationality: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2
    passport_name: Mapped[str | None] = mapped_column(String(120))  # in Latin letters
    passport_number: Mapped[str | None] = mapped_column(String(40))
    passport_expires_on: Mapped[date | None]
    phone: Mapped[str | None] = mapped_column(String(40))
    emergency_contact_name: Mapped[str | None] = mapped_column(String(120))
    emergency_contact_relation: Mapped[str | None] = mapped_column(String(60))
    emergency_contact_phone: Mapped[str | None] = mapped_column(String(40))
    insurance_company: Mapped[str | None] = mapped_column(String(120))
    insurance_policy_number: Mapped[str | None] = mapped_column(String(60))
    allergies: Mapped[str] = mapped_column(Text, default="", server_default="")
    medical_notes: Mapped[str] = mapped_column(Text, default="", server_default="")

    # Nomination: a contract slot with the host NMO in one month
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    exchange_month: Mapped[int | None]
    nominated_at: Mapped[datetime | None]
    # Card deadlines (domain.md): the CA 8 weeks, the CC 4 weeks before the start. Stored,
    # with whether each card came late, so that reports count late cards with plain SQL.
    ca_due_on: Mapped[date | None]
    cc_due_on: Mapped[date | None]
    ca_late: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    cc_late: Mapped[bool] = mapped_column(default=False, server_default=sa_false())

    # Card of acceptance (CA)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    starts_on: Mapped[date | None]
    ends_on: Mapped[date | None]
    contact_person: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    tutor: Mapped[str | None] = mapped_column(String(200))
    meeting_point: Mapped[str | None] = mapped_column(Text)  # or the pick-up arrangement
    accepted_at: Mapped[datetime | None]
    # The officer who signed the CA, and their role as the card prints it, kept as signed.
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    accepted_by_role: Mapped[str | None] = mapped_column(String(120))

    # Card of confirmation (CC)
    # The wall-clock time at the destination, as the student gives it: no time zone.
    arrival_local: Mapped[datetime | None] = mapped_column(DateTime(timezone=False))
    arrival_transport: Mapped[str | None] = mapped_column(String(200))
    confirmed_at: Mapped[datetime | None]

    arrived_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    certified_at: Mapped[datetime | None]

    # The fee the host asks for (exchange conditions or a unilateral contract), as paid.
    fee_paid_amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    fee_paid_currency: Mapped[str | None] = mapped_column(String(3))
    fee_paid_on: Mapped[date | None]
    fee_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    # Rejected, withdrawn or cancelled
    closed_at: Mapped[datetime | None]
    closing_reason: Mapped[str | None] = mapped_column(Text)

    # A substitute takes over the contract slot of a cancelled application.
    substitute_for_id: Mapped[int | None] = mapped_column(
        ForeignKey("applications.id"),
        unique=True,  # one substitute per given-back slot
    )

    student: Mapped[User] = relationship(foreign_keys=[student_id])
    accepted_by: Mapped[User | None] = relationship(foreign_keys=[accepted_by_id])
    program: Mapped[Program] = relationship()
    season: Mapped[Season] = relationship()
    home_nmo: Mapped[NMO] = relationship(foreign_keys=[home_nmo_id])
    home_lc: Mapped[LocalCommittee] = relationship(foreign_keys=[home_lc_id])
    host_nmo: Mapped[NMO] = relationship(foreign_keys=[host_nmo_id])
    contract: Mapped[Contract | None] = relationship()
    placement: Mapped[Placement | None] = relationship()
    preferences: Mapped[list["Preference"]] = relationship(
        back_populates="application", cascade="all, delete-orphan", order_by="Preference.rank"
    )
    documents: Mapped[list["Document"]] = relationship(
        back_populates="application", cascade="all, delete-orphan"
    )
    history: Mapped[list["StateTransition"]] = relationship(
        back_populates="application", order_by="StateTransition.id"
    )
    evaluation: Mapped["Evaluation | None"] = relationship(back_populates="application")
    notes: Mapped[list["ApplicationNote"]] = relationship(
        back_populates="application", order_by="ApplicationNote.id"
    )

    __table_args__ = (
        UniqueConstraint("program_id", "season_id", "number"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("study_year BETWEEN 1 AND 8", name="study_year_range"),
        CheckConstraint("home_nmo_id <> host_nmo_id", name="abroad"),
        CheckConstraint(
            f"state IN {_states_sql(State.DRAFT, State.WITHDRAWN)} OR submitted_at IS NOT NULL",
            name="submitted_has_date",
        ),
        CheckConstraint(
            f"state NOT IN {_states_sql(*NOMINATED_OR_LATER)} OR (contract_id IS NOT NULL"
            " AND exchange_month BETWEEN 1 AND 12 AND nominated_at IS NOT NULL"
            " AND ca_due_on IS NOT NULL)",
            name="nominated_has_slot",
        ),
        CheckConstraint(
            f"state NOT IN {_states_sql(*_ACCEPTED_OR_LATER)} OR (placement_id IS NOT NULL"
            " AND starts_on IS NOT NULL AND ends_on > starts_on AND contact_person IS NOT NULL"
            " AND accepted_at IS NOT NULL AND cc_due_on IS NOT NULL)",
            name="accepted_has_card_of_acceptance",
        ),
        CheckConstraint(
            f"state NOT IN {_states_sql(*_CONFIRMED_OR_LATER)} OR (arrival_local IS NOT NULL"
            " AND arrival_transport IS NOT NULL AND confirmed_at IS NOT NULL)",
            name="confirmed_has_card_of_confirmation",
        ),
        CheckConstraint(
            f"state NOT IN {_states_sql(*_ARRIVED_OR_LATER)} OR arrived_at IS NOT NULL",
            name="in_progress_has_arrival",
        ),
        CheckConstraint(
            f"state NOT IN {_states_sql(*_COMPLETED_OR_LATER)} OR completed_at IS NOT NULL",
            name="completed_has_date",
        ),
        CheckConstraint(
            f"state <> '{State.CERTIFIED.value}' OR certified_at IS NOT NULL",
            name="certified_has_date",
        ),
        CheckConstraint(
            f"(state IN {_states_sql(*CLOSED_STATES)}) ="
            " (closed_at IS NOT NULL AND closing_reason IS NOT NULL)",
            name="closed_has_reason",
        ),
        CheckConstraint(
            "(fee_paid_on IS NULL) = (fee_paid_amount IS NULL)"
            " AND (fee_paid_on IS NULL) = (fee_paid_currency IS NULL)",
            name="fee_paid_complete",
        ),
        CheckConstraint(
            "fee_paid_amount IS NULL OR fee_paid_amount >= 0", name="fee_paid_positive"
        ),
        # A season's rows, and on PostgreSQL all that the reports count of them (INCLUDE):
        # the dashboards' figures are index-only scans of one season, whatever the history
        # (exchange/reports/queries.py, migration 0010).
        Index(
            "ix_applications_season_program_state",
            "season_id",
            "program_id",
            "state",
            postgresql_include=[
                "id",
                "home_nmo_id",
                "host_nmo_id",
                "home_lc_id",
                "contract_id",
                "placement_id",
                "exchange_month",
                "ca_late",
                "cc_late",
                "ca_due_on",
                "cc_due_on",
                "submitted_at",
                "nominated_at",
                "accepted_at",
                "confirmed_at",
                "certified_at",
            ],
        ),
        # The officers' queues: an NMO's or an LC's applications of one program and
        # season, by submission (exchange/applications/queues.py, migration 0011).
        Index(
            "ix_applications_home_queue", "home_nmo_id", "program_id", "season_id", "submitted_at"
        ),
        Index(
            "ix_applications_home_lc_queue", "home_lc_id", "program_id", "season_id", "submitted_at"
        ),
        Index(
            "ix_applications_host_queue", "host_nmo_id", "program_id", "season_id", "submitted_at"
        ),
        Index("ix_applications_home_nmo_state", "home_nmo_id", "state"),
        Index("ix_applications_host_nmo_state", "host_nmo_id", "state"),
        Index("ix_applications_ca_due_on", "ca_due_on"),
        # One live application per student, program and season: the database refuses a
        # second one that is not withdrawn, rejected or cancelled, however requests race.
        Index(
            "uq_applications_one_live_per_student",
            "student_id",
            "program_id",
            "season_id",
            unique=True,
            sqlite_where=text(LIVE_CONDITION),
            postgresql_where=text(LIVE_CONDITION),
        ),
    )

    def __str__(self) -> str:
        return self.code


class Preference(db.Model):
    """One ranked choice of placement on an application (1 = most wanted)."""

    __tablename__ = "preferences"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"))
    rank: Mapped[int]
    placement_id: Mapped[int] = mapped_column(ForeignKey("placements.id"), index=True)

    application: Mapped[Application] = relationship(back_populates="preferences")
    placement: Mapped[Placement] = relationship()

    __table_args__ = (
        UniqueConstraint("application_id", "rank"),
        UniqueConstraint("application_id", "placement_id"),
        CheckConstraint(f"rank BETWEEN 1 AND {MOST_PREFERENCES}", name="rank_range"),
    )


class Document(TimestampMixin, db.Model):
    """A file attached to an application, stored outside the static folder."""

    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))  # see exchange.applications.documents
    original_filename: Mapped[str] = mapped_column(String(255))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)  # random
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    application: Mapped[Application] = relationship(back_populates="documents")

    __table_args__ = (
        CheckConstraint(
            f"size_bytes > 0 AND size_bytes <= {MAX_DOCUMENT_BYTES}", name="size_in_limit"
        ),
        CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png', "
            "'application/vnd.openxmlformats-officedocument.wordprocessingml.document')",
            name="allowed_type",
        ),
    )


class Evaluation(db.Model):
    """The evaluation form (EF), required for the certificate."""

    __tablename__ = "evaluations"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), unique=True)
    overall_rating: Mapped[int]
    placement_rating: Mapped[int]
    supervision_rating: Mapped[int]
    accommodation_rating: Mapped[int]
    comments: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[Application] = relationship(back_populates="evaluation")

    __table_args__ = (
        CheckConstraint(
            "overall_rating BETWEEN 1 AND 5 AND placement_rating BETWEEN 1 AND 5"
            " AND supervision_rating BETWEEN 1 AND 5 AND accommodation_rating BETWEEN 1 AND 5",
            name="ratings_one_to_five",
        ),
    )


class StateTransition(db.Model):
    """One recorded move of an application: who, when, from, to, why. Never changed."""

    __tablename__ = "state_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[State | None] = mapped_column(_state_enum("from_state"))
    to_state: Mapped[State] = mapped_column(_state_enum("to_state"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[Application] = relationship(back_populates="history")
    actor: Mapped[User | None] = relationship()


class ApplicationNote(db.Model):
    """An internal note of an officer of the home or host NMO on an application. Never
    shown to the student; never changed once written."""

    __tablename__ = "application_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The NMO the author wrote for: the home or the host side.
    nmo_id: Mapped[int] = mapped_column(ForeignKey("nmos.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[Application] = relationship(back_populates="notes")
    author: Mapped[User] = relationship()
    nmo: Mapped[NMO] = relationship()

    __table_args__ = (CheckConstraint("length(body) > 0", name="body_not_empty"),)


class ApplicationCounter(db.Model):
    """The last running number given per program and season, for codes like P-2627-00042."""

    __tablename__ = "application_counters"

    program_id: Mapped[int] = mapped_column(ForeignKey("programs.id"), primary_key=True)
    season_id: Mapped[int] = mapped_column(ForeignKey("seasons.id"), primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)

    __table_args__ = (CheckConstraint("last_number >= 0", name="not_negative"),)


class PointsChange(db.Model):
    """One change of an application's ranking points: who, the old and the new value."""

    __tablename__ = "points_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    # "home" for the home NMO's points (selection), "host" for the host's (placement).
    side: Mapped[str] = mapped_column(String(4))
    old_points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    new_points: Mapped[Decimal | None] = mapped_column(Numeric(7, 2))
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[Application] = relationship()
    actor: Mapped[User] = relationship()

    __table_args__ = (CheckConstraint("side IN ('home', 'host')", name="side_known"),)


class CardReminder(db.Model):
    """A reminder mailed about one late or soon-due card, to one person, on one day: what
    was sent is recorded, so a second run on the same day sends nothing."""

    __tablename__ = "card_reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        ForeignKey("applications.id", ondelete="CASCADE"), index=True
    )
    card: Mapped[str] = mapped_column(String(2))  # "CA" or "CC"
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_on: Mapped[date]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    application: Mapped[Application] = relationship()

    __table_args__ = (
        UniqueConstraint("application_id", "card", "recipient_id", "sent_on"),
        CheckConstraint("card IN ('CA', 'CC')", name="card_known"),
    )
