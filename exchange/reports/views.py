"""The dashboards' pages: the federation's (``/reports/``), an NMO's (``/reports/nmos/CODE``)
and an LC's (``/reports/lcs/<id>``), for ``?season=`` and ``?program=``.

A page shows each figure's table and a placeholder for its chart; the browser draws the
charts from ``data.json`` (exchange/static/js/reports.js), with the app's own plotly.js.
"""

from dataclasses import dataclass

from flask import get_template_attribute, render_template, url_for
from flask_login import current_user
from markupsafe import Markup

from exchange.auth.decorators import login_required
from exchange.auth.models import Role
from exchange.auth.permissions import is_admin, memberships_of, report_programs_of_nmo
from exchange.organizations.queries import active_nmos
from exchange.reports import queries
from exchange.reports.figures import STAGES, stage_label
from exchange.reports.pages import bp, dashboard_routes, selection_or_abort
from exchange.reports.selection import FEDERATION, LC_KIND, NMO_KIND, Selection
from exchange.reports.summary import SHOWN_ROWS


@dataclass(frozen=True)
class Export:
    """A link to a file of the rows behind the figures: applications, contracts or
    placements, filtered like the dashboard."""

    label: str
    csv: str
    xlsx: str | None = None
    note: str = ""


@dashboard_routes("", endpoint="dashboard")
@login_required
def dashboard(kind: str, key: str):
    """A dashboard's page: its figures as tables, its charts' placeholders, its downloads."""
    selection = selection_or_abort(kind, key)
    page = queries.dashboard_page(selection)
    return render_template(
        "reports/dashboard.html",
        selection=selection,
        page=page,
        tables_html=_tables_html(selection, page),
        trail=_breadcrumbs(selection),
        up=_dashboard_above(selection),
        below=queries.kept_with_page(selection, "below", lambda: _dashboards_below(selection)),
        stages=[(stage, stage_label(stage)) for stage in STAGES],
        exports=_exports(selection),
        data_url=_url("reports.data", selection),
    )


@bp.app_template_global()
def reports_home_url() -> str | None:
    """The dashboard the viewer reads first (the navigation's "Reports"): the federation's
    for an admin, their NMO's for a national officer, their LC's for a local officer;
    None for anyone else."""
    if not current_user.is_authenticated:
        return None
    if current_user.is_admin:
        return url_for("reports.dashboard")
    for role, kind in ((Role.NATIONAL_OFFICER, NMO_KIND), (Role.LOCAL_OFFICER, LC_KIND)):
        held = next(iter(memberships_of(current_user, role)), None)
        if held is not None:
            key = held.nmo.code if kind == NMO_KIND else held.lc_id
            return url_for("reports.dashboard", kind=kind, key=key)
    return None


def _url(endpoint: str, selection: Selection, **more) -> str:
    return url_for(
        endpoint, kind=selection.kind, key=selection.key, **selection.query_args(), **more
    )


def _dashboard_above(selection: Selection) -> tuple[str, str] | None:
    """An LC's NMO's dashboard as (name, URL), when the viewer may read it."""
    if selection.kind != LC_KIND:
        return None
    nmo = selection.nmo
    if report_programs_of_nmo(current_user, nmo.id) == set():
        return None
    season_args = {"season": selection.season.code} if selection.season else {}
    return nmo.acronym, url_for("reports.dashboard", kind=NMO_KIND, key=nmo.code, **season_args)


def _breadcrumbs(selection: Selection) -> list[tuple[str, str | None]]:
    """Home, Reports, the NMO, the LC: each a link where the viewer may read it."""
    if selection.kind == FEDERATION:
        return [("Reports", None)]
    season_args = {"season": selection.season.code} if selection.season else {}
    federation_url = url_for("reports.dashboard", **season_args)
    items = [("Reports", federation_url if is_admin(current_user) else None)]
    if selection.kind == NMO_KIND:
        return [*items, (selection.nmo.acronym, None)]
    above = _dashboard_above(selection)
    return [*items, (selection.nmo.acronym, above[1] if above else None), (selection.lc.name, None)]


