"""Pages of a list, as the request asks (``?page=``), of the configured size."""

from collections.abc import Callable, Sequence

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select

from exchange.extensions import db


def page_of(statement):
    """One page of ``statement``; a page past the end is empty, never an error."""
    return db.paginate(statement, per_page=current_app.config["PAGE_SIZE"], error_out=False)


class PageById(Pagination):
    """A page of a list read in two short SELECTs instead of one long one: the ids of the
    page's rows, in the list's order (from the list's indexes, without its wide rows), then
    those rows by id, with whatever the page shows of them (``load_rows``: joined
    relations, in one SELECT). The rows are counted only when the page does not tell: a
    first page shorter than a page is the whole list."""

    def _query_items(self) -> list:
        statement: Select = self._query_args["select"]
        id_column = self._query_args["id_column"]
        ids = list(
            db.session.scalars(
                statement.with_only_columns(id_column)
                .limit(self.per_page)
                .offset(self._query_offset)
            )
        )
        self._ids = ids
        if not ids:
            return []
        rows = self._query_args["load_rows"](ids)
        by_id = {row.id: row for row in rows}
        return [by_id[row_id] for row_id in ids if row_id in by_id]

    def _query_count(self) -> int:
        if self.page == 1 and len(self._ids) < self.per_page:
            return len(self._ids)
        statement: Select = self._query_args["select"]
        listed = statement.with_only_columns(self._query_args["id_column"]).order_by(None)
        return db.session.scalar(select(func.count()).select_from(listed.subquery()))


def page_by_id(statement: Select, id_column, load_rows: Callable[[Sequence[int]], list]):
    """One page of ``statement`` (a SELECT of one model, filtered and sorted) read as
    ``PageById`` does: ``id_column`` is the model's id, ``load_rows(ids)`` the rows of those
    ids in any order. A page past the end is empty, never an error."""
    return PageById(
        select=statement,
        id_column=id_column,
        load_rows=load_rows,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
