"""The lists of applications each viewer works through: who sees what, the filters and the
sort, and what each row shows beside the application (free contract slots, free places,
an unpaid fee). The page and its exports (exchange.applications.exports) share all of it."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import and_, case, false, or_, select
from sqlalchemy.orm import aliased, joinedload

from exchange import clock
from exchange.applications import calendar
from exchange.applications.fees import unpaid_fee_condition
from exchange.applications.models import Application, Preference
from exchange.applications.reminders import (
    CA,
    CC,
    PENDING,
    due_soon_condition,
    overdue_condition,
)
from exchange.applications.states import CLOSED_STATES, NOMINATED_OR_LATER, OPEN_STATES, State
from exchange.auth.models import Role, User
from exchange.contracts.models import Contract, ContractSlot, ContractStatus
from exchange.extensions import db
from exchange.months import format_month, month_name
from exchange.organizations.models import NMO, LocalCommittee, Program, Season
from exchange.organizations.queries import current_season, seasons_newest_first
from exchange.organizations.queries import programs as all_programs
from exchange.placements.models import Placement, PlacementCapacity
from exchange.web.arguments import id_arg
from exchange.web.paging import page_by_id

QUEUES = {
    "mine": "My applications",
    "outgoing": "Outgoing",
    "incoming": "Incoming",
}


def late_condition(card: str, today: date):
    """SQL: ``card`` came after its due date (the flag set when it was issued or sent)."""
    return Application.ca_late if card == CA else Application.cc_late


# ?card=ca|cc&due=...: the card is due soon, overdue, or came late.
CARD_DUE = {"soon": due_soon_condition, "overdue": overdue_condition, "late": late_condition}
CARD_DUE_WORDS = {"soon": "due soon", "overdue": "overdue", "late": "sent late"}
# The state filter's value for every state still on its way (submitted to in progress).
OPEN = "open"
# What each queue shows a national officer (or an admin) first: the applications waiting
# for their decision, to nominate or to place. A local officer decides neither, and sees
# every open application of theirs (see ``default_state``).
DEFAULT_STATE = {"mine": "", "outgoing": State.SUBMITTED.value, "incoming": State.NOMINATED.value}
# Lists order states along the application's life, closed ones last.
STATE_ORDER = (State.DRAFT, State.SUBMITTED, *NOMINATED_OR_LATER, *CLOSED_STATES)


@dataclass(frozen=True)
class Column:
    """One column of a list: ``key`` names what it shows (the page and the exports render
    it by that name), ``sort_key`` the sort its header offers (None: not sortable)."""

    key: str
    title: str
    sort_key: str | None = None
    first_direction: str = "asc"  # what a first click on the header sorts by


def _column(key: str, title: str, sortable: bool = True, first: str = "asc") -> Column:
    return Column(key, title, key if sortable else None, first)


_CODE = _column("code", "Code")
_STUDENT = _column("student", "Student")
_SUBMITTED = _column("submitted", "Submitted")
_MONTH = _column("month", "Month")
_STATE = _column("state", "State")
_FLAGS = _column("flags", "Cards and fee", sortable=False)
COLUMNS: dict[str, tuple[Column, ...]] = {
    "mine": (
        _CODE,
        _STUDENT,
        _column("home", "From"),
        _column("host", "To"),
        _MONTH,
        _STATE,
        _FLAGS,
    ),
    "outgoing": (
        _CODE,
        _STUDENT,
        _column("lc", "LC"),
        _SUBMITTED,
        _column("points", "Points", first="desc"),
        Column("wish", "Host wish and free slots", "host"),
        _MONTH,
        _STATE,
        _FLAGS,
    ),
    "incoming": (
        _CODE,
        _STUDENT,
        _column("home", "From"),
        _column("host", "To"),
        _SUBMITTED,
        _column("wishes", "Placement wishes and free places", sortable=False),
        _MONTH,
        _STATE,
        _FLAGS,
    ),
}
DEFAULT_SORT = "submitted"
SORT_LABELS = {
    "code": "code",
    "student": "student",
    "lc": "LC",
    "home": "sending NMO",
    "host": "host NMO",
    "submitted": "submission date",
    "points": "points",
    "month": "month",
    "state": "state",
}


def late_card_condition(today: date):
    """SQL for an application with a late or overdue card, for lists and reports."""
    return or_(
        Application.ca_late,
        Application.cc_late,
        overdue_condition(CA, today),
        overdue_condition(CC, today),
    )


def outgoing_condition(membership):
    """Applications of an officer's NMO (national) or LC (local) in their program, once
    submitted: a draft is the student's alone."""
    if membership.role == Role.NATIONAL_OFFICER:
        home = Application.home_nmo_id == membership.nmo_id
    else:
        home = Application.home_lc_id == membership.lc_id
    return and_(
        home,
        Application.program_id == membership.program_id,
        Application.submitted_at.is_not(None),
    )


