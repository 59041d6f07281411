"""Matching runs: a matcher's proposal, kept until an officer approves or discards it.

Revision ID: 0004
Revises: 0003
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "matching_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "outgoing",
                "incoming",
                name="matchingkind",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("nmo_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column(
            "ranking",
            sa.Enum(
                "points",
                "submission",
                name="ranking",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "proposed",
                "approved",
                "discarded",
                name="runstatus",
                native_enum=False,
                create_constraint=True,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("slots", sa.JSON(), nullable=False),
        sa.Column("proposal", sa.JSON(), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(status = 'proposed') = (decided_at IS NULL AND decided_by_id IS NULL)",
            name=op.f("ck_matching_runs_decided_when_not_proposed"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_matching_runs_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_matching_runs_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(["nmo_id"], ["nmos.id"], name=op.f("fk_matching_runs_nmo_id_nmos")),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_matching_runs_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_matching_runs_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_matching_runs")),
    )
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_matching_runs_scope", ["nmo_id", "program_id", "season_id", "kind"], unique=False
        )


def downgrade():
    with op.batch_alter_table("matching_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_matching_runs_scope")

    op.drop_table("matching_runs")
