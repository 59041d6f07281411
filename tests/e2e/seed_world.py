"""The small, deterministic world the browser tests run in, written into the database that
``EXCHANGE_DATABASE_URL`` names (already built by ``flask db upgrade``).

Run from the project root: ``python -m tests.e2e.seed_world``. It prints, as JSON, what the
test needs to know about the world: the accounts and the month of the exchange.

The month is chosen from today's date, so the journey keeps working as time passes: the first
month that starts at least nine weeks from today, so the application deadline (four weeks
ahead) has not passed and the card of acceptance (due eight weeks ahead) is not late.
"""

import json
from datetime import date, timedelta

from exchange import clock
from exchange.app import create_app
from exchange.auth.models import Role
from exchange.extensions import db
from exchange.months import format_month, month_name
from tests import builders

STUDENT = "ana.horvat@example.org"
HOME_NEO = "neo.cromsic@example.org"
HOST_NEO = "neo.slomsic@example.org"
HOST_LEO = "leo.ljubljana@example.org"


def exchange_start(today: date) -> date:
    """The first day of the first month that starts at least nine weeks after today."""
    earliest = today + timedelta(weeks=9)
    if earliest.day == 1:
        return earliest
    return (earliest.replace(day=1) + timedelta(days=32)).replace(day=1)


def season_code(day: date) -> str:
    """The season (1 April to 31 March) that contains ``day``, e.g. "2026/27"."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}/{(start + 1) % 100:02d}"


def personal_data(today: date) -> dict:
    """The personal data form's fields, as the browser fills them in (dates in ISO)."""
    values = builders.PERSONAL_DATA | {
        "date_of_birth": today.replace(year=today.year - 22, day=1),
        "passport_expires_on": today.replace(year=today.year + 5, day=1),
    }
    fields = {k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()}
    return fields | {"languages": [dict(language) for language in builders.LANGUAGES]}


def seed() -> dict:
    starts_on = exchange_start(clock.today())
    month = starts_on.month
    next_month = month % 12 + 1
    code = season_code(starts_on)

    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    zagreb = builders.lc(home, "LC Zagreb", "Zagreb")
    ljubljana = builders.lc(host, "LC Ljubljana", "Ljubljana")
    builders.season(code)
    builders.user(Role.STUDENT, email=STUDENT, name="Ana Horvat", lc_=zagreb)
    builders.user(Role.NATIONAL_OFFICER, email=HOME_NEO, name="Ivan Kovač", nmo_=home)
    builders.user(Role.NATIONAL_OFFICER, email=HOST_NEO, name="Maja Novak", nmo_=host)
    builders.user(Role.LOCAL_OFFICER, email=HOST_LEO, name="Luka Zupan", lc_=ljubljana)

    builders.contract(home, host, slots={month: 2, next_month: 1}, season_code=code)
    builders.exchange_conditions(host, season_code=code, lead_weeks=4, required_documents=("cv",))
    capacity = {month: 2, next_month: 2}
    for title in ("Cardiology", "Neurology", "Paediatrics"):
        builders.department(ljubljana, title, capacity=capacity, season_code=code)
    db.session.commit()

    arrival = starts_on - timedelta(days=1)
    return {
        # What the student types on the personal data page: born 22 years ago, a passport
        # valid five years more, Croatian and English with their levels.
        "personal": personal_data(clock.today()),
        "password": builders.PASSWORD,
        "student": {"email": STUDENT, "name": "Ana Horvat"},
        "home_neo": {"email": HOME_NEO, "name": "Ivan Kovač"},
        "host_neo": {"email": HOST_NEO, "name": "Maja Novak"},
        "host_leo": {"email": HOST_LEO, "name": "Luka Zupan"},
        "season": code,
        "month": month,
        "month_name": month_name(month),
        "month_label": format_month(starts_on),  # as the application form names it
        "starts_on": starts_on.isoformat(),
        "ends_on": (starts_on + timedelta(weeks=4)).isoformat(),
        "arrival_at": f"{arrival.isoformat()}T15:00",
    }


def main() -> None:
    app = create_app()
    with app.app_context():
        world = seed()
        db.session.remove()
        db.engine.dispose()
    print(json.dumps(world))


if __name__ == "__main__":
    main()
