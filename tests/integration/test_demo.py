"""The demo federation: its size, its rules, and that the same seed builds the same data."""

import csv
import hashlib
import re
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from werkzeug.security import check_password_hash

from exchange.applications.codes import application_code
from exchange.applications.fees import fee_asked, unpaid_fee_condition
from exchange.applications.models import (
    Application,
    ApplicationCounter,
    Evaluation,
    Preference,
    StateTransition,
)
from exchange.applications.permissions import actors_for
from exchange.applications.queues import queue_scope
from exchange.applications.states import TRANSITIONS, Action, Actor, State
from exchange.auth.models import Membership, Role, User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractEvent, ContractKind, ContractSlot
from exchange.demo import (
    DEMO_PASSWORD,
    NMOS_CSV,
    database_is_empty,
    demo_logins,
    seed_demo,
)
from exchange.errors import DomainError
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.placements.models import Department, Placement, PlacementCapacity, PlacementKind
from tests import builders
from tests.conftest import SUITE_NOW, _empty_tables

APPLICATIONS = 300
NOMINATED_OR_LATER = {
    State.NOMINATED,
    State.ACCEPTED,
    State.CONFIRMED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.CERTIFIED,
}
ACCEPTED_OR_LATER = NOMINATED_OR_LATER - {State.NOMINATED}
CONFIRMED_OR_LATER = ACCEPTED_OR_LATER - {State.ACCEPTED}
COMPLETED_OR_LATER = {State.COMPLETED, State.CERTIFIED}


def _digest() -> str:
    home, host = sa.orm.aliased(NMO), sa.orm.aliased(NMO)
    rows = db.session.execute(
        select(
            Application.code,
            Application.state,
            home.code,
            host.code,
            Application.exchange_month,
            Application.starts_on,
            Application.created_at,
            User.email,
        )
        .join(home, Application.home_nmo_id == home.id)
        .join(host, Application.host_nmo_id == host.id)
        .join(User, Application.student_id == User.id)
        .order_by(Application.code)
    ).all()
    lcs = db.session.scalars(select(LocalCommittee.name).order_by(LocalCommittee.id)).all()
    slots = db.session.execute(
        select(ContractSlot.contract_id, ContractSlot.month, ContractSlot.slots).order_by(
            ContractSlot.contract_id, ContractSlot.month
        )
    ).all()
    return hashlib.sha256(repr((rows, lcs, slots)).encode()).hexdigest()


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _programs() -> dict[int, Program]:
    return {program.id: program for program in db.session.scalars(select(Program))}


def programs_of(applications) -> list[str]:
    return [application.program.code for application in applications]


