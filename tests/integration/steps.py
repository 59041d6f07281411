"""The world the service tests run in, and the steps that bring an application to a state.

The world is a small federation: two NMOs with a SCOPE contract, the host's exchange
conditions and departments, and one account per part. Steps before the one a test is
about go through the builders (straight to the tables) or the services themselves.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from exchange import clock
from exchange.applications import deadlines
from exchange.applications import services as cycle
from exchange.applications.models import Application, Document, StateTransition
from exchange.applications.states import State
from exchange.auth.models import Role, User
from exchange.conditions.models import ExchangeConditions
from exchange.contracts.models import Contract, ContractSlot
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee
from exchange.outbox import OutboxMessage
from exchange.placements.models import (
    Department,
    PlacementCapacity,
    ProjectType,
    ResearchProject,
)
from tests import builders


@dataclass
class World:
    home: NMO
    host: NMO
    home_lc: LocalCommittee
    host_lc: LocalCommittee
    other_lc: LocalCommittee
    student: User
    home_neo: User
    host_neo: User
    host_leo: User
    admin: User
    contract: Contract
    conditions: ExchangeConditions
    department: Department
    other_department: Department

    def slot(self, month: int = 7) -> ContractSlot:
        """The contract's slot row for ``month``, read afresh."""
        return db.session.scalar(
            select(ContractSlot)
            .where(ContractSlot.contract_id == self.contract.id, ContractSlot.month == month)
            .execution_options(populate_existing=True)
        )

    def place(self, department: Department | None = None, month: int = 7) -> PlacementCapacity:
        """The department's capacity row for ``month``, read afresh."""
        return db.session.scalar(
            select(PlacementCapacity)
            .where(
                PlacementCapacity.placement_id == (department or self.department).id,
                PlacementCapacity.month == month,
            )
            .execution_options(populate_existing=True)
        )


def make_world() -> World:
    """CROMSIC (Croatia) sends to SLOMSIC (Slovenia): a SCOPE contract with one slot in
    July and one in August; SLOMSIC's conditions ask for a CV; Cardiology in Ljubljana
    takes one student in July and one in August, Surgery in Maribor one in July."""
    home = builders.nmo("CROMSIC", "HR", "Croatia")
    host = builders.nmo("SLOMSIC", "SI", "Slovenia")
    home_lc = builders.lc(home, "LC Zagreb", "Zagreb")
    host_lc = builders.lc(host, "LC Ljubljana", "Ljubljana")
    other_lc = builders.lc(host, "LC Maribor", "Maribor")
    made = World(
        home=home,
        host=host,
        home_lc=home_lc,
        host_lc=host_lc,
        other_lc=other_lc,
        student=builders.user(Role.STUDENT, email="student@example.org", lc_=home_lc),
        home_neo=builders.user(Role.NATIONAL_OFFICER, email="neo@example.org", nmo_=home),
        host_neo=builders.user(Role.NATIONAL_OFFICER, email="host-neo@example.org", nmo_=host),
        host_leo=builders.user(Role.LOCAL_OFFICER, email="host-leo@example.org", lc_=host_lc),
        admin=builders.user(Role.ADMIN, email="admin@example.org"),
        contract=builders.contract(home, host, slots={7: 1, 8: 1}),
        conditions=builders.exchange_conditions(host, required_documents=("cv",)),
        department=builders.department(host_lc, "Cardiology", capacity={7: 1, 8: 1}),
        other_department=builders.department(other_lc, "Surgery", capacity={7: 1}),
    )
    db.session.commit()
    return made


def research_project(
    of_lc: LocalCommittee, title: str = "Cell biology", capacity: dict[int, int] | None = None
) -> ResearchProject:
    """A SCORE placement (the builders make departments only)."""
    made = ResearchProject(
        nmo_id=of_lc.nmo_id,
        lc=of_lc,
        title=title,
        field="Biology",
        city=of_lc.city,
        supervisor="Prof. Ana Novak",
        project_type=ProjectType.BASIC,
        weeks=4,
        languages=["English"],  # a placement's languages: names only
    )
    made.capacities = [
        PlacementCapacity(season=builders.season(), month=m, capacity=n)
        for m, n in (capacity or {7: 1}).items()
    ]
    db.session.add(made)
    db.session.flush()
    return made


def give_personal_data(application: Application, **changes) -> Application:
    """The personal data and languages a submission needs (builders.PERSONAL_DATA and
    LANGUAGES), written straight to the application, with ``changes``."""
    values = {**builders.PERSONAL_DATA, "languages": [dict(x) for x in builders.LANGUAGES]}
    for name, value in (values | changes).items():
        setattr(application, name, value)
    db.session.flush()
    return application


def another_student(world: World, email: str | None = None) -> User:
    return builders.user(Role.STUDENT, email=email, lc_=world.home_lc)


def submitted(world: World, student: User | None = None, months=(7, 8), **columns) -> Application:
    """A submitted application to the world's host, written straight to the table."""
    return builders.application(
        student or another_student(world),
        world.host,
        state=State.SUBMITTED,
        submitted_at=clock.now(),
        months=list(months),
        **columns,
    )


def nominated(world: World, month: int = 7, student: User | None = None) -> Application:
    """Submitted, then nominated for ``month`` by the home NEO through the service."""
    application = submitted(world, student)
    cycle.nominate_application(world.home_neo, application, month)
    return application


def accepted(
    world: World,
    month: int = 7,
    department: Department | None = None,
    student: User | None = None,
) -> Application:
    """Nominated, then accepted into ``department`` by the host NEO through the service."""
    application = nominated(world, month, student)
    cycle.accept_application(
        world.host_neo,
        application,
        department or world.department,
        builders.season().month_date(month),
        "Dr. Maja Kos",
        None,
    )
    return application


def attach_cv(application: Application) -> Document:
    """A CV row for the application, without a file: submission checks only the kinds."""
    document = Document(
        application=application,
        kind="cv",
        original_filename="cv.pdf",
        stored_name=f"cv{application.id:030d}",
        content_type="application/pdf",
        size_bytes=100,
        sha256="0" * 64,
        uploaded_by_id=application.student_id,
    )
    db.session.add(document)
    db.session.flush()
    return document


def ca_due_for(month: int) -> date:
    return deadlines.ca_due_on(builders.season().month_date(month))


def history_of(application: Application) -> list[tuple[str, State]]:
    """(action, state reached) of each recorded transition, oldest first."""
    return [
        (step.action, step.to_state)
        for step in db.session.scalars(
            select(StateTransition)
            .where(StateTransition.application_id == application.id)
            .order_by(StateTransition.id)
        )
    ]


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def state_of(application: Application) -> State:
    return db.session.scalar(select(Application.state).where(Application.id == application.id))


def subjects_mailed_to(email: str) -> list[str]:
    """The subjects of the messages waiting in the outbox for ``email``, oldest first."""
    return list(
        db.session.scalars(
            select(OutboxMessage.subject)
            .where(OutboxMessage.to_address == email)
            .order_by(OutboxMessage.id)
        )
    )
