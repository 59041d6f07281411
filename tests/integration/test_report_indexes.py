"""The reports' indexes (migration 0010) are the models' ones, INCLUDE columns too: Alembic's
autogenerate (test_schema) compares an index's key columns only, not what it includes."""

import sqlalchemy as sa

from exchange.extensions import db

REPORT_INDEXES = {
    "applications": "ix_applications_season_program_state",
    "placement_capacities": "ix_placement_capacities_season",
    "contracts": "ix_contracts_season_host",
}


def _declared(table_name: str, index_name: str) -> sa.Index:
    table = db.metadata.tables[table_name]
    return next(index for index in table.indexes if index.name == index_name)


def _migrated(table_name: str, index_name: str) -> dict:
    indexes = sa.inspect(db.engine).get_indexes(table_name)
    return next(index for index in indexes if index["name"] == index_name)


def test_every_model_index_with_included_columns_is_migrated_with_them(app):
    covering = [
        (table.name, index)
        for table in db.metadata.sorted_tables
        for index in table.indexes
        if index.dialect_options["postgresql"]["include"]
    ]
    assert {name for name, _ in covering} >= {"applications", "placement_capacities"}
    postgresql = db.engine.dialect.name == "postgresql"
    for table_name, index in covering:
        migrated = _migrated(table_name, index.name)
        assert migrated["column_names"] == [column.name for column in index.columns]
        if postgresql:  # SQLite has no INCLUDE: the key columns are all it keeps
            included = migrated.get("dialect_options", {}).get("postgresql_include", [])
            assert included == list(index.dialect_options["postgresql"]["include"]), index.name


def test_report_indexes_lead_with_the_season(app):
    for table_name, index_name in REPORT_INDEXES.items():
        declared = _declared(table_name, index_name)
        assert next(column.name for column in declared.columns) == "season_id"
        assert _migrated(table_name, index_name)["column_names"][0] == "season_id"