class TestTheDemoSeededOnce:
    """The demo seeded once, for tests that only read it.

    The fixture is class-scoped rather than module-scoped: the module's other tests seed
    demos of their own on empty tables, and a class's tests run one after the other, the
    fixture torn down as soon as they are done (whatever order they run in).
    """

    @pytest.fixture(scope="class")
    @classmethod
    def demo(cls, app):
        # A class-scoped fixture is set up before the suite's clock travels to SUITE_NOW
        # for the test: the seed travels there itself, as each test of the class does.
        with time_machine.travel(SUITE_NOW, tick=True):
            summary = seed_demo(applications=APPLICATIONS)
            db.session.commit()
        yield summary
        _empty_tables()

    @pytest.fixture
    def seeded(self, demo, keep_tables):
        """``demo``'s summary; ``keep_tables``: the tables are not emptied after the test."""
        return demo

    def test_the_federation_has_the_size_of_the_real_one(self, seeded):
        assert _count(NMO) == 130
        assert 900 <= _count(LocalCommittee) <= 1100
        lcs_per_nmo = db.session.execute(
            select(LocalCommittee.nmo_id, func.count()).group_by(LocalCommittee.nmo_id)
        ).all()
        assert len(lcs_per_nmo) == 130
        assert all(5 <= count <= 20 for _, count in lcs_per_nmo)
        assert 4000 <= _count(Placement, Placement.kind == PlacementKind.DEPARTMENT) <= 6000
        assert 2800 <= _count(Placement, Placement.kind == PlacementKind.RESEARCH_PROJECT) <= 4200
        assert _count(PlacementCapacity) == 12 * _count(Placement)
        assert _count(Season) == 1
        assert _count(Application) == APPLICATIONS
        assert "130 NMOs" in seeded
        assert f"{APPLICATIONS} applications" in seeded

    def test_every_nmo_of_the_csv_is_there_with_a_valid_code(self, seeded):
        with NMOS_CSV.open(encoding="utf-8", newline="") as file:
            rows = list(csv.DictReader(file))
        nmos = db.session.scalars(select(NMO)).all()
        acronyms = {nmo.acronym for nmo in nmos}
        assert {row["acronym"] for row in rows if row["acronym"]} <= acronyms
        by_country = Counter(nmo.country_name for nmo in nmos)
        assert all(by_country[row["country"]] >= 1 for row in rows)
        assert all(nmo.name for nmo in nmos)
        codes = [nmo.code for nmo in nmos]
        assert len(set(codes)) == len(codes)
        assert all(re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,23}", code) for code in codes)
        assert "CROMSIC" in codes
        assert {nmo.region.name for nmo in nmos} == {
            "Africa",
            "Americas",
            "Asia-Pacific",
            "Eastern Mediterranean",
            "Europe",
        }
        in_score = [nmo for nmo in nmos if "SCORE" in {p.code for p in nmo.programs}]
        assert 90 <= len(in_score) < 130
        assert all("SCOPE" in {p.code for p in nmo.programs} for nmo in nmos)

    def test_contracts_conditions_and_officers_fit_the_programs(self, seeded):
        programs = _programs()
        nmos = db.session.scalars(select(NMO)).all()
        taking_part = {(nmo.id, p.id) for nmo in nmos for p in nmo.programs}

        contracts = db.session.scalars(select(Contract)).all()
        per_nmo = Counter()
        for contract in contracts:
            assert (contract.sending_nmo_id, contract.program_id) in taking_part
            assert (contract.host_nmo_id, contract.program_id) in taking_part
            assert contract.total_slots >= 1
            per_nmo[contract.sending_nmo_id] += 1
            per_nmo[contract.host_nmo_id] += 1
        assert 50 <= sum(per_nmo.values()) / len(nmos) <= 80
        by_pair = {(c.program_id, c.sending_nmo_id, c.host_nmo_id): c for c in contracts}
        for contract in contracts:
            if contract.kind == ContractKind.BILATERAL:
                back = by_pair[(contract.program_id, contract.host_nmo_id, contract.sending_nmo_id)]
                assert back.kind == ContractKind.BILATERAL
                assert {s.month: s.slots for s in back.slots} == {
                    s.month: s.slots for s in contract.slots
                }
        scope = next(p for p in programs.values() if p.code == "SCOPE")
        assert sum(c.program_id == scope.id for c in contracts) > len(contracts) / 2

        conditions = db.session.scalars(select(ExchangeConditions)).all()
        assert {(ec.nmo_id, ec.program_id) for ec in conditions} == taking_part
        assert all(8 <= ec.application_lead_weeks <= 16 for ec in conditions)
        assert all({"cv", "motivation_letter"} <= set(ec.required_documents) for ec in conditions)

        memberships = db.session.scalars(select(Membership)).all()
        roles = Counter(m.role for m in memberships)
        assert roles[Role.ADMIN] == 1
        national = {
            (m.nmo_id, m.program_id) for m in memberships if m.role == Role.NATIONAL_OFFICER
        }
        assert national == taking_part
        local = Counter(
            (m.lc_id, m.program_id) for m in memberships if m.role == Role.LOCAL_OFFICER
        )
        lcs = db.session.scalars(select(LocalCommittee)).all()
        expected = {
            (lc.id, p_id) for lc in lcs for nmo_id, p_id in taking_part if nmo_id == lc.nmo_id
        }
        assert set(local) == expected
        assert set(local.values()) == {1}

    def test_applications_obey_slots_capacities_and_cards(self, seeded):
        programs = _programs()
        season = db.session.scalar(select(Season))
        applications = db.session.scalars(select(Application)).all()
        # On the suite's day, 15 April, no exchange of the season has ended yet: none can be
        # completed or certified. Every other state is there.
        assert {a.state for a in applications} == set(State) - COMPLETED_OR_LATER

        contracts = {c.id: c for c in db.session.scalars(select(Contract))}
        pairs = {(c.program_id, c.sending_nmo_id, c.host_nmo_id) for c in contracts.values()}
        slots = {
            (s.contract_id, s.month): s.slots for s in db.session.scalars(select(ContractSlot))
        }
        placements = {p.id: p for p in db.session.scalars(select(Placement))}
        capacity = {
            (c.placement_id, c.month): c.capacity
            for c in db.session.scalars(select(PlacementCapacity))
        }
        evaluated = set(db.session.scalars(select(Evaluation.application_id)))
        preferences = defaultdict(list)
        for preference in db.session.scalars(select(Preference).order_by(Preference.rank)):
            preferences[preference.application_id].append(preference)

        slot_use, place_use = Counter(), Counter()
        for application in applications:
            program = programs[application.program_id]
            kind = PlacementKind.DEPARTMENT if program.code == "SCOPE" else "research_project"
            assert application.home_nmo_id != application.host_nmo_id
            assert (program.id, application.home_nmo_id, application.host_nmo_id) in pairs
            assert application.months
            ranked = preferences[application.id]
            assert [p.rank for p in ranked] == list(range(1, len(ranked) + 1))
            assert len(ranked) <= (4 if program.code == "SCOPE" else 3)
            for preference in ranked:
                assert placements[preference.placement_id].nmo_id == application.host_nmo_id
                assert placements[preference.placement_id].kind == kind
            if application.contract_id is not None:
                contract = contracts[application.contract_id]
                assert contract.program_id == program.id
                assert contract.sending_nmo_id == application.home_nmo_id
                assert contract.host_nmo_id == application.host_nmo_id
                assert slots[(contract.id, application.exchange_month)] > 0
            if application.state in NOMINATED_OR_LATER:
                assert application.exchange_month in application.months
                slot_use[(application.contract_id, application.exchange_month)] += 1
            if application.state in ACCEPTED_OR_LATER:
                placement = placements[application.placement_id]
                assert placement.nmo_id == application.host_nmo_id
                assert placement.kind == kind
                assert application.placement_id in {p.placement_id for p in ranked}
                month = application.exchange_month
                assert capacity[(placement.id, month)] > 0
                place_use[(placement.id, month)] += 1
                first_day = season.month_date(month)
                assert (application.starts_on.year, application.starts_on.month) == (
                    first_day.year,
                    first_day.month,
                )
                weeks = 4 if program.code == "SCOPE" else placement.weeks
                assert application.ends_on - application.starts_on == timedelta(weeks=weeks)
                assert application.contact_person
            if application.state in CONFIRMED_OR_LATER:
                assert application.arrival_local and application.arrival_transport
            assert (application.id in evaluated) == (application.state in COMPLETED_OR_LATER)
        assert slot_use and place_use
        assert all(used <= slots[key] for key, used in slot_use.items())
        assert all(used <= capacity[key] for key, used in place_use.items())
        # The counts the services keep agree with the applications that hold slots and places.
        recorded_slots = {
            (s.contract_id, s.month): s.used for s in db.session.scalars(select(ContractSlot))
        }
        assert {key: n for key, n in recorded_slots.items() if n} == dict(slot_use)
        recorded_places = {
            (c.placement_id, c.month): c.used for c in db.session.scalars(select(PlacementCapacity))
        }
        assert {key: n for key, n in recorded_places.items() if n} == dict(place_use)

    def test_card_deadlines_are_set_as_the_services_set_them(self, seeded):
        for application in db.session.scalars(select(Application)):
            if application.state in NOMINATED_OR_LATER:
                assert application.ca_due_on is not None
            if application.state in ACCEPTED_OR_LATER:
                month_start = application.starts_on.replace(day=1)
                assert application.ca_due_on == month_start - timedelta(weeks=8)
                assert application.cc_due_on == application.starts_on - timedelta(weeks=4)
                assert application.ca_late == (
                    application.accepted_at.date() > application.ca_due_on
                )
            if application.state in CONFIRMED_OR_LATER:
                assert application.cc_late == (
                    application.confirmed_at.date() > application.cc_due_on
                )
        late = db.session.scalar(select(func.count()).where(Application.ca_late))
        assert late > 0  # the demo has late cards to show

    def test_cards_name_tutor_meeting_point_signer_and_fees_paid(self, seeded):
        memberships = {
            m.user_id: m
            for m in db.session.scalars(
                select(Membership).options(
                    selectinload(Membership.program),
                    selectinload(Membership.nmo),
                    selectinload(Membership.lc),
                )
            )
        }
        placements = {p.id: p for p in db.session.scalars(select(Placement))}
        unpaid = set(db.session.scalars(select(Application.id).where(unpaid_fee_condition())))
        paid = 0
        for a in db.session.scalars(select(Application)):
            if a.state in ACCEPTED_OR_LATER:
                assert a.tutor and a.meeting_point, a.code
                signer = memberships[a.accepted_by_id]
                assert a.accepted_by_role == signer.title, a.code
                assert signer.nmo_id == a.host_nmo_id and signer.program_id == a.program_id
                placement = placements[a.placement_id]
                assert signer.lc_id in (None, placement.lc_id), a.code
                if placement.kind == PlacementKind.RESEARCH_PROJECT:
                    assert a.tutor == placement.supervisor, a.code
            if a.fee_paid_on is not None:
                paid += 1
                assert a.confirmed_at is not None and a.id not in unpaid, a.code
                conditions = db.session.scalar(
                    select(ExchangeConditions).where(
                        ExchangeConditions.nmo_id == a.host_nmo_id,
                        ExchangeConditions.program_id == a.program_id,
                        ExchangeConditions.season_id == a.season_id,
                    )
                )
                asked = fee_asked(a, conditions)
                assert asked is not None, a.code
                assert a.fee_paid_amount == (asked.amount or 200), a.code
                assert a.fee_paid_currency == asked.currency, a.code
                assert a.nominated_at.date() <= a.fee_paid_on <= a.starts_on, a.code
                assert a.fee_recorded_by_id == a.accepted_by_id, a.code
        assert paid > 0
        assert unpaid  # some fees are still to be paid

    def test_histories_follow_the_state_machine(self, seeded):
        applications = {a.id: a for a in db.session.scalars(select(Application))}
        officers = defaultdict(set)  # user id -> NMO ids they act for
        for membership in db.session.scalars(select(Membership)):
            if membership.role in (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER):
                officers[membership.user_id].add(membership.nmo_id)
        history = defaultdict(list)
        for row in db.session.scalars(select(StateTransition).order_by(StateTransition.id)):
            history[row.application_id].append(row)

        assert set(history) == set(applications)
        for application_id, rows in history.items():
            application = applications[application_id]
            first, *steps = rows
            assert (first.action, first.from_state, first.to_state) == ("create", None, State.DRAFT)
            assert first.created_at == application.created_at
            state, when = State.DRAFT, first.created_at
            for row in steps:
                transition = TRANSITIONS[(State(row.from_state), Action(row.action))]
                assert row.from_state == state
                assert row.to_state == transition.target
                assert row.created_at > when
                if transition.needs_reason:
                    assert row.reason
                if row.actor_id == application.student_id:
                    assert "student" in transition.actors
                else:
                    assert officers[row.actor_id] & {
                        application.home_nmo_id,
                        application.host_nmo_id,
                    }
                state, when = row.to_state, row.created_at
            assert state == application.state
            assert application.updated_at == when

    def test_codes_are_well_formed_and_counters_in_step(self, seeded):
        programs = _programs()
        season = db.session.scalar(select(Season))
        applications = db.session.scalars(select(Application)).all()
        codes = [a.code for a in applications]
        assert len(set(codes)) == len(codes)
        numbers = defaultdict(list)
        for application in applications:
            program = programs[application.program_id]
            assert application.code == application_code(
                program.code_prefix, "2627", application.number
            )
            numbers[program.id].append(application.number)
        counters = db.session.scalars(
            select(ApplicationCounter).where(ApplicationCounter.season_id == season.id)
        ).all()
        assert {c.program_id: c.last_number for c in counters if c.last_number} == {
            program_id: max(used) for program_id, used in numbers.items()
        }
        for used in numbers.values():
            assert sorted(used) == list(range(1, len(used) + 1))

    def test_demo_logins_exist_with_interesting_data(self, seeded):
        logins = dict(demo_logins())
        assert set(logins) == {"admin", "national officer", "local officer", "student"}
        users = {
            label: db.session.scalar(select(User).where(User.email == email))
            for label, email in logins.items()
        }
        for user in users.values():
            assert user is not None
            assert check_password_hash(user.password_hash, DEMO_PASSWORD)
        assert len(DEMO_PASSWORD) >= 10
        assert users["admin"].is_admin
        neo = users["national officer"].memberships[0]
        assert neo.role == Role.NATIONAL_OFFICER
        assert neo.program.code == "SCOPE"
        assert neo.nmo.acronym == "CroMSIC"
        leo = users["local officer"].memberships[0]
        assert (leo.role, leo.nmo_id, leo.program.code) == (Role.LOCAL_OFFICER, neo.nmo_id, "SCOPE")
        student = users["student"].memberships[0]
        assert (student.role, student.nmo_id) == (Role.STUDENT, neo.nmo_id)

        own = db.session.scalars(
            select(Application).where(Application.student_id == users["student"].id)
        ).all()
        # One application per program and season: a SCOPE exchange on its way, a SCORE one.
        assert sorted(programs_of(own)) == ["SCOPE", "SCORE"]
        assert len({a.state for a in own}) == 2
        scope = next(a for a in own if a.program.code == "SCOPE")
        assert scope.state == State.ACCEPTED  # a CA to read, a CC to send
        assert all(a.home_lc_id == student.lc_id for a in own)
        assert _count(Application, Application.home_nmo_id == neo.nmo_id) >= 5
        assert _count(Application, Application.host_nmo_id == neo.nmo_id) >= 3

    def test_rows_added_after_the_seed_get_fresh_ids(self, seeded, rolled_back):
        """The seed writes its own ids; PostgreSQL's sequences must still hand out unused ones.

        The rows are added in ``rolled_back``'s transaction, so that the class's other tests
        read the demo as it was seeded.
        """
        croatia = db.session.scalar(select(NMO).where(NMO.code == "CROMSIC"))
        made_nmo = builders.nmo(code="NEW-NMO")
        made_lc = builders.lc(croatia, name="LC New")
        student = builders.user(Role.STUDENT, lc_=made_lc)
        made_contract = builders.contract(croatia, made_nmo)
        department = Department(
            nmo_id=croatia.id,
            lc_id=made_lc.id,
            title="Cardiology",
            field="Cardiology",
            city="Zagreb",
            hospital="University Hospital Zagreb",
        )
        db.session.add(department)
        scope = next(p for p in _programs().values() if p.code == "SCOPE")
        application = Application(
            code="P-2627-99999",
            number=99999,
            student_id=student.id,
            program_id=scope.id,
            season_id=db.session.scalar(select(Season.id)),
            home_nmo_id=croatia.id,
            home_lc_id=made_lc.id,
            host_nmo_id=made_nmo.id,
        )
        db.session.add(application)
        db.session.commit()
        for made in (made_nmo, made_lc, student, made_contract, department, application):
            assert made.id == db.session.scalar(select(func.max(type(made).id)))

    def test_the_queues_show_each_officer_exactly_what_they_may_see(self, seeded):
        """The lists (SQL) and the application page (actors_for, Python) apply one rule."""
        applications = db.session.scalars(
            select(Application).options(
                selectinload(Application.placement),
                selectinload(Application.preferences).selectinload(Preference.placement),
            )
        ).all()
        officers = db.session.scalars(
            select(User)
            .join(Membership)
            .where(Membership.role.in_([Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER]))
            .order_by(User.id)
        ).all()
        checked = 0
        for officer in officers[::7]:
            listed = set(
                db.session.scalars(
                    select(Application.id).where(
                        sa.or_(queue_scope(officer, "outgoing"), queue_scope(officer, "incoming"))
                    )
                )
            )
            allowed = {
                a.id for a in applications if actors_for(officer, a) - {Actor.STUDENT, Actor.ADMIN}
            }
            assert listed == allowed, officer.email
            checked += bool(allowed)
        assert checked > 10  # the sample saw officers with applications to see


