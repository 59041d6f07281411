"""A federation set up from empty: seasons open or closed for applications, LCs that are
deactivated rather than deleted, and contracts that the partner NMO confirms or declines,
with their history.

Existing contracts were agreed on paper: they become confirmed.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("seasons") as batch_op:
        batch_op.add_column(
            sa.Column(
                "applications_open", sa.Boolean(), nullable=False, server_default=sa.true()
            )
        )
    with op.batch_alter_table("local_committees") as batch_op:
        batch_op.add_column(
            sa.Column("is_active", sa.Boolean(), nullable=False, server_default=sa.true())
        )
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.add_column(
            sa.Column(
                "status",
                sa.Enum(
                    "proposed",
                    "confirmed",
                    "declined",
                    name="contractstatus",
                    native_enum=False,
                    create_constraint=True,
                    length=12,
                ),
                nullable=False,
                server_default="confirmed",
            )
        )
        batch_op.add_column(sa.Column("proposed_by_nmo_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("decline_reason", sa.Text(), nullable=True))
        batch_op.create_foreign_key(
            "fk_contracts_proposed_by_nmo_id_nmos", "nmos", ["proposed_by_nmo_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "declined_has_reason", "status <> 'declined' OR decline_reason IS NOT NULL"
        )
    op.create_table(
        "contract_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "proposed",
                "changed",
                "confirmed",
                "declined",
                name="contracteventkind",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("nmo_id", sa.Integer(), nullable=True),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_events_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_contract_events_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["nmo_id"], ["nmos.id"], name=op.f("fk_contract_events_nmo_id_nmos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_events")),
    )
    with op.batch_alter_table("contract_events") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contract_events_contract_id"), ["contract_id"], unique=False
        )


def downgrade():
    op.drop_table("contract_events")
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.drop_constraint("declined_has_reason", type_="check")
        batch_op.drop_constraint("fk_contracts_proposed_by_nmo_id_nmos", type_="foreignkey")
        batch_op.drop_column("decline_reason")
        batch_op.drop_column("proposed_by_nmo_id")
        batch_op.drop_column("status")
    with op.batch_alter_table("local_committees") as batch_op:
        batch_op.drop_column("is_active")
    with op.batch_alter_table("seasons") as batch_op:
        batch_op.drop_column("applications_open")
