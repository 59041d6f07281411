"""The host NMO's ranking points, beside the home NMO's, for incoming placement.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.add_column(sa.Column("host_points", sa.Numeric(7, 2), nullable=True))


def downgrade():
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_column("host_points")