def test_the_same_seed_builds_the_same_federation(app):
    seed_demo(applications=APPLICATIONS, seed=7)
    db.session.commit()
    first = _digest()
    _empty_tables()
    seed_demo(applications=APPLICATIONS, seed=7)
    db.session.commit()
    assert _digest() == first
    _empty_tables()
    seed_demo(applications=APPLICATIONS, seed=8)
    db.session.commit()
    assert _digest() != first


def test_seed_demo_refuses_a_database_with_nmos(app):
    builders.nmo()
    assert not database_is_empty()
    with pytest.raises(DomainError):
        seed_demo(applications=10)


def test_seed_demo_refuses_a_malformed_season(app):
    assert database_is_empty()
    with pytest.raises(DomainError):
        seed_demo(season_code="2026-27", applications=10)


# ---- the calendar: the demo stands on today's date

TIMESTAMPS = (
    "created_at",
    "updated_at",
    "submitted_at",
    "nominated_at",
    "accepted_at",
    "confirmed_at",
    "arrived_at",
    "completed_at",
    "certified_at",
    "closed_at",
)
CLOSED = {State.REJECTED, State.WITHDRAWN, State.CANCELLED}
UNDER_WAY = {State.IN_PROGRESS, State.COMPLETED, State.CERTIFIED}


