"""The whole domain: organizations, people and roles, contracts, exchange conditions,
placements, applications with their history, and the mail outbox. Also the fixed
reference data every installation needs: the federation's 5 regions and its 2 programs.

Revision ID: 0001
Revises:
Create Date: 2026-11-26 10:04:05.143817

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_sent_at"), ["sent_at"], unique=False)

    op.create_table(
        "programs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("code_prefix", sa.String(length=1), nullable=False),
        sa.Column("national_officer_title", sa.String(length=10), nullable=False),
        sa.Column("local_officer_title", sa.String(length=10), nullable=False),
        sa.Column("placement_noun", sa.String(length=40), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programs")),
        sa.UniqueConstraint("code", name=op.f("uq_programs_code")),
        sa.UniqueConstraint("code_prefix", name=op.f("uq_programs_code_prefix")),
    )
    op.create_table(
        "regions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_regions")),
        sa.UniqueConstraint("code", name=op.f("uq_regions_code")),
        sa.UniqueConstraint("name", name=op.f("uq_regions_name")),
    )
    op.create_table(
        "seasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=7), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("ends_on > starts_on", name=op.f("ck_seasons_ends_after_start")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seasons")),
        sa.UniqueConstraint("code", name=op.f("uq_seasons_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("year_of_study", sa.Integer(), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("email = lower(email)", name=op.f("ck_users_email_lower_case")),
        sa.CheckConstraint(
            "year_of_study BETWEEN 1 AND 8", name=op.f("ck_users_year_of_study_range")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "application_counters",
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.CheckConstraint("last_number >= 0", name=op.f("ck_application_counters_not_negative")),
        sa.ForeignKeyConstraint(
            ["program_id"],
            ["programs.id"],
            name=op.f("fk_application_counters_program_id_programs"),
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_application_counters_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("program_id", "season_id", name=op.f("pk_application_counters")),
    )
    op.create_table(
        "nmos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=24), nullable=False),
        sa.Column("acronym", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("country_name", sa.String(length=100), nullable=False),
        sa.Column("region_id", sa.Integer(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("length(country_code) = 2", name=op.f("ck_nmos_country_code_length")),
        sa.ForeignKeyConstraint(
            ["region_id"], ["regions.id"], name=op.f("fk_nmos_region_id_regions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_nmos")),
        sa.UniqueConstraint("code", name=op.f("uq_nmos_code")),
    )
    with op.batch_alter_table("nmos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_nmos_country_code"), ["country_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_nmos_region_id"), ["region_id"], unique=False)

    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("sending_nmo_id", sa.Integer(), nullable=False),
        sa.Column("host_nmo_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "bilateral",
                "unilateral",
                name="contractkind",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "sending_nmo_id <> host_nmo_id", name=op.f("ck_contracts_two_different_nmos")
        ),
        sa.ForeignKeyConstraint(
            ["host_nmo_id"], ["nmos.id"], name=op.f("fk_contracts_host_nmo_id_nmos")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_contracts_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_contracts_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["sending_nmo_id"], ["nmos.id"], name=op.f("fk_contracts_sending_nmo_id_nmos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint(
            "season_id",
            "program_id",
            "sending_nmo_id",
            "host_nmo_id",
            name=op.f("uq_contracts_season_id_program_id_sending_nmo_id_host_nmo_id"),
        ),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contracts_host_nmo_id"), ["host_nmo_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contracts_season_id"), ["season_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_contracts_sending_nmo_id"), ["sending_nmo_id"], unique=False
        )

    op.create_table(
        "exchange_conditions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nmo_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("fee_amount", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("fee_currency", sa.String(length=3), nullable=False),
        sa.Column("min_study_year", sa.Integer(), nullable=False),
        sa.Column("max_study_year", sa.Integer(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("required_documents", sa.JSON(), nullable=False),
        sa.Column("accommodation", sa.Text(), nullable=False),
        sa.Column("meals", sa.Text(), nullable=False),
        sa.Column("months_not_hosted", sa.JSON(), nullable=False),
        sa.Column("application_lead_weeks", sa.Integer(), nullable=False),
        sa.Column("cancellation_policy", sa.Text(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "application_lead_weeks >= 0",
            name=op.f("ck_exchange_conditions_lead_weeks_not_negative"),
        ),
        sa.CheckConstraint("fee_amount >= 0", name=op.f("ck_exchange_conditions_fee_not_negative")),
        sa.CheckConstraint(
            "min_study_year BETWEEN 1 AND 8 AND max_study_year BETWEEN min_study_year AND 8",
            name=op.f("ck_exchange_conditions_study_years_in_order"),
        ),
        sa.ForeignKeyConstraint(
            ["nmo_id"], ["nmos.id"], name=op.f("fk_exchange_conditions_nmo_id_nmos")
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_exchange_conditions_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_exchange_conditions_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exchange_conditions")),
        sa.UniqueConstraint(
            "nmo_id",
            "program_id",
            "season_id",
            name=op.f("uq_exchange_conditions_nmo_id_program_id_season_id"),
        ),
    )
    with op.batch_alter_table("exchange_conditions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_exchange_conditions_nmo_id"), ["nmo_id"], unique=False)

    op.create_table(
        "local_committees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("nmo_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("university", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["nmo_id"], ["nmos.id"], name=op.f("fk_local_committees_nmo_id_nmos")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_local_committees")),
        sa.UniqueConstraint("id", "nmo_id", name=op.f("uq_local_committees_id_nmo_id")),
        sa.UniqueConstraint("nmo_id", "name", name=op.f("uq_local_committees_nmo_id_name")),
    )
    with op.batch_alter_table("local_committees", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_local_committees_nmo_id"), ["nmo_id"], unique=False)

    op.create_table(
        "nmo_programs",
        sa.Column("nmo_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["nmo_id"], ["nmos.id"], name=op.f("fk_nmo_programs_nmo_id_nmos"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_nmo_programs_program_id_programs")
        ),
        sa.PrimaryKeyConstraint("nmo_id", "program_id", name=op.f("pk_nmo_programs")),
    )
    op.create_table(
        "contract_slots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contract_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("slots", sa.Integer(), nullable=False),
        sa.CheckConstraint("month BETWEEN 1 AND 12", name=op.f("ck_contract_slots_month_of_year")),
        sa.CheckConstraint("slots >= 0", name=op.f("ck_contract_slots_slots_not_negative")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_slots_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_slots")),
        sa.UniqueConstraint(
            "contract_id", "month", name=op.f("uq_contract_slots_contract_id_month")
        ),
    )
    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "student",
                "local_officer",
                "national_officer",
                "admin",
                name="role",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("nmo_id", sa.Integer(), nullable=True),
        sa.Column("lc_id", sa.Integer(), nullable=True),
        sa.Column("program_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(role = 'admin' AND nmo_id IS NULL AND lc_id IS NULL AND program_id IS NULL) OR (role = 'student' AND nmo_id IS NOT NULL AND lc_id IS NOT NULL AND program_id IS NULL) OR (role = 'local_officer' AND nmo_id IS NOT NULL AND lc_id IS NOT NULL AND program_id IS NOT NULL) OR (role = 'national_officer' AND nmo_id IS NOT NULL AND lc_id IS NULL AND program_id IS NOT NULL)",
            name=op.f("ck_memberships_scope_fits_role"),
        ),
        sa.ForeignKeyConstraint(
            ["lc_id", "nmo_id"],
            ["local_committees.id", "local_committees.nmo_id"],
            name="fk_memberships_lc_in_nmo",
        ),
        sa.ForeignKeyConstraint(["nmo_id"], ["nmos.id"], name=op.f("fk_memberships_nmo_id_nmos")),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_memberships_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_lc_id"), ["lc_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_nmo_id"), ["nmo_id"], unique=False)
        batch_op.create_index(
            "ix_memberships_role_nmo_program", ["role", "nmo_id", "program_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    op.create_table(
        "placements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "department",
                "research_project",
                name="placementkind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("nmo_id", sa.Integer(), nullable=False),
        sa.Column("lc_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("field", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hospital", sa.String(length=200), nullable=True),
        sa.Column("supervisor", sa.String(length=120), nullable=True),
        sa.Column(
            "project_type",
            sa.Enum(
                "basic",
                "clinical_with_lab",
                "clinical_without_lab",
                name="projecttype",
                native_enum=False,
                create_constraint=True,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("methods", sa.Text(), nullable=True),
        sa.Column("prerequisites", sa.Text(), nullable=True),
        sa.Column("expected_output", sa.Text(), nullable=True),
        sa.Column("weeks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(kind = 'department' AND hospital IS NOT NULL AND weeks = 4) OR (kind = 'research_project' AND supervisor IS NOT NULL AND project_type IS NOT NULL AND weeks IN (4, 8))",
            name=op.f("ck_placements_columns_fit_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["lc_id", "nmo_id"],
            ["local_committees.id", "local_committees.nmo_id"],
            name="fk_placements_lc_in_nmo",
        ),
        sa.ForeignKeyConstraint(["nmo_id"], ["nmos.id"], name=op.f("fk_placements_nmo_id_nmos")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placements")),
    )
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_placements_field"), ["field"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_lc_id"), ["lc_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_placements_nmo_id"), ["nmo_id"], unique=False)

    op.create_table(
        "applications",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("program_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("home_nmo_id", sa.Integer(), nullable=False),
        sa.Column("home_lc_id", sa.Integer(), nullable=False),
        sa.Column("host_nmo_id", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "nominated",
                "rejected",
                "accepted",
                "confirmed",
                "in_progress",
                "completed",
                "certified",
                "withdrawn",
                "cancelled",
                name="state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("study_year", sa.Integer(), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("motivation", sa.Text(), nullable=False),
        sa.Column("points", sa.Numeric(precision=7, scale=2), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contract_id", sa.Integer(), nullable=True),
        sa.Column("exchange_month", sa.Integer(), nullable=True),
        sa.Column("nominated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("placement_id", sa.Integer(), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("contact_person", sa.String(length=200), nullable=True),
        sa.Column("contact_email", sa.String(length=254), nullable=True),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrival_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrival_transport", sa.String(length=200), nullable=True),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("certified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closing_reason", sa.Text(), nullable=True),
        sa.Column("substitute_for_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(state IN ('rejected', 'withdrawn', 'cancelled')) = (closed_at IS NOT NULL AND closing_reason IS NOT NULL)",
            name=op.f("ck_applications_closed_has_reason"),
        ),
        sa.CheckConstraint(
            "state <> 'certified' OR certified_at IS NOT NULL",
            name=op.f("ck_applications_certified_has_date"),
        ),
        sa.CheckConstraint(
            "state IN ('draft', 'withdrawn') OR submitted_at IS NOT NULL",
            name=op.f("ck_applications_submitted_has_date"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('accepted', 'confirmed', 'in_progress', 'completed', 'certified') OR (placement_id IS NOT NULL AND starts_on IS NOT NULL AND ends_on > starts_on AND contact_person IS NOT NULL AND accepted_at IS NOT NULL)",
            name=op.f("ck_applications_accepted_has_card_of_acceptance"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('completed', 'certified') OR completed_at IS NOT NULL",
            name=op.f("ck_applications_completed_has_date"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('confirmed', 'in_progress', 'completed', 'certified') OR (arrival_at IS NOT NULL AND arrival_transport IS NOT NULL AND confirmed_at IS NOT NULL)",
            name=op.f("ck_applications_confirmed_has_card_of_confirmation"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('in_progress', 'completed', 'certified') OR arrived_at IS NOT NULL",
            name=op.f("ck_applications_in_progress_has_arrival"),
        ),
        sa.CheckConstraint(
            "state NOT IN ('nominated', 'accepted', 'confirmed', 'in_progress', 'completed', 'certified') OR (contract_id IS NOT NULL AND exchange_month BETWEEN 1 AND 12 AND nominated_at IS NOT NULL)",
            name=op.f("ck_applications_nominated_has_slot"),
        ),
        sa.CheckConstraint("home_nmo_id <> host_nmo_id", name=op.f("ck_applications_abroad")),
        sa.CheckConstraint("number > 0", name=op.f("ck_applications_number_positive")),
        sa.CheckConstraint(
            "study_year BETWEEN 1 AND 8", name=op.f("ck_applications_study_year_range")
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"], ["contracts.id"], name=op.f("fk_applications_contract_id_contracts")
        ),
        sa.ForeignKeyConstraint(
            ["home_lc_id"],
            ["local_committees.id"],
            name=op.f("fk_applications_home_lc_id_local_committees"),
        ),
        sa.ForeignKeyConstraint(
            ["home_nmo_id"], ["nmos.id"], name=op.f("fk_applications_home_nmo_id_nmos")
        ),
        sa.ForeignKeyConstraint(
            ["host_nmo_id"], ["nmos.id"], name=op.f("fk_applications_host_nmo_id_nmos")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_applications_placement_id_placements"),
        ),
        sa.ForeignKeyConstraint(
            ["program_id"], ["programs.id"], name=op.f("fk_applications_program_id_programs")
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_applications_season_id_seasons")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["users.id"], name=op.f("fk_applications_student_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["substitute_for_id"],
            ["applications.id"],
            name=op.f("fk_applications_substitute_for_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
        sa.UniqueConstraint("code", name=op.f("uq_applications_code")),
        sa.UniqueConstraint(
            "program_id",
            "season_id",
            "number",
            name=op.f("uq_applications_program_id_season_id_number"),
        ),
    )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_applications_contract_id"), ["contract_id"], unique=False
        )
        batch_op.create_index(
            "ix_applications_home_nmo_state", ["home_nmo_id", "state"], unique=False
        )
        batch_op.create_index(
            "ix_applications_host_nmo_state", ["host_nmo_id", "state"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_applications_placement_id"), ["placement_id"], unique=False
        )
        batch_op.create_index(
            "ix_applications_season_program_state",
            ["season_id", "program_id", "state"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_applications_student_id"), ["student_id"], unique=False
        )

    op.create_table(
        "placement_capacities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.Column("season_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "capacity >= 0", name=op.f("ck_placement_capacities_capacity_not_negative")
        ),
        sa.CheckConstraint(
            "month BETWEEN 1 AND 12", name=op.f("ck_placement_capacities_month_of_year")
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"],
            ["placements.id"],
            name=op.f("fk_placement_capacities_placement_id_placements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["season_id"], ["seasons.id"], name=op.f("fk_placement_capacities_season_id_seasons")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_placement_capacities")),
        sa.UniqueConstraint(
            "placement_id",
            "season_id",
            "month",
            name=op.f("uq_placement_capacities_placement_id_season_id_month"),
        ),
    )
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("original_filename", sa.String(length=255), nullable=False),
        sa.Column("stored_name", sa.String(length=64), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "content_type IN ('application/pdf', 'image/jpeg', 'image/png', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document')",
            name=op.f("ck_documents_allowed_type"),
        ),
        sa.CheckConstraint(
            "size_bytes > 0 AND size_bytes <= 4194304", name=op.f("ck_documents_size_in_limit")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_documents_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["users.id"], name=op.f("fk_documents_uploaded_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("stored_name", name=op.f("uq_documents_stored_name")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_documents_application_id"), ["application_id"], unique=False
        )

    op.create_table(
        "evaluations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("overall_rating", sa.Integer(), nullable=False),
        sa.Column("placement_rating", sa.Integer(), nullable=False),
        sa.Column("supervision_rating", sa.Integer(), nullable=False),
        sa.Column("accommodation_rating", sa.Integer(), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "overall_rating BETWEEN 1 AND 5 AND placement_rating BETWEEN 1 AND 5 AND supervision_rating BETWEEN 1 AND 5 AND accommodation_rating BETWEEN 1 AND 5",
            name=op.f("ck_evaluations_ratings_one_to_five"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_evaluations_application_id_applications"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluations")),
        sa.UniqueConstraint("application_id", name=op.f("uq_evaluations_application_id")),
    )
    op.create_table(
        "preferences",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("placement_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("rank BETWEEN 1 AND 4", name=op.f("ck_preferences_rank_range")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_preferences_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["placement_id"], ["placements.id"], name=op.f("fk_preferences_placement_id_placements")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_preferences")),
        sa.UniqueConstraint(
            "application_id",
            "placement_id",
            name=op.f("uq_preferences_application_id_placement_id"),
        ),
        sa.UniqueConstraint(
            "application_id", "rank", name=op.f("uq_preferences_application_id_rank")
        ),
    )
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_preferences_placement_id"), ["placement_id"], unique=False
        )

    op.create_table(
        "state_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("application_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column(
            "from_state",
            sa.Enum(
                "draft",
                "submitted",
                "nominated",
                "rejected",
                "accepted",
                "confirmed",
                "in_progress",
                "completed",
                "certified",
                "withdrawn",
                "cancelled",
                name="from_state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_state",
            sa.Enum(
                "draft",
                "submitted",
                "nominated",
                "rejected",
                "accepted",
                "confirmed",
                "in_progress",
                "completed",
                "certified",
                "withdrawn",
                "cancelled",
                name="to_state",
                native_enum=False,
                create_constraint=True,
                length=12,
            ),
            nullable=False,
        ),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_id"], ["users.id"], name=op.f("fk_state_transitions_actor_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_state_transitions_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_state_transitions")),
    )
    with op.batch_alter_table("state_transitions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_state_transitions_application_id"), ["application_id"], unique=False
        )

    # Reference data: written out here (not imported) so this migration never changes.
    regions = sa.table("regions", sa.column("code", sa.String), sa.column("name", sa.String))
    op.bulk_insert(
        regions,
        [
            {"code": "AFR", "name": "Africa"},
            {"code": "AMR", "name": "Americas"},
            {"code": "APR", "name": "Asia-Pacific"},
            {"code": "EMR", "name": "Eastern Mediterranean"},
            {"code": "EUR", "name": "Europe"},
        ],
    )
    programs = sa.table(
        "programs",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("code_prefix", sa.String),
        sa.column("national_officer_title", sa.String),
        sa.column("local_officer_title", sa.String),
        sa.column("placement_noun", sa.String),
    )
    op.bulk_insert(
        programs,
        [
            {
                "code": "SCOPE",
                "name": "Professional exchange (clinical)",
                "code_prefix": "P",
                "national_officer_title": "NEO",
                "local_officer_title": "LEO",
                "placement_noun": "department",
            },
            {
                "code": "SCORE",
                "name": "Research exchange",
                "code_prefix": "R",
                "national_officer_title": "NORE",
                "local_officer_title": "LORE",
                "placement_noun": "research project",
            },
        ],
    )


def downgrade():
    with op.batch_alter_table("state_transitions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_state_transitions_application_id"))

    op.drop_table("state_transitions")
    with op.batch_alter_table("preferences", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_preferences_placement_id"))

    op.drop_table("preferences")
    op.drop_table("evaluations")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_application_id"))

    op.drop_table("documents")
    op.drop_table("placement_capacities")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applications_student_id"))
        batch_op.drop_index("ix_applications_season_program_state")
        batch_op.drop_index(batch_op.f("ix_applications_placement_id"))
        batch_op.drop_index("ix_applications_host_nmo_state")
        batch_op.drop_index("ix_applications_home_nmo_state")
        batch_op.drop_index(batch_op.f("ix_applications_contract_id"))

    op.drop_table("applications")
    with op.batch_alter_table("placements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_placements_nmo_id"))
        batch_op.drop_index(batch_op.f("ix_placements_lc_id"))
        batch_op.drop_index(batch_op.f("ix_placements_field"))

    op.drop_table("placements")
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))
        batch_op.drop_index("ix_memberships_role_nmo_program")
        batch_op.drop_index(batch_op.f("ix_memberships_nmo_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_lc_id"))

    op.drop_table("memberships")
    op.drop_table("contract_slots")
    op.drop_table("nmo_programs")
    with op.batch_alter_table("local_committees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_local_committees_nmo_id"))

    op.drop_table("local_committees")
    with op.batch_alter_table("exchange_conditions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_exchange_conditions_nmo_id"))

    op.drop_table("exchange_conditions")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contracts_sending_nmo_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_season_id"))
        batch_op.drop_index(batch_op.f("ix_contracts_host_nmo_id"))

    op.drop_table("contracts")
    with op.batch_alter_table("nmos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_nmos_region_id"))
        batch_op.drop_index(batch_op.f("ix_nmos_country_code"))

    op.drop_table("nmos")
    op.drop_table("application_counters")
    op.drop_table("users")
    op.drop_table("seasons")
    op.drop_table("regions")
    op.drop_table("programs")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_sent_at"))

    op.drop_table("outbox_messages")
