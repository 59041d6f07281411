"""Capacity guards and card deadlines.

contract_slots.used and placement_capacities.used count the nominations and acceptances
holding a slot or place, with CHECKs that they never pass slots or capacity; applications
get their CA and CC due dates and whether each card came late, for reports.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

NOMINATED_OR_LATER = (
    "('nominated', 'accepted', 'confirmed', 'in_progress', 'completed', 'certified')"
)
ACCEPTED_OR_LATER = "('accepted', 'confirmed', 'in_progress', 'completed', 'certified')"


def upgrade():
    with op.batch_alter_table("contract_slots") as batch_op:
        batch_op.add_column(sa.Column("used", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint("used_within_slots", "used >= 0 AND used <= slots")

    with op.batch_alter_table("placement_capacities") as batch_op:
        batch_op.add_column(sa.Column("used", sa.Integer(), server_default="0", nullable=False))
        batch_op.create_check_constraint("used_within_capacity", "used >= 0 AND used <= capacity")

    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("ca_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("cc_due_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("ca_late", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("cc_late", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index("ix_applications_ca_due_on", ["ca_due_on"], unique=False)
        batch_op.drop_constraint(op.f("ck_applications_nominated_has_slot"), type_="check")
        batch_op.drop_constraint(
            op.f("ck_applications_accepted_has_card_of_acceptance"), type_="check"
        )
        batch_op.create_check_constraint(
            "nominated_has_slot",
            f"state NOT IN {NOMINATED_OR_LATER} OR (contract_id IS NOT NULL"
            " AND exchange_month BETWEEN 1 AND 12 AND nominated_at IS NOT NULL"
            " AND ca_due_on IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "accepted_has_card_of_acceptance",
            f"state NOT IN {ACCEPTED_OR_LATER} OR (placement_id IS NOT NULL"
            " AND starts_on IS NOT NULL AND ends_on > starts_on AND contact_person IS NOT NULL"
            " AND accepted_at IS NOT NULL AND cc_due_on IS NOT NULL)",
        )


def downgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_applications_accepted_has_card_of_acceptance"), type_="check"
        )
        batch_op.drop_constraint(op.f("ck_applications_nominated_has_slot"), type_="check")
        batch_op.create_check_constraint(
            "nominated_has_slot",
            f"state NOT IN {NOMINATED_OR_LATER} OR (contract_id IS NOT NULL"
            " AND exchange_month BETWEEN 1 AND 12 AND nominated_at IS NOT NULL)",
        )
        batch_op.create_check_constraint(
            "accepted_has_card_of_acceptance",
            f"state NOT IN {ACCEPTED_OR_LATER} OR (placement_id IS NOT NULL"
            " AND starts_on IS NOT NULL AND ends_on > starts_on AND contact_person IS NOT NULL"
            " AND accepted_at IS NOT NULL)",
        )
        batch_op.drop_index("ix_applications_ca_due_on")
        batch_op.drop_column("cc_late")
        batch_op.drop_column("ca_late")
        batch_op.drop_column("cc_due_on")
        batch_op.drop_column("ca_due_on")

    with op.batch_alter_table("placement_capacities") as batch_op:
        batch_op.drop_constraint(
            op.f("ck_placement_capacities_used_within_capacity"), type_="check"
        )
        batch_op.drop_column("used")

    with op.batch_alter_table("contract_slots") as batch_op:
        batch_op.drop_constraint(op.f("ck_contract_slots_used_within_slots"), type_="check")
        batch_op.drop_column("used")