def _tables_html(selection: Selection, page) -> dict[str, Markup]:
    """Each figure's table as HTML, by the figure's key: the same for every reader of the
    page (a thousand cells, each a link, on the federation's), so rendered once and kept
    as long as the figures are."""
    figure_table = get_template_attribute("reports/_figures.html", "figure_table")

    def render() -> dict[str, str]:
        return {table.key: str(figure_table(table, SHOWN_ROWS)) for table in page.tables}

    return {
        # bandit B704: the HTML is our own template's output, every cell escaped there.
        key: Markup(html)  # nosec B704
        for key, html in queries.kept_with_page(selection, "tables", render).items()
    }


def _dashboards_below(selection: Selection) -> list[tuple[str, str]]:
    """The dashboards one level down, as (name, URL): every NMO's on the federation's, the
    NMO's LCs' on an NMO's, none on an LC's. They keep the season and the program."""
    if selection.kind == FEDERATION:
        return [
            (
                f"{nmo.country_name}: {nmo.acronym}",
                url_for("reports.dashboard", kind=NMO_KIND, key=nmo.code, **selection.query_args()),
            )
            for nmo in active_nmos()
        ]
    if selection.kind == NMO_KIND:
        return [
            (
                f"{lc.name} ({lc.city})",
                url_for("reports.dashboard", kind=LC_KIND, key=lc.id, **selection.query_args()),
            )
            for lc in selection.nmo.local_committees
        ]
    return []


def _applications_export(label: str, note: str = "", **filters) -> Export:
    return Export(
        label,
        url_for("applications.export_csv", **filters),
        url_for("applications.export_xlsx", **filters),
        note,
    )


def _exports(selection: Selection) -> list[Export]:
    """The files of the rows behind the dashboard's figures, as far as each export can be
    filtered like it; each export shows only what the viewer may see anyway."""
    if selection.season is None:
        return []
    season, program, nmo = selection.season, selection.program, selection.nmo
    filters = {"state": "all", "season": season.id}
    if program is not None:
        filters["program"] = program.id
    exports = []
    if selection.kind == FEDERATION:
        exports.append(
            _applications_export("Applications, every one submitted", queue="outgoing", **filters)
        )
    elif selection.kind == NMO_KIND:
        exports.append(
            _applications_export(
                f"Outgoing applications of {nmo.acronym}",
                queue="outgoing",
                home=nmo.code,
                **filters,
            )
        )
        exports.append(
            _applications_export(
                f"Incoming applications of {nmo.acronym}",
                queue="incoming",
                host=nmo.code,
                **filters,
            )
        )
    else:
        exports.append(
            _applications_export(
                f"Outgoing applications of {selection.lc.name}",
                queue="outgoing",
                home_lc=selection.lc.id,
                **filters,
            )
        )
        exports.append(
            _applications_export(
                f"Incoming applications of {selection.lc.name}",
                queue="incoming",
                host_lc=selection.lc.id,
                **filters,
            )
        )
    program_arg = {"program": program.code.lower()} if program else {}
    if current_user.has_role(Role.NATIONAL_OFFICER, Role.ADMIN):
        nmo_arg = {"nmo": nmo.code} if nmo is not None else {}
        exports.append(
            Export(
                f"Contracts of {nmo.acronym}" if nmo is not None else "Contracts of the season",
                url_for("contracts.export", season=season.code, **program_arg, **nmo_arg),
                note="The contracts it sends or hosts, as far as you may see them."
                if nmo is not None
                else "Every NMO's contracts.",
            )
        )
    for each in (program,) if program else selection.programs:
        where = {}
        whose = "every NMO's"
        if selection.kind == LC_KIND:
            where = {"nmo": nmo.code, "lc": selection.lc.id}
            whose = f"{selection.lc.name}'s"
        elif nmo is not None:
            where = {"nmo": nmo.code}
            whose = f"{nmo.acronym}'s"
        exports.append(
            Export(
                f"{each.placement_noun.capitalize()}s of {each.code}, {whose}",
                url_for("placements.export", program=each.code, season=season.code, **where),
                note="With their capacity per month in the season.",
            )
        )
    return exports