def host_lc_condition(lc_id: int):
    """Applications an LC hosts: placed in it, or waiting for a placement and ranking one
    of its placements."""
    lc_placements = select(Placement.id).where(Placement.lc_id == lc_id)
    ranked_here = select(Preference.application_id).where(
        Preference.placement_id.in_(lc_placements)
    )
    return or_(
        Application.placement_id.in_(lc_placements),
        and_(Application.state == State.NOMINATED, Application.id.in_(ranked_here)),
    )


def incoming_condition(membership):
    """Applications nominated to an officer's NMO (national), or hosted by their LC
    (local: ``host_lc_condition``)."""
    if membership.role == Role.NATIONAL_OFFICER:
        host = Application.host_nmo_id == membership.nmo_id
    else:
        host = host_lc_condition(membership.lc_id)
    return and_(
        host,
        Application.program_id == membership.program_id,
        Application.contract_id.is_not(None),
    )


def queue_scope(user, queue: str):
    """What ``user`` sees in a queue: the union over their officer roles, the same rule as
    exchange.auth.permissions.actors_for; an admin sees every NMO's."""
    if queue == "mine":
        return Application.student_id == user.id
    if queue == "outgoing":
        condition, for_admin = outgoing_condition, Application.submitted_at.is_not(None)
    else:
        condition, for_admin = incoming_condition, Application.contract_id.is_not(None)
    if user.is_admin:
        return for_admin
    conditions = [condition(m) for m in user.officer_memberships()]
    return or_(*conditions) if conditions else false()


def default_state(user, queue: str) -> str:
    """The state filter a queue opens on: what waits for a national officer's (or an
    admin's) decision; for a local officer, who nominates no one, every open application,
    so that a placed or confirmed student stays in sight."""
    if queue == "mine":
        return ""
    if user.is_admin or user.has_role(Role.NATIONAL_OFFICER):
        return DEFAULT_STATE[queue]
    return OPEN


# Filters and sort


@dataclass(frozen=True)
class Filters:
    """A list's filters and sort, read from the query string."""

    queue: str
    state: str  # "" or "all": any state; OPEN; or a State value
    text: str = ""
    late: bool = False
    card_filter: tuple[str, str] | None = None  # (card, "soon" | "overdue" | "late")
    program_id: int | None = None
    host: str = ""  # a host NMO's code
    host_lc_id: int | None = None  # an LC that hosts (host_lc_condition)
    home: str = ""  # a sending NMO's code
    home_lc_id: int | None = None  # the students' own LC
    season_id: int | None = None
    all_seasons: bool = False
    fee_unpaid: bool = False
    sort: str = DEFAULT_SORT
    descending: bool = False

    @property
    def direction(self) -> str:
        return "desc" if self.descending else "asc"

    def query_args(self) -> dict:
        """The query string that shows this list again (the export links use it)."""
        args = {"queue": self.queue, "state": self.state or "all", "sort": self.sort}
        args["dir"] = self.direction
        if self.text:
            args["q"] = self.text
        if self.late:
            args["late"] = "1"
        if self.card_filter:
            args["card"], args["due"] = self.card_filter[0].lower(), self.card_filter[1]
        if self.program_id:
            args["program"] = self.program_id
        if self.host:
            args["host"] = self.host
        if self.host_lc_id:
            args["host_lc"] = self.host_lc_id
        if self.home:
            args["home"] = self.home
        if self.home_lc_id:
            args["home_lc"] = self.home_lc_id
        if self.all_seasons:
            args["season"] = "all"
        elif self.season_id:
            args["season"] = self.season_id
        if self.fee_unpaid:
            args["fee"] = "unpaid"
        return args


