"""The cycle on a real calendar: one live application per student, program and season
(a partial unique index), the history of ranking points, and the record of reminders
sent for late cards.

Before the index is made, duplicates that racing requests left behind are closed: of a
student's live applications for one program and season, the one furthest along (then the
oldest) stays, and the others, drafts or submitted, are withdrawn with a reason that
names the one kept. Two that both hold a contract slot cannot be settled here: the
migration stops and lists them for an officer to cancel one.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from exchange import clock

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

LIVE = "state NOT IN ('rejected', 'withdrawn', 'cancelled')"
SETTLED_HERE = ("draft", "submitted")
# Furthest along first, so the application kept is the one that has gone furthest.
PROGRESS = (
    "certified",
    "completed",
    "in_progress",
    "confirmed",
    "accepted",
    "nominated",
    "submitted",
    "draft",
)


def _close_duplicates(connection) -> None:
    rows = connection.execute(
        sa.text(
            f"SELECT id, code, student_id, program_id, season_id, state FROM applications "
            f"WHERE {LIVE} ORDER BY id"
        )
    ).all()
    groups: dict[tuple, list] = {}
    for row in rows:
        groups.setdefault((row.student_id, row.program_id, row.season_id), []).append(row)
    unsettled = []
    closed_at = clock.now()
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda row: (PROGRESS.index(row.state), row.id))
        kept, *others = group
        for other in others:
            if other.state not in SETTLED_HERE:
                unsettled.append(f"{kept.code} and {other.code}")
                continue
            reason = f"A duplicate of {kept.code}: one live application per program and season."
            connection.execute(
                sa.text(
                    "UPDATE applications SET state = 'withdrawn', closed_at = :now, "
                    "closing_reason = :reason, updated_at = :now WHERE id = :id"
                ),
                {"now": closed_at, "reason": reason, "id": other.id},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO state_transitions "
                    "(application_id, action, from_state, to_state, reason, created_at) "
                    "VALUES (:id, 'withdraw', :state, 'withdrawn', :reason, :now)"
                ),
                {"id": other.id, "state": other.state, "reason": reason, "now": closed_at},
            )
    if unsettled:
        raise RuntimeError(
            "These students hold two nominated or later applications for one program and "
            "season; cancel one of each pair, then migrate again: " + "; ".join(unsettled)
        )


def upgrade():
    _close_duplicates(op.get_bind())
    op.create_index(
        "uq_applications_one_live_per_student",
        "applications",
        ["student_id", "program_id", "season_id"],
        unique=True,
        sqlite_where=sa.text(LIVE),
        postgresql_where=sa.text(LIVE),
    )
    op.create_table(
        "points_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("side", sa.String(length=4), nullable=False),
        sa.Column("old_points", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("new_points", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("side IN ('home', 'host')", name=op.f("ck_points_changes_side_known")),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_points_changes_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_points_changes_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_points_changes")),
    )
    op.create_index(
        op.f("ix_points_changes_application_id"), "points_changes", ["application_id"]
    )
    op.create_table(
        "card_reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("card", sa.String(length=2), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("card IN ('CA', 'CC')", name=op.f("ck_card_reminders_card_known")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_card_reminders_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"], ["users.id"], name=op.f("fk_card_reminders_recipient_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_card_reminders")),
        sa.UniqueConstraint(
            "application_id",
            "card",
            "recipient_id",
            "sent_on",
            name=op.f("uq_card_reminders_application_id_card_recipient_id_sent_on"),
        ),
    )
    op.create_index(
        op.f("ix_card_reminders_application_id"), "card_reminders", ["application_id"]
    )


def downgrade():
    op.drop_table("card_reminders")
    op.drop_table("points_changes")
    op.drop_index("uq_applications_one_live_per_student", table_name="applications")
