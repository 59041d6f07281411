"""A small federation with one account per role, and logging in through the real form."""

from dataclasses import dataclass

import pytest

from exchange.auth.models import Role, User
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee
from tests import builders


@dataclass
class Federation:
    home: NMO
    host: NMO
    home_lc: LocalCommittee
    host_lc: LocalCommittee
    student: User
    local_officer: User
    national_officer: User
    admin: User

    def by_role(self, role: Role) -> User:
        return getattr(self, role.value)


@pytest.fixture
def federation(app) -> Federation:
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    home_lc = builders.lc(home, "LC Zagreb", "Zagreb")
    host_lc = builders.lc(host, "LC Ljubljana", "Ljubljana")
    builders.season()
    made = Federation(
        home=home,
        host=host,
        home_lc=home_lc,
        host_lc=host_lc,
        student=builders.user(Role.STUDENT, email="student@example.org", lc_=home_lc),
        local_officer=builders.user(Role.LOCAL_OFFICER, email="leo@example.org", lc_=home_lc),
        national_officer=builders.user(Role.NATIONAL_OFFICER, email="neo@example.org", nmo_=home),
        admin=builders.user(Role.ADMIN, email="admin@example.org"),
    )
    db.session.commit()
    return made


def log_in(client, email: str, password: str = builders.PASSWORD, **extra):
    return client.post("/login", data={"email": email, "password": password, **extra})


@pytest.fixture
def login(client):
    """Log the test client in as a user, through the login form."""

    def _login(user: User):
        response = log_in(client, user.email)
        assert response.status_code == 302, response.get_data(as_text=True)
        return client

    return _login


# The application cycle's world and a date before the season, for every functional test.
from tests.functional.steps import spring, world  # noqa: E402, F401
