"""A demo federation: NMOs, LCs, officers, contracts, placements and applications of one
season or of several in a row, ending with the current one.

``flask exchange seed-demo`` calls ``seed_demo``. The demo stands on today's date: nothing
in it is dated after the end of yesterday, and no application is further on than its
exchange's dates allow (``calendar``). The same seed on the same day always builds the same
federation: every random choice comes from one ``random.Random(seed)`` and every timestamp
is derived from the seasons' dates and today's. Rows are written in bulk, with primary keys
chosen here, so that 20,000 applications with their histories take seconds, not minutes.

``data`` holds the tables the demo draws from; ``builder`` puts the federation together,
with its parts in ``federation`` and ``applications`` and what they share in ``common``.
"""

from exchange.demo.builder import database_is_empty, demo_logins, seed_demo
from exchange.demo.data import DEMO_PASSWORD, NMOS_CSV

__all__ = ["DEMO_PASSWORD", "NMOS_CSV", "database_is_empty", "demo_logins", "seed_demo"]
