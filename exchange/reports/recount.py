"""When a dashboard's figures are counted again: each season's figures of a dashboard are
counted once and kept in the cache, so that its readers do not each make the database add
up a season's 20,000 applications again.

- A season still running (today on or before its last day) is recounted after any change
  to what it counts: every commit that writes applications, contracts, placements or the
  organizations gives the running seasons a new *generation*, and figures are kept under
  the generation they were counted in. They are never older than the data.
- A season that has ended is history: its figures are kept for ``HISTORY_KEPT_FOR``
  seconds whatever is written, because a write rarely concerns it (a late certificate) and
  recounting it after every nomination of the running season would make history slow the
  running season down.
- Today's date is in every key, since a card pending today may be overdue tomorrow.

Where the cache is each process's memory (no Redis), a worker learns of another's writes
only when ``RUNNING_KEPT_FOR`` runs out; Redis, which production uses, is shared by all.
"""

import hashlib
import uuid
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from exchange.extensions import cache, db
from exchange.organizations.models import Season

# The tables whose rows a dashboard counts or names.
COUNTED_TABLES = frozenset(
    {
        "applications",
        "contracts",
        "contract_slots",
        "placements",
        "placement_capacities",
        "nmos",
        "local_committees",
        "regions",
        "seasons",
        "programs",
    }
)
# How long figures are kept at most: a running season's, in case a write reached the
# database without passing through this app's session (another process on a memory cache,
# a script); an ended season's, since writes do not recount it.
RUNNING_KEPT_FOR = 10 * 60
HISTORY_KEPT_FOR = 60 * 60
_CHANGED = "reports.changed"
T = TypeVar("T")


def database_mark() -> str:
    """The database's own mark, so that two apps on one cache (the SQLite and PostgreSQL
    test runs on one Redis, a staging and a production site) never read each other's
    figures. The address is taken without its password: the same database, whoever
    connects."""
    address = db.engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(address.encode()).hexdigest()[:16]


def _generation_key() -> str:
    return f"reports:{database_mark()}:generation"


def running_generation() -> str:
    """The running seasons' generation: a new one after each commit that changed what
    they count (and when the cache lost it: never an old one again)."""
    key = _generation_key()
    generation = cache.get(key)
    if generation is None:
        generation = new_generation()
    return generation


def new_generation() -> str:
    """Start a new generation: every running season's figures are counted again."""
    generation = uuid.uuid4().hex
    cache.set(_generation_key(), generation, timeout=0)
    return generation


def season_key(whose: str, season: Season, program_ids, today: date) -> tuple[str, bool]:
    """Where one season's figures of one dashboard are kept, and whether the season is
    still running: ``whose`` names the dashboard (``federation:``, ``nmo:CROMSIC``,
    ``lc:12``), ``program_ids`` the programs counted (None: all)."""
    programs = "all" if program_ids is None else ",".join(str(p) for p in sorted(program_ids))
    running = season.ends_on >= today
    generation = running_generation() if running else "history"
    key = f"{whose}:{season.id}:{programs}:{today.isoformat()}:{generation}"
    return key, running


def kept(key: str, running: bool, count: Callable[[], T]) -> T:
    """What is kept under ``key`` (a season's, from ``season_key``), or ``count()`` kept
    there for as long as a ``running`` season's figures, or an ended season's, are."""
    full_key = f"reports:{database_mark()}:{key}"
    value = cache.get(full_key)
    if value is None:
        value = count()
        cache.set(full_key, value, timeout=RUNNING_KEPT_FOR if running else HISTORY_KEPT_FOR)
    return value


# What makes the running seasons count again: a commit that wrote a counted table, by the
# unit of work (objects added, changed, deleted) or by a statement (the cycle's guarded
# UPDATEs of states, slots and places).


def _counted_table(item) -> bool:
    table = getattr(item, "__table__", None)
    return table is not None and table.name in COUNTED_TABLES


@event.listens_for(Session, "after_flush")
def _note_flushed_changes(session, flush_context) -> None:
    if any(_counted_table(o) for o in (*session.new, *session.dirty, *session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "do_orm_execute")
def _note_written_statements(orm_execute_state) -> None:
    state = orm_execute_state
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    if getattr(table, "name", None) in COUNTED_TABLES:
        state.session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _recount_after_commit(session) -> None:
    if session.info.pop(_CHANGED, False) and has_app_context():
        new_generation()


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back_changes(session) -> None:
    session.info.pop(_CHANGED, None)
