"""When a dashboard's figures are counted again: each season's figures of a dashboard are
counted once and kept in the cache (exchange.generations), so that its readers do not each
make the database add up a season's 20,000 applications again.

- A season still running (today on or before its last day) is recounted after any change
  to what it counts: every commit that writes applications, contracts, placements or the
  organizations gives the reports a new generation, and figures are kept under the
  generation they were counted in. They are never older than the data.
- A season that has ended is history: its figures are kept for ``HISTORY_KEPT_FOR``
  seconds whatever is written, because a write rarely concerns it (a late certificate) and
  recounting it after every nomination of the running season would make history slow the
  running season down.
- Today's date is in every key, since a card pending today may be overdue tomorrow.

Where the cache is each process's memory (no Redis), a worker learns of another's writes
only when ``RUNNING_KEPT_FOR`` runs out; Redis, which production uses, is shared by all.
"""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from exchange.generations import database_mark, watch
from exchange.generations import kept as kept_in_cache
from exchange.organizations.models import Season

# The tables whose rows a dashboard counts or names.
REPORTS = watch(
    "reports",
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
        "preferences",  # an LC's late cards count the nominated applications ranking it
    },
)
# How long figures are kept at most: a running season's, in case a write reached the
# database without passing through this app's session (another process on a memory cache,
# a script); an ended season's, since writes do not recount it.
RUNNING_KEPT_FOR = 10 * 60
HISTORY_KEPT_FOR = 60 * 60
T = TypeVar("T")


def season_key(whose: str, season: Season, program_ids, today: date) -> tuple[str, bool]:
    """Where one season's figures of one dashboard are kept, and whether the season is
    still running: ``whose`` names the dashboard (``federation:``, ``nmo:CROMSIC``,
    ``lc:12``), ``program_ids`` the programs counted (None: all)."""
    programs = "all" if program_ids is None else ",".join(str(p) for p in sorted(program_ids))
    running = season.ends_on >= today
    generation = REPORTS.generation() if running else "history"
    key = f"{whose}:{season.id}:{programs}:{today.isoformat()}:{generation}"
    return key, running


def kept(key: str, running: bool, count: Callable[[], T]) -> T:
    """What is kept under ``key`` (a season's, from ``season_key``), or ``count()`` kept
    there for as long as a ``running`` season's figures, or an ended season's, are."""
    timeout = RUNNING_KEPT_FOR if running else HISTORY_KEPT_FOR
    return kept_in_cache(f"reports:{database_mark()}:{key}", count, timeout)