def _seed_on(moment: datetime, **options) -> str:
    """Seed the demo on ``moment``, with the clock stopped there."""
    with time_machine.travel(moment, tick=False):
        summary = seed_demo(**options)
        db.session.commit()
    return summary


def _assert_keeps_to_the_calendar(now: datetime) -> None:
    """Nothing of the demo is dated after ``now``, and no application is further on than
    its dates allow on ``now``'s day."""
    today = now.date()
    seasons = {season.id: season for season in db.session.scalars(select(Season))}
    lead_weeks = {
        (ec.nmo_id, ec.program_id, ec.season_id): ec.application_lead_weeks
        for ec in db.session.scalars(select(ExchangeConditions))
    }
    applications = {a.id: a for a in db.session.scalars(select(Application))}
    for a in applications.values():
        for name in TIMESTAMPS:
            value = getattr(a, name)
            assert value is None or value <= now, (a.code, name, value)
        if a.starts_on is not None and a.starts_on > today:
            assert a.state not in UNDER_WAY, a.code  # at most confirmed
        if a.state == State.IN_PROGRESS:
            assert a.starts_on <= today < a.ends_on, a.code
        if a.state in COMPLETED_OR_LATER:
            assert a.ends_on < today, a.code
            assert a.completed_at.date() >= a.ends_on, a.code
        if a.state == State.CERTIFIED:
            assert a.certified_at > a.completed_at, a.code
        if a.arrived_at is not None:
            assert a.arrived_at.date() >= a.starts_on, a.code
        if a.confirmed_at is not None:
            assert a.confirmed_at.date() < a.starts_on, a.code
        if a.accepted_at is not None:
            assert a.ca_late == (a.accepted_at.date() > a.ca_due_on), a.code
        if a.state in CLOSED and a.arrived_at is not None:
            assert a.closed_at.date() < a.ends_on, a.code
        elif a.state in CLOSED and a.starts_on is not None:
            assert a.closed_at.date() <= a.starts_on, a.code
        if a.submitted_at is not None and a.exchange_month is not None:
            month_start = seasons[a.season_id].month_date(a.exchange_month)
            weeks = lead_weeks[(a.host_nmo_id, a.program_id, a.season_id)]
            assert a.submitted_at.date() <= month_start - timedelta(weeks=weeks), a.code
    for row in db.session.scalars(select(StateTransition)):
        application = applications[row.application_id]
        assert row.created_at <= now
        if row.to_state == State.IN_PROGRESS:
            assert row.created_at.date() >= application.starts_on
        if row.to_state in COMPLETED_OR_LATER:
            assert row.created_at.date() >= application.ends_on
    for column in (
        Evaluation.submitted_at,
        Contract.created_at,
        ContractEvent.created_at,
        ExchangeConditions.updated_at,
        User.created_at,
        Membership.created_at,
        NMO.created_at,
        LocalCommittee.created_at,
        Placement.created_at,
    ):
        latest = db.session.scalar(select(func.max(column)))
        assert latest is None or latest <= now, column


