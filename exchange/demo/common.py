"""What the demo builder's parts share: the records they keep in memory of what they built,
and small helpers for ids, bulk inserts and weighted choices."""

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select

from exchange.applications.states import Action, Actor
from exchange.extensions import db
from exchange.months import SEASON_MONTHS
from exchange.placements.models import PlacementKind


@dataclass
class DemoNmo:
    id: int
    code: str
    acronym: str
    country_code: str
    country_name: str
    region: str
    programs: tuple[str, ...]
    lc_ids: list[int] = field(default_factory=list)


@dataclass
class DemoPlacement:
    id: int
    nmo_id: int
    lc_id: int
    kind: PlacementKind
    field: str
    weeks: int
    capacity: dict[int, int] = field(default_factory=dict)  # in the season being built


@dataclass
class DemoContract:
    id: int
    program: str
    sending_nmo_id: int
    host_nmo_id: int
    slots: dict[int, int]


@dataclass
class PlannedApplication:
    """An application before it is numbered and written: its columns and its path."""

    row: dict
    preferences: list[int]
    steps: list[tuple[Action, Actor, int | None, datetime, str | None]]
    evaluation: dict | None = None
    for_demo_student: bool = False
    # The program's code ("SCOPE"), which the student may apply for once a season.
    program: str = ""


def first_free_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def bulk_insert(model, rows: list[dict]) -> None:
    """Write ``rows`` to the model's table: every row has the same keys, ids included.

    Big tables go straight to the driver, in the session's transaction: PostgreSQL's COPY,
    SQLite's executemany. That skips the per-row work of SQLAlchemy's executemany, which
    takes most of the time of a seed; the columns' types still turn each value into what
    the database takes (JSON text, enum values, UTC timestamps), as for an INSERT.
    """
    if not rows:
        return
    table = model.__table__
    connection = db.session.connection()
    dialect = connection.dialect
    if len(rows) < DRIVER_FROM or dialect.name not in ("postgresql", "sqlite"):
        # Core, not the ORM's bulk insert, which splits rows into many small batches.
        db.session.execute(insert(table), rows)
        return
    names = list(rows[0])
    processors = [
        table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
    ]
    values = (
        [
            value if value is None or process is None else process(value)
            for value, process in zip((row[name] for name in names), processors, strict=True)
        ]
        for row in rows
    )
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    cursor = connection.connection.driver_connection.cursor()
    if dialect.name == "postgresql":
        with cursor.copy(f"COPY {table.name} ({quoted}) FROM STDIN") as copy:
            for row in values:
                copy.write_row(row)
    else:
        marks = ", ".join("?" for _ in names)
        # The table's name is a model's, the columns quoted by the dialect; values are bound.
        statement = f"INSERT INTO {table.name} ({quoted}) VALUES ({marks})"  # nosec B608
        cursor.executemany(statement, values)
    cursor.close()


DRIVER_FROM = 1000


def weighted_sample(rng: random.Random, weights: dict, k: int) -> list:
    """Up to ``k`` distinct keys of ``weights``, heavier ones more likely."""
    items, item_weights, chosen = list(weights), list(weights.values()), []
    for _ in range(min(k, len(items))):
        index = rng.choices(range(len(items)), item_weights)[0]
        chosen.append(items.pop(index))
        item_weights.pop(index)
    return chosen


def season_order(months) -> list[int]:
    return sorted(months, key=SEASON_MONTHS.index)


def nmo_code(acronym: str, taken: set[str]) -> str:
    """A short, URL-safe, upper-case code from an acronym, made unique with a suffix."""
    plain = unicodedata.normalize("NFKD", acronym).encode("ascii", "ignore").decode()
    code = re.sub(r"[^A-Z0-9]+", "-", plain.upper()).strip("-")[:20] or "NMO"
    candidate, number = code, 2
    while candidate in taken:
        candidate, number = f"{code}-{number}", number + 1
    taken.add(candidate)
    return candidate
