"""What the demo builder's parts share: the records they keep in memory of what they built,
and small helpers for ids, bulk inserts, times and weighted choices."""

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

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
    capacity: dict[int, int]


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


def first_free_id(model) -> int:
    return (db.session.scalar(select(func.max(model.id))) or 0) + 1


def bulk_insert(model, rows: list[dict]) -> None:
    """One executemany on the model's table: every row has the same keys, ids included."""
    if rows:
        # Core, not the ORM's bulk insert, which splits rows into many small batches.
        db.session.execute(insert(model.__table__), rows)


def utc_at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


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


def quotas_of(total: int, weights: dict) -> dict:
    """Split ``total`` by ``weights`` with the largest remainders, so the sum is exact."""
    weight_sum = sum(weights.values())
    exact = {key: total * weight / weight_sum for key, weight in weights.items()}
    quotas = {key: int(value) for key, value in exact.items()}
    by_remainder = sorted(weights, key=lambda key: exact[key] - quotas[key], reverse=True)
    for key in by_remainder[: total - sum(quotas.values())]:
        quotas[key] += 1
    return quotas