def _states_of(season_code: str) -> Counter:
    return Counter(
        db.session.scalars(select(Application.state).join(Season).where(Season.code == season_code))
    )


@pytest.mark.parametrize(
    ("moment", "season_code"),
    [
        (datetime(2026, 12, 1, 12, 0, tzinfo=UTC), "2026/27"),
        (datetime(2027, 4, 1, 0, 30, tzinfo=UTC), "2027/28"),
        (datetime(2027, 3, 31, 23, 30, tzinfo=UTC), "2026/27"),
    ],
)
def test_the_demo_builds_the_season_of_today(app, moment, season_code):
    summary = _seed_on(moment, applications=40)
    assert db.session.scalars(select(Season.code)).all() == [season_code]
    short = season_code[2:4] + season_code[5:7]
    codes = db.session.scalars(select(Application.code)).all()
    assert len(codes) == 40
    assert all(code[2:6] == short for code in codes)
    assert f"season {season_code}" in summary
    season = db.session.scalar(select(Season))
    assert season.applications_open
    _assert_keeps_to_the_calendar(moment)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        # Late May: the first exchanges of the season have ended, and next winter's
        # applications are being written: every state is there.
        (datetime(2026, 5, 20, 15, 0, tzinfo=UTC), set(State)),
        # Late March: every exchange of the season has started; what is left are
        # exchanges under way, their evaluations and certificates, and closed ones.
        (
            datetime(2027, 3, 25, 18, 0, tzinfo=UTC),
            {State.IN_PROGRESS, State.COMPLETED, State.CERTIFIED} | CLOSED,
        ),
    ],
)
def test_nothing_is_dated_after_now_nor_ahead_of_the_calendar(app, moment, expected):
    _seed_on(moment, applications=APPLICATIONS)
    _assert_keeps_to_the_calendar(moment)
    assert set(_states_of("2026/27")) == expected


