"""Pages of a list, as the request asks (``?page=``), of the configured size."""

from collections.abc import Callable, Sequence

from flask import abort, current_app, request
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from exchange.extensions import db
from exchange.generations import Group

KEPT_SECONDS = 600  # a kept page's ids; a write to the group's tables forgets them sooner
# No list has this many pages; a larger number would overflow the database's OFFSET.
MAX_PAGE = 1_000_000


def requested_page(name: str = "page") -> int:
    """The page ``?page=`` (or ``name``) asks for: the first when it names none (or not a
    number); a 404 that says so past MAX_PAGE."""
    text = request.args.get(name, "").strip()
    if not (text.isascii() and text.isdigit()):
        return 1
    if len(text) > len(str(MAX_PAGE)) or int(text) > MAX_PAGE:
        abort(404, f"There is no page {text[:30]} of this list.")
    return max(int(text), 1)


def page_of(statement):
    """One page of ``statement``; a page past the end is empty, never an error."""
    return db.paginate(
        statement,
        page=requested_page(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )


class PageById(Pagination):
    """A page of a list read in two short SELECTs instead of one long one: the ids of the
    page's rows, in the list's order (from the list's indexes, without its wide rows), then
    those rows by id, with whatever the page shows of them (``load_rows``: joined
    relations, in one SELECT). The rows are counted only when the page does not tell: a
    first page shorter than a page is the whole list. With ``keep``, the ids and the count
    come from the cache."""

    def _query_items(self) -> list:
        keep = self._query_args["keep"]
        if keep is None:
            self._ids, self._total = self._ids_and_total()
        else:
            group, key = keep
            key = f"{key}:page={self.page}:of={self.per_page}"
            self._ids, self._total = group.kept(key, self._ids_and_total, KEPT_SECONDS)
        if not self._ids:
            return []
        rows = self._query_args["load_rows"](self._ids)
        by_id = {row.id: row for row in rows}
        return [by_id[row_id] for row_id in self._ids if row_id in by_id]

    def _ids_and_total(self) -> tuple[list[int], int]:
        statement: Select = self._query_args["select"]
        listed = statement.with_only_columns(self._query_args["id_column"])
        ids = list(db.session.scalars(listed.limit(self.per_page).offset(self._query_offset)))
        if self.page == 1 and len(ids) < self.per_page:
            return ids, len(ids)
        counted = select(func.count()).select_from(listed.order_by(None).subquery())
        return ids, db.session.scalar(counted)

    def _query_count(self) -> int:
        return self._total


def page_by_id(
    statement: Select,
    id_column,
    load_rows: Callable[[Sequence[int]], list],
    keep: tuple[Group, str] | None = None,
):
    """One page of ``statement`` (a SELECT of one model, filtered and sorted) read as
    ``PageById`` does: ``id_column`` is the model's id, ``load_rows(ids)`` the rows of those
    ids in any order. A page past the end is empty, never an error.

    ``keep``: (a generation group, a key naming the list). The page's ids and the list's
    count are kept in the cache in the group's generation: for a list that is the same for
    everyone who asks and that only the group's tables decide (the catalogue)."""
    return PageById(
        select=statement,
        id_column=id_column,
        load_rows=load_rows,
        keep=keep,
        page=requested_page(),
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
