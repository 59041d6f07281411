"""A demo federation: NMOs, LCs, officers, contracts, placements and applications of a season.

``flask exchange seed-demo`` calls ``seed_demo``. The same seed always builds the same
federation: every random choice comes from one ``random.Random(seed)`` and every timestamp
is derived from the season's dates. Rows are written with bulk inserts and primary keys
chosen here, so that 20,000 applications with their histories take seconds, not minutes.

``data`` holds the tables the demo draws from; ``builder`` puts the federation together,
with its parts in ``federation`` and ``applications`` and what they share in ``common``.
"""

from exchange.demo.builder import database_is_empty, demo_logins, seed_demo
from exchange.demo.data import DEMO_PASSWORD, NMOS_CSV

__all__ = ["DEMO_PASSWORD", "NMOS_CSV", "database_is_empty", "demo_logins", "seed_demo"]