def sort_keys(queue: str) -> set[str]:
    return {column.sort_key for column in COLUMNS[queue] if column.sort_key}


def read_filters(user, queue: str, args, season: Season | None = None) -> Filters:
    """The filters of ``queue`` that the request's ``args`` ask for; what they leave out
    takes the queue's defaults (the current ``season``, the viewer's default state). A
    value that can match nothing, such as an id that is not a number, is left out."""
    all_seasons = args.get("season") == "all"
    season_id = None
    if not all_seasons and queue != "mine":
        season_id = id_arg(args, "season") or (season.id if season else None)
    card, due = args.get("card", "").upper(), args.get("due", "")
    sort = args.get("sort", "")
    if sort not in sort_keys(queue):
        sort = DEFAULT_SORT  # the student's own list too, though it shows no such column
    fee_unpaid = args.get("fee") == "unpaid"
    # Unpaid fees are of nominated applications and later: asked for alone, they are
    # looked for in every such state, not in the queue's opening one.
    opening_state = OPEN if fee_unpaid else default_state(user, queue)
    return Filters(
        queue=queue,
        state=args.get("state", opening_state),
        text=args.get("q", "").strip(),
        late=args.get("late") == "1",
        card_filter=(card, due) if card in PENDING and due in CARD_DUE else None,
        program_id=id_arg(args, "program"),
        host=args.get("host", "").strip(),
        host_lc_id=id_arg(args, "host_lc"),
        home=args.get("home", "").strip(),
        home_lc_id=id_arg(args, "home_lc"),
        season_id=season_id,
        all_seasons=all_seasons,
        fee_unpaid=fee_unpaid,
        sort=sort,
        descending=args.get("dir") == "desc",
    )


def _state_condition(state: str):
    if state == OPEN:
        return Application.state.in_(OPEN_STATES)
    if state in {s.value for s in State}:
        return Application.state == state
    return None


def _sorted(statement, sort: str, descending: bool):
    """``statement`` ordered by ``sort``, empty values last, ties by id."""
    if sort == "student":
        statement = statement.join(User, User.id == Application.student_id)
        keys = [User.name]
    elif sort == "lc":
        statement = statement.join(LocalCommittee, LocalCommittee.id == Application.home_lc_id)
        keys = [LocalCommittee.name]
    elif sort in ("home", "host"):
        nmo = aliased(NMO)
        side = Application.home_nmo_id if sort == "home" else Application.host_nmo_id
        statement = statement.join(nmo, nmo.id == side)
        keys = [nmo.acronym]
    elif sort == "month":
        # The season's order (April first); a start date orders within its month.
        keys = [(Application.exchange_month + 8) % 12, Application.starts_on]
    elif sort == "state":
        keys = [case({s: i for i, s in enumerate(STATE_ORDER)}, value=Application.state)]
    else:
        by = {"code": Application.code, "points": Application.points}
        keys = [by.get(sort, Application.submitted_at)]
    order = [keys[0].is_(None)] + [key.desc() if descending else key.asc() for key in keys]
    return statement.order_by(*order, Application.id)


