"""The dashboards' figures to take away: JSON for the charts, CSV and XLSX.

Each answers for the dashboard of its URL, with its ``?season=`` and ``?program=``, to
those who may read that dashboard (exchange.reports.selection), as the page does."""

import re

from flask import Response, abort, jsonify

from exchange.auth.decorators import login_required
from exchange.csv_files import write_table_csv, write_tables_csv
from exchange.reports import queries
from exchange.reports.figures import TABLE_KEYS, Table, table, tables
from exchange.reports.pages import dashboard_routes, selection_or_abort
from exchange.reports.selection import Selection
from exchange.reports.summary import page_data
from exchange.spreadsheets import MIME_TYPE as XLSX_MIME_TYPE
from exchange.spreadsheets import Sheet, fitted_columns, write_workbook

# The figures are counts, but each dashboard's are for its own readers: no shared cache
# keeps them; the browser may keep them a minute, as long as the page's charts need.
CACHE_CONTROL = "private, max-age=60"
_UNSAFE_IN_FILENAMES = re.compile(r"[^A-Za-z0-9_-]+")


def filename(selection: Selection, extension: str, figure: str = "") -> str:
    """``exchange-report-CROMSIC-2026-27.csv``: whose figures (an NMO's code, "federation"
    or "lc-<id>"), the season, the program when only one is shown, and the figure."""
    who = {"nmo": selection.key, "lc": f"lc-{selection.key}"}.get(selection.kind, "federation")
    parts = ["exchange-report", who, selection.season.code if selection.season else "no-season"]
    if selection.program is not None:
        parts.append(selection.program.code.lower())
    if figure:
        parts.append(figure)
    name = "-".join(_UNSAFE_IN_FILENAMES.sub("-", part).strip("-") for part in parts)
    return f"{name}.{extension}"


def _download(body, mimetype: str, name: str) -> Response:
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": CACHE_CONTROL,
        },
    )


@dashboard_routes("data.json", endpoint="data")
@login_required
def data(kind: str, key: str):
    """The dashboard's charts and tables as JSON, for the page's charts."""
    selection = selection_or_abort(kind, key)
    response = jsonify(page_data(queries.dashboard_page(selection)))
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _csv(table: Table) -> tuple[str, list[str], list[list[object]]]:
    return table.title, list(table.header), table.values


@dashboard_routes("figures.csv", endpoint="figures_csv")
@login_required
def figures_csv(kind: str, key: str):
    """Every figure of the dashboard in one CSV file, one table after the other."""
    selection = selection_or_abort(kind, key)
    body = write_tables_csv(_csv(t) for t in tables(queries.dashboard(selection)))
    # A byte order mark, so that spreadsheets read the file as UTF-8.
    return _download("\ufeff" + body, "text/csv", filename(selection, "csv"))


@dashboard_routes("figures/<figure>.csv", endpoint="figure_csv")
@login_required
def figure_csv(kind: str, key: str, figure: str):
    """One figure of the dashboard as a CSV file."""
    selection = selection_or_abort(kind, key)
    if figure not in TABLE_KEYS:
        abort(404, f"There is no figure “{figure}” on the dashboards.")
    one = table(queries.dashboard(selection), figure)
    body = "\ufeff" + write_table_csv(one.header, one.values)
    return _download(body, "text/csv", filename(selection, "csv", figure))


@dashboard_routes("figures.xlsx", endpoint="figures_xlsx")
@login_required
def figures_xlsx(kind: str, key: str):
    """Every figure of the dashboard as an XLSX workbook, one sheet per figure."""
    selection = selection_or_abort(kind, key)
    sheets = []
    for figure in tables(queries.dashboard(selection)):
        rows = figure.values
        sheets.append(Sheet(figure.title, fitted_columns(figure.header, rows), rows))
    return _download(write_workbook(sheets), XLSX_MIME_TYPE, filename(selection, "xlsx"))
