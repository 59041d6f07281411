"""The CC's arrival as local wall-clock time, and one substitute per given-back slot.

applications.arrival_at (a UTC timestamp) becomes arrival_local (no time zone): students
give their arrival in the destination's local time, which has no known UTC offset here.
substitute_for_id becomes unique: a cancelled exchange's slot goes to one substitute.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

CONFIRMED_OR_LATER = "('confirmed', 'in_progress', 'completed', 'certified')"


def _confirmed_check(column: str) -> str:
    return (
        f"state NOT IN {CONFIRMED_OR_LATER} OR ({column} IS NOT NULL"
        " AND arrival_transport IS NOT NULL AND confirmed_at IS NOT NULL)"
    )


def _copy(target: str, source: str) -> None:
    """Copy keeping the wall-clock reading. On PostgreSQL ``AT TIME ZONE 'UTC'`` turns a
    timestamptz into the UTC wall-clock timestamp, and back; SQLite keeps text as is."""
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"UPDATE applications SET {target} = {source} AT TIME ZONE 'UTC'")
    else:
        op.execute(f"UPDATE applications SET {target} = {source}")


def upgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("arrival_local", sa.DateTime(), nullable=True))
    _copy("arrival_local", "arrival_at")
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_applications_confirmed_has_card_of_confirmation"), type_="check"
        )
        batch_op.create_check_constraint(
            "confirmed_has_card_of_confirmation", _confirmed_check("arrival_local")
        )
        batch_op.drop_column("arrival_at")
        batch_op.create_unique_constraint(
            op.f("uq_applications_substitute_for_id"), ["substitute_for_id"]
        )


def downgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint(op.f("uq_applications_substitute_for_id"), type_="unique")
        batch_op.add_column(sa.Column("arrival_at", sa.DateTime(timezone=True), nullable=True))
    _copy("arrival_at", "arrival_local")
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_applications_confirmed_has_card_of_confirmation"), type_="check"
        )
        batch_op.create_check_constraint(
            "confirmed_has_card_of_confirmation", _confirmed_check("arrival_at")
        )
        batch_op.drop_column("arrival_local")