def queue_statement(user, filters: Filters):
    """SELECT of the applications ``filters`` shows ``user``, sorted: the page and the
    exports both run it."""
    statement = select(Application).where(queue_scope(user, filters.queue))
    conditions = [_state_condition(filters.state)]
    if filters.season_id:
        conditions.append(Application.season_id == filters.season_id)
    if filters.program_id:
        conditions.append(Application.program_id == filters.program_id)
    if filters.host:
        hosts = select(NMO.id).where(NMO.code == filters.host)
        conditions.append(Application.host_nmo_id.in_(hosts))
    if filters.host_lc_id:
        conditions.append(host_lc_condition(filters.host_lc_id))
    if filters.home:
        homes = select(NMO.id).where(NMO.code == filters.home)
        conditions.append(Application.home_nmo_id.in_(homes))
    if filters.home_lc_id:
        conditions.append(Application.home_lc_id == filters.home_lc_id)
    if filters.late:
        conditions.append(late_card_condition(clock.today()))
    if filters.card_filter:
        card, due = filters.card_filter
        conditions.append(CARD_DUE[due](card, clock.today()))
    if filters.fee_unpaid:
        conditions.append(unpaid_fee_condition())
    if filters.text:
        text = filters.text
        conditions.append(
            or_(
                Application.code.icontains(text, autoescape=True),
                Application.student_id.in_(
                    select(User.id).where(User.name.icontains(text, autoescape=True))
                ),
                Application.host_nmo_id.in_(
                    select(NMO.id).where(NMO.acronym.icontains(text, autoescape=True))
                ),
            )
        )
    statement = statement.where(*(c for c in conditions if c is not None))
    return _sorted(statement, filters.sort, filters.descending)


# What each row shows of its application beyond its own columns: its student, its NMOs and
# its placement, joined into the SELECT of the page's 25 rows by id (web.paging.PageById:
# the sorted ids come first, from the queue's indexes). Its program and season need no
# SELECT: the session holds every one (exchange.organizations.queries).
ROW_OPTIONS = (
    joinedload(Application.student).lazyload(User.memberships),
    joinedload(Application.home_nmo),
    joinedload(Application.host_nmo),
    joinedload(Application.placement),
)

# The API's rows also name their home LC.
API_ROW_OPTIONS = (*ROW_OPTIONS, joinedload(Application.home_lc))


def rows_by_id(ids) -> list[Application]:
    """The applications of ``ids``, with what a row of a queue shows of them."""
    return list(
        db.session.scalars(select(Application).where(Application.id.in_(ids)).options(*ROW_OPTIONS))
    )


def queue_page(user, queue: str, args) -> tuple[Pagination, dict]:
    """One page of ``queue`` for ``user``, filtered and sorted by the request's ``args``,
    and what the page shows beside it: the filter values, the columns, each row's details."""
    seasons = seasons_newest_first()
    programs = all_programs()
    filters = read_filters(user, queue, args, current_season())
    pagination = page_by_id(queue_statement(user, filters), Application.id, rows_by_id)
    options = {
        "filters": filters,
        "state": filters.state,
        "q": filters.text,
        "late": filters.late,
        "card_filter": filters.card_filter,
        "program_id": filters.program_id,
        "season_id": filters.season_id,
        "all_seasons": filters.all_seasons,
        "fee_unpaid": filters.fee_unpaid,
        "sort": filters.sort,
        "direction": filters.direction,
        "columns": COLUMNS[queue],
        "details": row_details(queue, pagination.items),
        "summary": describe(user, filters, seasons, programs),
        "seasons": seasons,
        "programs": programs,
    }
    return pagination, options


def _in_a_sentence(label: str) -> str:
    """ "Accepted (CA issued)" as "accepted (CA issued)"."""
    return label[:1].lower() + label[1:]


def _nmo_name(code: str) -> str:
    """An NMO's acronym, for a sentence; an unknown code as given (it matches nothing)."""
    acronym = db.session.scalar(select(NMO.acronym).where(NMO.code == code))
    return acronym or f"“{code}” (no such NMO)"


