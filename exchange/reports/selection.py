"""Which figures a dashboard shows: whose (the federation, one NMO, one LC), which season
and which programs, read from the request's values and checked against the viewer."""

from dataclasses import dataclass

from exchange.auth.permissions import (
    is_admin,
    report_programs_of_lc,
    report_programs_of_nmo,
)
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.queries import (
    current_season,
    nmo_by_code,
    previous_season,
    programs,
    season_by_code,
    seasons_newest_first,
)
from exchange.web.arguments import as_id

FEDERATION, NMO_KIND, LC_KIND = "federation", "nmo", "lc"
KINDS = (FEDERATION, NMO_KIND, LC_KIND)


class NotFound(LookupError):
    """No such dashboard, season or program: the view answers 404."""


class Forbidden(PermissionError):
    """The dashboard exists but is not the viewer's: the view answers 403."""


@dataclass(frozen=True)
class Selection:
    """One dashboard's figures: whose (``kind``, with ``nmo`` and ``lc``), for which
    ``season`` (and ``previous``, for the comparison) and which ``program_ids`` (None:
    every program). ``program`` is the one asked for, None when both are shown."""

    kind: str
    season: Season | None
    previous: Season | None
    program: Program | None
    program_ids: tuple[int, ...] | None
    nmo: NMO | None = None
    lc: LocalCommittee | None = None
    seasons: tuple[Season, ...] = ()  # the season choices, newest first
    programs: tuple[Program, ...] = ()  # the program choices the viewer may read

    @property
    def key(self) -> str:
        """The dashboard's part of its URLs: an NMO's code or an LC's id, "" for the
        federation's."""
        if self.kind == NMO_KIND:
            return self.nmo.code
        if self.kind == LC_KIND:
            return str(self.lc.id)
        return ""

    @property
    def title(self) -> str:
        if self.kind == NMO_KIND:
            return f"{self.nmo.acronym} ({self.nmo.country_name})"
        if self.kind == LC_KIND:
            return f"{self.lc.name}, {self.lc.nmo.acronym}"
        return "The federation"

    def query_args(self) -> dict:
        """The query string that shows the same figures again (links and downloads)."""
        args = {}
        if self.season is not None:
            args["season"] = self.season.code
        if self.program is not None:
            args["program"] = self.program.code.lower()
        return args


def _lc(key: str) -> LocalCommittee | None:
    lc_id = as_id(key)
    return None if lc_id is None else db.session.get(LocalCommittee, lc_id)


def select_dashboard(user, kind: str, key: str, season_code: str, program_code: str) -> Selection:
    """The Selection ``user`` asks for, or NotFound / Forbidden.

    An admin reads every dashboard and program; a national officer their NMO's and its
    LCs', in the programs they hold there; a local officer their LC's, in theirs. A
    program the viewer holds no role in is refused like an unknown one."""
    nmo = lc = None
    if kind == FEDERATION:
        if not is_admin(user):
            raise Forbidden("The federation's figures are the international team's.")
        allowed = None
    elif kind == NMO_KIND:
        nmo = nmo_by_code(key)
        if nmo is None:
            raise NotFound(f"There is no NMO {key}.")
        allowed = report_programs_of_nmo(user, nmo.id)
    elif kind == LC_KIND:
        lc = _lc(key)
        if lc is None:
            raise NotFound("There is no such local committee.")
        nmo = lc.nmo
        allowed = report_programs_of_lc(user, lc.nmo_id, lc.id)
    else:
        raise NotFound("There is no such dashboard.")
    if allowed is not None and not allowed:
        raise Forbidden("These figures are for the officers of their NMO or LC.")

    choices = tuple(p for p in programs() if allowed is None or p.id in allowed)
    return _selection(kind, season_code, program_code, choices, allowed is None, nmo, lc)


def public_selection(season_code: str, program_code: str) -> Selection:
    """The public statistics' Selection: the federation's figures, any program."""
    return _selection(FEDERATION, season_code, program_code, tuple(programs()), True)


def _selection(
    kind: str,
    season_code: str,
    program_code: str,
    choices: tuple[Program, ...],
    every_program: bool,
    nmo: NMO | None = None,
    lc: LocalCommittee | None = None,
) -> Selection:
    """The Selection of ``season_code`` (default: the current season) and ``program_code``
    (one of ``choices``; empty: all of them, None when ``every_program`` may be read)."""
    program = None
    if program_code:
        program = next((p for p in choices if p.code == program_code.upper()), None)
        if program is None:
            raise NotFound(f"There is no program {program_code}.")
    if program is not None:
        program_ids = (program.id,)
    else:
        program_ids = None if every_program else tuple(p.id for p in choices)
    season = season_by_code(season_code) if season_code else current_season()
    if season_code and season is None:
        raise NotFound(f"There is no season {season_code}.")
    return Selection(
        kind=kind,
        season=season,
        previous=previous_season(season) if season is not None else None,
        program=program,
        program_ids=program_ids,
        nmo=nmo,
        lc=lc,
        seasons=tuple(seasons_newest_first()),
        programs=choices,
    )