def test_seasons_are_consecutive_and_end_with_the_current_one(app):
    now = datetime(2026, 4, 15, 9, 0, tzinfo=UTC)
    summary = _seed_on(now, applications=120, seasons=3)
    assert "seasons 2024/25 to 2026/27" in summary
    seasons = db.session.scalars(select(Season).order_by(Season.starts_on)).all()
    assert [s.code for s in seasons] == ["2024/25", "2025/26", "2026/27"]
    assert [s.applications_open for s in seasons] == [False, False, True]
    _assert_keeps_to_the_calendar(now)

    # The same NMOs, LCs, placements and officers; conditions, contracts and capacities
    # per season.
    assert _count(NMO) == 130
    nmos = db.session.scalars(select(NMO)).all()
    taking_part = sum(len(nmo.programs) for nmo in nmos)
    assert _count(Membership, Membership.role == Role.NATIONAL_OFFICER) == taking_part
    for season in seasons:
        assert _count(ExchangeConditions, ExchangeConditions.season_id == season.id) == taking_part
        assert _count(Contract, Contract.season_id == season.id) > 3000
        assert _count(PlacementCapacity, PlacementCapacity.season_id == season.id) == 12 * _count(
            Placement
        )
        assert _count(Application, Application.season_id == season.id) == 120

    # Codes and running numbers per program and season, counters in step.
    programs = _programs()
    numbers = defaultdict(list)
    for application in db.session.scalars(select(Application)):
        season = next(s for s in seasons if s.id == application.season_id)
        program = programs[application.program_id]
        assert application.code == application_code(
            program.code_prefix, season.short_code, application.number
        )
        numbers[(program.id, season.id)].append(application.number)
    for used in numbers.values():
        assert sorted(used) == list(range(1, len(used) + 1))
    counters = {
        (c.program_id, c.season_id): c.last_number
        for c in db.session.scalars(select(ApplicationCounter))
        if c.last_number
    }
    assert counters == {key: max(used) for key, used in numbers.items()}
    assert "P-2425-00001" in db.session.scalars(select(Application.code)).all()

    # Each student applies at most once per program and season; some come back.
    applied = db.session.execute(
        select(Application.student_id, Application.program_id, Application.season_id)
    ).all()
    assert len(set(applied)) == len(applied)
    seasons_of_student = defaultdict(set)
    for student_id, _, season_id in applied:
        seasons_of_student[student_id].add(season_id)
    assert any(len(ids) > 1 for ids in seasons_of_student.values())

    # Earlier seasons are over: mostly certified, some closed, none waiting.
    for code in ("2024/25", "2025/26"):
        states = _states_of(code)
        assert set(states) <= UNDER_WAY | CLOSED
        assert states[State.CERTIFIED] > sum(states.values()) / 2
        assert set(states) & CLOSED

    # The services' counts agree with the applications that hold slots and places.
    holding = Counter(
        db.session.execute(
            select(Application.contract_id, Application.exchange_month).where(
                Application.state.in_(NOMINATED_OR_LATER)
            )
        ).all()
    )
    recorded = {(s.contract_id, s.month): s.used for s in db.session.scalars(select(ContractSlot))}
    assert {key: n for key, n in recorded.items() if n} == dict(holding)


