"""Fee records: each recording, correction or clearing of a fee as paid, for the history.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fee_records",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(paid_on IS NULL) = (amount IS NULL) AND (paid_on IS NULL) = (currency IS NULL)",
            name=op.f("ck_fee_records_complete_or_cleared"),
        ),
        sa.CheckConstraint(
            "amount IS NULL OR amount > 0", name=op.f("ck_fee_records_amount_positive")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_fee_records_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_fee_records_actor_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fee_records")),
    )
    op.create_index(op.f("ix_fee_records_application_id"), "fee_records", ["application_id"])


def downgrade():
    op.drop_index(op.f("ix_fee_records_application_id"), table_name="fee_records")
    op.drop_table("fee_records")
