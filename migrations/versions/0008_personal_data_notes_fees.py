"""The application form a host can act on: the student's personal data, the languages with
a level each, what the card of acceptance carries (tutor, meeting point, the signing
officer, the placement's address, accommodation and meals), the fee as paid, officers'
internal notes, and the personal data each host's exchange conditions require.

Languages already given keep their names, with no level yet: [{"language": "Spanish",
"level": ""}].

Revision ID: 0008
Revises: 0007
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _personal_columns():
    return (
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("nationality", sa.String(length=2), nullable=True),
        sa.Column("passport_name", sa.String(length=120), nullable=True),
        sa.Column("passport_number", sa.String(length=40), nullable=True),
        sa.Column("passport_expires_on", sa.Date(), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("emergency_contact_name", sa.String(length=120), nullable=True),
        sa.Column("emergency_contact_relation", sa.String(length=60), nullable=True),
        sa.Column("emergency_contact_phone", sa.String(length=40), nullable=True),
        sa.Column("insurance_company", sa.String(length=120), nullable=True),
        sa.Column("insurance_policy_number", sa.String(length=60), nullable=True),
        sa.Column("allergies", sa.Text(), nullable=False, server_default=""),
        sa.Column("medical_notes", sa.Text(), nullable=False, server_default=""),
    )


def _card_and_fee_columns():
    return (
        sa.Column("tutor", sa.String(length=200), nullable=True),
        sa.Column("meeting_point", sa.Text(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by_role", sa.String(length=120), nullable=True),
        sa.Column("fee_paid_amount", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("fee_paid_currency", sa.String(length=3), nullable=True),
        sa.Column("fee_paid_on", sa.Date(), nullable=True),
        sa.Column("fee_recorded_by_id", sa.Integer(), nullable=True),
    )


def _languages_with_levels(connection) -> None:
    applications = sa.table(
        "applications", sa.column("id", sa.Integer), sa.column("languages", sa.JSON)
    )
    rows = connection.execute(sa.select(applications.c.id, applications.c.languages)).all()
    for application_id, languages in rows:
        if isinstance(languages, str):  # a JSON text the driver did not decode
            languages = json.loads(languages)
        if not languages or all(isinstance(item, dict) for item in languages):
            continue
        with_levels = [
            item if isinstance(item, dict) else {"language": str(item), "level": ""}
            for item in languages
        ]
        connection.execute(
            applications.update()
            .where(applications.c.id == application_id)
            .values(languages=with_levels)
        )


def upgrade():
    with op.batch_alter_table("applications") as batch_op:
        for column in (*_personal_columns(), *_card_and_fee_columns()):
            batch_op.add_column(column)
        batch_op.create_foreign_key(
            "fk_applications_accepted_by_id_users", "users", ["accepted_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            "fk_applications_fee_recorded_by_id_users", "users", ["fee_recorded_by_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "fee_paid_complete",
            "(fee_paid_on IS NULL) = (fee_paid_amount IS NULL)"
            " AND (fee_paid_on IS NULL) = (fee_paid_currency IS NULL)",
        )
        batch_op.create_check_constraint(
            "fee_paid_positive", "fee_paid_amount IS NULL OR fee_paid_amount >= 0"
        )
    _languages_with_levels(op.get_bind())

    with op.batch_alter_table("placements") as batch_op:
        batch_op.add_column(
            sa.Column("address", sa.String(length=300), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("accommodation", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("meals", sa.Text(), nullable=False, server_default=""))

    with op.batch_alter_table("exchange_conditions") as batch_op:
        batch_op.add_column(
            sa.Column("required_personal_data", sa.JSON(), nullable=False, server_default="[]")
        )

    op.create_table(
        "application_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("nmo_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(body) > 0", name=op.f("ck_application_notes_body_not_empty")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_notes_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_application_notes_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["nmo_id"], ["nmos.id"], name=op.f("fk_application_notes_nmo_id_nmos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_notes")),
    )
    op.create_index(
        op.f("ix_application_notes_application_id"), "application_notes", ["application_id"]
    )


def downgrade():
    op.drop_index(op.f("ix_application_notes_application_id"), table_name="application_notes")
    op.drop_table("application_notes")
    with op.batch_alter_table("exchange_conditions") as batch_op:
        batch_op.drop_column("required_personal_data")
    with op.batch_alter_table("placements") as batch_op:
        for name in ("meals", "accommodation", "address"):
            batch_op.drop_column(name)
    with op.batch_alter_table("applications") as batch_op:
        batch_op.drop_constraint("fee_paid_positive", type_="check")
        batch_op.drop_constraint("fee_paid_complete", type_="check")
        batch_op.drop_constraint("fk_applications_fee_recorded_by_id_users", type_="foreignkey")
        batch_op.drop_constraint("fk_applications_accepted_by_id_users", type_="foreignkey")
        for column in reversed((*_personal_columns(), *_card_and_fee_columns())):
            batch_op.drop_column(column.name)