def describe(user, filters: Filters, seasons: Sequence[Season], programs: Sequence[Program]):
    """What the list shows, in words: whose applications, which ones, in what order."""
    if filters.queue == "mine":
        parts = ["your own applications"]
    else:
        whose = (
            "every NMO" if user.is_admin else "; ".join(m.title for m in user.officer_memberships())
        )
        side = "sent by" if filters.queue == "outgoing" else "received by"
        parts = [f"applications {side} {whose or 'no one you act for'}"]
    if filters.state == OPEN:
        parts.append("open: " + ", ".join(_in_a_sentence(s.label) for s in OPEN_STATES))
    elif filters.state in {s.value for s in State}:
        parts.append(_in_a_sentence(State(filters.state).label))
    else:
        parts.append("any state")
    season = next((s for s in seasons if s.id == filters.season_id), None)
    if filters.queue != "mine":
        parts.append(f"season {season.code}" if season else "every season")
    program = next((p for p in programs if p.id == filters.program_id), None)
    parts.append(program.code if program else "both programs")
    if filters.home:
        parts.append(f"from {_nmo_name(filters.home)}")
    if filters.home_lc_id:
        lc = db.session.get(LocalCommittee, filters.home_lc_id)
        parts.append(f"from {lc.name if lc else 'no such LC'}")
    if filters.host:
        parts.append(f"hosted by {_nmo_name(filters.host)}")
    if filters.host_lc_id:
        lc = db.session.get(LocalCommittee, filters.host_lc_id)
        parts.append(f"hosted by {lc.name if lc else 'no such LC'}")
    if filters.late:
        parts.append("late cards only")
    if filters.card_filter:
        card, due = filters.card_filter
        parts.append(f"{card} {CARD_DUE_WORDS[due]}")
    if filters.fee_unpaid:
        parts.append("fee unpaid")
    if filters.text:
        parts.append(f"matching “{filters.text}”")
    order = "newest first" if filters.descending else "oldest first"
    if filters.sort != "submitted":
        order = "descending" if filters.descending else "ascending"
    return "; ".join(parts) + f". Sorted by {SORT_LABELS[filters.sort]}, {order}."


# What each row shows beside the application


@dataclass(frozen=True)
class FreeSlots:
    """The free slots of one month of a confirmed contract (None: the contract has no
    slot that month, or there is no confirmed contract)."""

    month: int
    month_label: str
    free: int | None
    slots: int | None
    begun: bool = False

    @property
    def text(self) -> str:
        if self.begun:
            return "begun"
        if not self.slots:
            return "no slot"
        if not self.free:
            return f"none free (all {self.slots} used)"
        return f"{self.free} of {self.slots} free"

    @property
    def label(self) -> str:
        """For the nominate panel: "2 of 3 slots free"."""
        if not self.slots:
            return "no slot in the contract"
        if not self.free:
            return f"no slot free: all {self.slots} are used"
        return f"{self.free} of {self.slots} slots free"


@dataclass(frozen=True)
class FreePlace:
    """One ranked placement of a nominated student, with its free places in the month of
    the nomination (None: the placement offers none that month)."""

    rank: int
    title: str
    city: str
    month: int
    free: int | None
    capacity: int | None
    closed: bool

    @property
    def text(self) -> str:
        month = month_name(self.month)
        if self.closed:
            return "closed"
        if not self.capacity:
            return f"no places in {month}"
        if not self.free:
            return f"full in {month} (all {self.capacity} taken)"
        return f"{self.free} of {self.capacity} free in {month}"


@dataclass
class RowDetails:
    """What a row shows beside the application's own columns."""

    lc_name: str = ""
    free_slots: list[FreeSlots] = field(default_factory=list)  # outgoing, while submitted
    free_places: list[FreePlace] = field(default_factory=list)  # incoming, nominated, unplaced
    fee_unpaid: bool = False


def row_details(queue: str, applications: Sequence[Application]) -> dict[int, RowDetails]:
    """Each application's row details, by id: one grouped query for each kind of detail
    the queue shows, whatever the number of rows."""
    details = {a.id: RowDetails() for a in applications}
    if not applications:
        return details
    ids = list(details)
    for application_id in db.session.scalars(
        select(Application.id).where(Application.id.in_(ids), unpaid_fee_condition())
    ):
        details[application_id].fee_unpaid = True
    if queue == "outgoing":
        lcs = {a.home_lc_id for a in applications}
        names = dict(
            db.session.execute(
                select(LocalCommittee.id, LocalCommittee.name).where(LocalCommittee.id.in_(lcs))
            ).all()
        )
        for application in applications:
            details[application.id].lc_name = names.get(application.home_lc_id, "")
        waiting = [a for a in applications if a.state == State.SUBMITTED]
        for application_id, slots in _free_slots_of(waiting).items():
            details[application_id].free_slots = slots
    if queue == "incoming":
        unplaced = [a for a in applications if a.state == State.NOMINATED and not a.placement_id]
        for application_id, places in _free_places_of(unplaced).items():
            details[application_id].free_places = places
    return details


