"""Every route, as every role, with generated path values, query strings and form fields
(hypothesis): never a server error or a traceback, and a refused request changes nothing.

The suite's testing configuration lets unexpected errors propagate, so a traceback fails
the example. Examples are derandomised, so that CI runs the same ones each time;
EXCHANGE_FUZZ_EXAMPLES asks for more (say 200), and EXCHANGE_FUZZ_RANDOM=1 for new ones,
when hunting.
"""

import os
import re
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import column, func, inspect, select, table

from exchange.auth.models import Role
from exchange.extensions import db
from tests import builders
from tests.functional.conftest import log_in
from tests.functional.test_access import IDENTITIES, ROUTES

EXAMPLES = int(os.environ.get("EXCHANGE_FUZZ_EXAMPLES", "5"))
# CI runs the same examples each time; EXCHANGE_FUZZ_RANDOM=1 draws new ones.
DERANDOMIZE = not os.environ.get("EXCHANGE_FUZZ_RANDOM")
PLACEHOLDER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
# Names the pages and the API read, so that generated queries reach their parsing.
PARAMETERS = (
    "page", "per_page", "q", "season", "program", "region", "nmo", "lc", "state", "queue",
    "sort", "direction", "month", "host", "home", "card", "due", "late", "kind", "status",
    "balance_page", "balance_nmo", "next", "fee", "all_seasons", "figure", "format",
)  # fmt: skip
FIELDS = (
    "name", "email", "password", "password_again", "reason", "code", "acronym", "title",
    "capacity", "month", "slots", "fee_amount", "points", "application_id", "slot",
    "placement_id", "kind", "text", "amount", "paid_on", "nmo_id", "lc_id", "program_id",
    "season_id", "year_of_study", "months", "motivation", "token-token_name",
)  # fmt: skip
KNOWN_TEXT = ("CROMSIC", "SLOMSIC", "SCOPE", "SCORE", "2026-27", "2026/27", "funnel", "all")
REFUSED = (401, 403)

texts = st.text(max_size=24)
numbers = st.integers(min_value=-(2**70), max_value=2**70).map(str)
values = st.one_of(texts, numbers, st.sampled_from((*KNOWN_TEXT, "", "1", "0", "-1")))


def _path_value(converter: str | None, known_ids: list[int], code: str):
    if converter == "int":
        return st.one_of(st.sampled_from(known_ids), numbers)
    return st.one_of(st.sampled_from((*KNOWN_TEXT, code)), st.text(min_size=1, max_size=24))


@st.composite
def requests(draw, rule: str, method: str, known_ids: list[int], code: str):
    path = rule
    for match in PLACEHOLDER.finditer(rule):
        value = str(draw(_path_value(match.group(1), known_ids, code)))
        path = path.replace(match.group(0), quote(value, safe="") or "x", 1)
    query = draw(st.dictionaries(st.one_of(st.sampled_from(PARAMETERS), texts), values, max_size=4))
    form = {}
    if method != "GET":
        form = draw(st.dictionaries(st.one_of(st.sampled_from(FIELDS), texts), values, max_size=6))
    identity = draw(st.sampled_from(IDENTITIES))
    return path + ("?" + urlencode(query) if query else ""), form, identity


def _fingerprint() -> tuple:
    """Every table's row count, and its latest change where it keeps one."""
    found = []
    for name in sorted(inspect(db.engine).get_table_names()):
        columns = {c["name"] for c in inspect(db.engine).get_columns(name)}
        bare = table(name)
        found.append(db.session.scalar(select(func.count()).select_from(bare)))
        if "updated_at" in columns:
            latest = select(func.max(column("updated_at"))).select_from(bare)
            found.append(db.session.scalar(latest))
    return tuple(found)


@pytest.fixture
def clients(app, world):
    """A client for each identity, logged in once; and an application to aim at."""
    application = builders.application(world.student, world.federation.host)
    db.session.commit()
    made = {None: app.test_client()}
    for role in Role:
        made[role] = app.test_client()
        assert log_in(made[role], world.federation.by_role(role).email).status_code == 302
    return made, application.code


@pytest.mark.parametrize(("endpoint", "rule", "method"), ROUTES)
def test_a_route_survives_whatever_it_is_sent(clients, endpoint, rule, method):
    by_identity, code = clients

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=DERANDOMIZE,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(requests(rule, method, [1, 2, 3], code))
    def one(sent):
        url, form, identity = sent
        before = _fingerprint() if method != "GET" else None
        response = by_identity[identity].open(url, method=method, data=form)
        assert response.status_code < 500, (url, form, identity)
        refused = response.status_code in REFUSED or "/login?next=" in response.headers.get(
            "Location", ""
        )
        if before is not None and refused:
            db.session.expire_all()
            assert _fingerprint() == before, f"a refused {method} {url} changed the database"

    one()
