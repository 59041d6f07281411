"""Generations of what the cache keeps: a figure or a list that is the same for everyone
is worked out once and kept under its group's *generation*, a token that changes after
every commit that wrote one of the group's tables. What was kept under an older token is
never read again, so nothing kept is older than the data.

A group is declared once (``watch("reports", {"applications", ...})``); every session's
unit of work (objects added, changed, deleted) and every INSERT, UPDATE or DELETE
statement it runs (the cycle's guarded UPDATEs) note the tables they write, and the commit
renews the generation of each group that names one. A rollback forgets them.

Where the cache is each process's memory (no Redis), a process learns of another's writes
only when what it kept runs out: keep things for minutes, not hours. Redis, which
production uses, is shared by every worker.
"""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from flask import has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from exchange.extensions import cache, db

_WRITTEN = "generations.written"
T = TypeVar("T")
log = logging.getLogger(__name__)


def database_mark() -> str:
    """The database's own mark, so that two apps on one cache (the SQLite and PostgreSQL
    test runs on one Redis, a staging and a production site) never read each other's
    keys. The address is taken without its password: the same database, whoever
    connects."""
    address = db.engine.url.render_as_string(hide_password=True)
    return hashlib.sha256(address.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Group:
    """What is kept of some tables: ``name`` starts its keys."""

    name: str
    tables: frozenset[str]

    def _key(self) -> str:
        return f"{self.name}:{database_mark()}:generation"

    def generation(self) -> str:
        """The present generation (a new one when the cache lost it: never an old one
        again; one of this moment only when the cache does not answer)."""
        try:
            generation = cache.get(self._key())
        except Exception as error:  # the cache's own errors differ by backend
            _not_answering(error, f"{self.name} is worked out afresh")
            return uuid.uuid4().hex
        return self.renew() if generation is None else generation

    def renew(self) -> str:
        """Start a new generation: whatever was kept is worked out again. A cache that
        does not answer is logged, never raised: the commit that asks is done already."""
        generation = uuid.uuid4().hex
        try:
            cache.set(self._key(), generation, timeout=0)
        except Exception as error:
            _not_answering(error, f"{self.name} could not be renewed")
        return generation

    def written_in(self, session) -> bool:
        """Whether ``session`` has written one of the group's tables, or holds changes to
        one, not yet committed: what is kept does not show them."""
        pending = (*session.new, *session.dirty, *session.deleted)
        tables = {getattr(getattr(item, "__table__", None), "name", None) for item in pending}
        return bool(self.tables & (_written(session) | tables))

    def kept(self, key: str, work_out: Callable[[], T], timeout: int) -> T:
        """What is kept under ``key`` in the present generation, or ``work_out()`` kept
        there for ``timeout`` seconds."""
        return kept(f"{self.name}:{database_mark()}:{self.generation()}:{key}", work_out, timeout)


def kept(full_key: str, work_out: Callable[[], T], timeout: int) -> T:
    """What the cache keeps under ``full_key``, or ``work_out()`` kept there; worked out
    each time while the cache does not answer."""
    try:
        value = cache.get(full_key)
    except Exception as error:
        _not_answering(error, f"{full_key} is worked out afresh")
        return work_out()
    if value is None:
        value = work_out()
        try:
            cache.set(full_key, value, timeout=timeout)
        except Exception as error:
            _not_answering(error, f"{full_key} is not kept")
    return value


def _not_answering(error: Exception, consequence: str) -> None:
    # The error's words, not its traceback: a cache that is down says so on every request,
    # and a kept traceback would keep the request's frames (and their connections) alive.
    log.warning("The cache does not answer (%s: %s): %s", type(error).__name__, error, consequence)


_GROUPS: list[Group] = []


def watch(name: str, tables: Iterable[str]) -> Group:
    """The group ``name`` of ``tables``, renewed after every commit that writes one."""
    group = Group(name, frozenset(tables))
    _GROUPS.append(group)
    return group


def renew_all() -> None:
    """Renew every group: after writes that went past the session (bulk loads)."""
    for group in _GROUPS:
        group.renew()


def _written(session) -> set[str]:
    return session.info.setdefault(_WRITTEN, set())


@event.listens_for(Session, "after_flush")
def _note_flushed_tables(session, flush_context) -> None:
    for item in (*session.new, *session.dirty, *session.deleted):
        table = getattr(item, "__table__", None)
        if table is not None:
            _written(session).add(table.name)


@event.listens_for(Session, "do_orm_execute")
def _note_written_tables(orm_execute_state) -> None:
    state = orm_execute_state
    if state.is_insert or state.is_update or state.is_delete:
        name = getattr(getattr(state.statement, "table", None), "name", None)
        if name is not None:
            _written(state.session).add(name)


@event.listens_for(Session, "after_commit")
def _renew_after_commit(session) -> None:
    written = session.info.pop(_WRITTEN, set())
    if written and has_app_context():
        for group in _GROUPS:
            if group.tables & written:
                group.renew()


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back_writes(session, previous_transaction) -> None:
    # Only the outermost transaction's rollback undoes every write: a savepoint's leaves
    # what was flushed before it, to be committed.
    if previous_transaction.parent is None:
        session.info.pop(_WRITTEN, None)