def _free_slots_of(applications: Sequence[Application]) -> dict[int, list[FreeSlots]]:
    """For each application, the free slots of its home NMO's confirmed contract with its
    host, per month the student can go (in the order the student gave them)."""
    if not applications:
        return {}
    rows = db.session.execute(
        select(Application.id, ContractSlot.month, ContractSlot.slots, ContractSlot.used)
        .join(
            Contract,
            and_(
                Contract.sending_nmo_id == Application.home_nmo_id,
                Contract.host_nmo_id == Application.host_nmo_id,
                Contract.program_id == Application.program_id,
                Contract.season_id == Application.season_id,
                Contract.status == ContractStatus.CONFIRMED,
            ),
        )
        .join(ContractSlot, ContractSlot.contract_id == Contract.id)
        .where(Application.id.in_([a.id for a in applications]))
    ).all()
    found: dict[int, dict[int, tuple[int, int]]] = defaultdict(dict)
    for application_id, month, slots, used in rows:
        found[application_id][month] = (slots - used, slots)
    today = clock.today()
    return {a.id: _month_slots(a, found.get(a.id, {}), today) for a in applications}


def _month_slots(application, by_month: dict[int, tuple[int, int]], today: date):
    open_months = set(calendar.open_months(application.season, today, application.months))
    return [
        FreeSlots(
            month,
            format_month(application.season.month_date(month)),
            *by_month.get(month, (None, None)),
            begun=month not in open_months,
        )
        for month in application.months
    ]


def _free_places_of(applications: Sequence[Application]) -> dict[int, list[FreePlace]]:
    """For each nominated application, its ranked placements with their free places in
    the month of its nomination."""
    if not applications:
        return {}
    capacity = aliased(PlacementCapacity)
    rows = db.session.execute(
        select(
            Preference.application_id,
            Preference.rank,
            Placement.title,
            Placement.city,
            Placement.closed_at,
            Application.exchange_month,
            capacity.capacity,
            capacity.used,
        )
        .join(Placement, Placement.id == Preference.placement_id)
        .join(Application, Application.id == Preference.application_id)
        .outerjoin(
            capacity,
            and_(
                capacity.placement_id == Placement.id,
                capacity.season_id == Application.season_id,
                capacity.month == Application.exchange_month,
            ),
        )
        .where(Preference.application_id.in_([a.id for a in applications]))
        .order_by(Preference.application_id, Preference.rank)
    ).all()
    found: dict[int, list[FreePlace]] = defaultdict(list)
    for application_id, rank, title, city, closed_at, month, places, used in rows:
        free = None if places is None else places - used
        found[application_id].append(
            FreePlace(rank, title, city, month, free, places, closed_at is not None)
        )
    return dict(found)


def free_slots_by_month(application) -> dict[int, FreeSlots]:
    """For the nominate panel: the free confirmed contract slots with the application's
    host NMO, per month the student can go (a month without a slot is left out; no
    confirmed contract, no month)."""
    rows = db.session.execute(
        select(ContractSlot.month, ContractSlot.slots, ContractSlot.used)
        .join(Contract, Contract.id == ContractSlot.contract_id)
        .where(
            Contract.sending_nmo_id == application.home_nmo_id,
            Contract.host_nmo_id == application.host_nmo_id,
            Contract.program_id == application.program_id,
            Contract.season_id == application.season_id,
            Contract.status == ContractStatus.CONFIRMED,
        )
    ).all()
    season = application.season
    return {
        month: FreeSlots(month, format_month(season.month_date(month)), slots - used, slots)
        for month, slots, used in rows
        if month in application.months
    }
