"""Indexes for the reports: one season's figures read that season's rows only, whatever
the history holds, and on PostgreSQL from the index alone.

- applications (season_id, program_id, state) now carries, on PostgreSQL, every column the
  dashboards count (INCLUDE), so a season's flows, funnel, late cards and occupancy are
  index-only scans of that season's entries instead of visits to its wide rows;
- placement_capacities (season_id, placement_id), with month and capacity included: a
  season's capacity without reading every season's;
- contracts (season_id, sending_nmo_id) and (season_id, host_nmo_id): an NMO's contracts
  of one season, for its balance.

Revision ID: 0010
Revises: 0009
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

# What the dashboards read of an application besides its season, program and state
# (exchange/reports/queries.py). SQLite has no INCLUDE and keeps the three key columns.
FIGURES_COLUMNS = [
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
]


def upgrade():
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_season_program_state")
        batch_op.create_index(
            "ix_applications_season_program_state",
            ["season_id", "program_id", "state"],
            unique=False,
            postgresql_include=FIGURES_COLUMNS,
        )

    with op.batch_alter_table("placement_capacities", schema=None) as batch_op:
        batch_op.create_index(
            "ix_placement_capacities_season",
            ["season_id", "placement_id"],
            unique=False,
            postgresql_include=["month", "capacity"],
        )

    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_contracts_season_sending", ["season_id", "sending_nmo_id"], unique=False
        )
        batch_op.create_index(
            "ix_contracts_season_host", ["season_id", "host_nmo_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_season_host")
        batch_op.drop_index("ix_contracts_season_sending")

    with op.batch_alter_table("placement_capacities", schema=None) as batch_op:
        batch_op.drop_index("ix_placement_capacities_season")

    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index("ix_applications_season_program_state")
        batch_op.create_index(
            "ix_applications_season_program_state",
            ["season_id", "program_id", "state"],
            unique=False,
        )
