"""Changes to the federation's organizations and seasons. Each function takes the acting
user (None: the command line, whose operator is trusted), checks permission, changes the
objects and flushes; none commits."""

from sqlalchemy import select

from exchange.auth.permissions import is_admin
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db
from exchange.organizations.models import Season
from exchange.organizations.seasons import season_dates


def _only_admins(actor, what: str) -> None:
    if actor is not None and not is_admin(actor):
        raise NotAllowed(f"Only the federation's admins {what}.")


def create_season(actor, code: str, *, applications_open: bool = True) -> Season:
    """A new season, such as "2027/28": 1 April to 31 March. Refuses a bad code and a
    season that exists already."""
    _only_admins(actor, "create seasons")
    code = code.strip()
    starts_on, ends_on = season_dates(code)  # BadSeasonCode says what is wrong
    if db.session.scalar(select(Season.id).where(Season.code == code)) is not None:
        raise DomainError(f"The season {code} exists already.")
    season = Season(
        code=code, starts_on=starts_on, ends_on=ends_on, applications_open=applications_open
    )
    db.session.add(season)
    db.session.flush()
    return season


def set_applications_open(actor, season: Season, open_: bool) -> None:
    """Open or close a season for students' applications."""
    _only_admins(actor, "open and close seasons")
    season.applications_open = open_
    db.session.flush()