def test_the_same_seed_on_the_same_day_builds_the_same_demo(app):
    morning = datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    _seed_on(morning, applications=APPLICATIONS)
    first = _digest()
    _empty_tables()
    _seed_on(morning + timedelta(hours=12), applications=APPLICATIONS)
    assert _digest() == first
    _empty_tables()
    # A week on, exchanges have moved on in the calendar (May's have begun).
    _seed_on(morning + timedelta(days=7), applications=APPLICATIONS)
    assert _digest() != first


def test_seed_demo_refuses_a_season_to_come(app):
    with pytest.raises(DomainError, match="has not started yet"):
        seed_demo(season_code="2027/28", applications=10)
    with pytest.raises(DomainError):
        seed_demo(applications=10, seasons=0)
    assert database_is_empty()


def test_the_command_seeds_seasons_ending_with_todays(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["exchange", "seed-demo", "--seasons", "2", "--applications", "30"])
    assert result.exit_code == 0, result.output
    assert "seasons 2025/26 to 2026/27" in result.output
    assert db.session.scalars(select(Season.code).order_by(Season.code)).all() == [
        "2025/26",
        "2026/27",
    ]
    again = runner.invoke(args=["exchange", "seed-demo", "--if-empty"])
    assert again.exit_code == 0
    assert "not seeded again" in again.output


def test_the_command_refuses_a_season_to_come(app):
    result = app.test_cli_runner().invoke(
        args=["exchange", "seed-demo", "--season", "2027/28", "--applications", "10"]
    )
    assert result.exit_code != 0
    assert "2027/28 has not started yet" in result.output
    assert database_is_empty()
