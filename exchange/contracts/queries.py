"""Reading contracts: which a user may see, one page of them, and the reciprocity balance.

The balance is summed by the database (GROUP BY over the season's contract months), never
by looping over contracts in Python: a season holds about 10,000 contracts.
"""

from dataclasses import dataclass
from typing import NamedTuple

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import (
    Integer,
    and_,
    case,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy.orm import aliased, joinedload, selectinload

from exchange import clock
from exchange.auth.models import Membership, Role, User
from exchange.auth.permissions import is_admin
from exchange.contracts.models import (
    Contract,
    ContractEvent,
    ContractKind,
    ContractSlot,
    ContractStatus,
)
from exchange.extensions import db
from exchange.months import SEASON_MONTHS, month_name
from exchange.organizations.models import NMO, Program, Season
from exchange.organizations.queries import programs
from exchange.web.paging import page_by_id


def _scopes(user) -> list[tuple[int, int]]:
    """(NMO, program) pairs the user is national officer for."""
    return [(m.nmo_id, m.program_id) for m in user.memberships if m.role == Role.NATIONAL_OFFICER]


def visible(user):
    """A condition on Contract: admins see all, national officers their NMOs' in their
    programs, as sender or host."""
    if is_admin(user):
        return true()
    scopes = _scopes(user)
    if not scopes:
        return false()
    return or_(
        *(
            and_(
                Contract.program_id == program_id,
                or_(Contract.sending_nmo_id == nmo_id, Contract.host_nmo_id == nmo_id),
            )
            for nmo_id, program_id in scopes
        )
    )


def officer_nmos(user) -> list[NMO]:
    """The NMOs whose balance the user may read: all for admins, else their own."""
    statement = select(NMO).order_by(NMO.country_name, NMO.acronym)
    if not is_admin(user):
        statement = statement.where(NMO.id.in_({nmo_id for nmo_id, _ in _scopes(user)}))
    else:
        statement = statement.where(NMO.is_active)
    return list(db.session.scalars(statement))


def visible_programs(user) -> list[Program]:
    if is_admin(user):
        return programs()
    scoped = {program_id for _, program_id in _scopes(user)}
    return [program for program in programs() if program.id in scoped]


def contracts_page(user, season: Season, program: Program | None, query: str):
    """One page of the season's contracts the user may see, with their months."""
    return page_by_id(
        contracts_statement(user, season, program, query), Contract.id, _contracts_by_id
    )


def contracts_statement(user, season: Season, program: Program | None, query: str = ""):
    """The season's contracts the user may see, by sending and host NMO: the list's
    order, which ends on the id so that pages neither repeat nor skip one."""
    sending, host = aliased(NMO), aliased(NMO)
    statement = (
        select(Contract)
        .join(sending, Contract.sending_nmo_id == sending.id)
        .join(host, Contract.host_nmo_id == host.id)
        .join(Program, Contract.program_id == Program.id)
        .where(Contract.season_id == season.id, visible(user))
        .order_by(sending.acronym, host.acronym, Program.code, Contract.id)
    )
    if program is not None:
        statement = statement.where(Contract.program_id == program.id)
    if query:
        statement = statement.where(
            or_(
                *(
                    column.icontains(query, autoescape=True)
                    for nmo in (sending, host)
                    for column in (nmo.acronym, nmo.country_name, nmo.code)
                )
            )
        )
    return statement


def _contracts_by_id(ids) -> list[Contract]:
    """The contracts of ``ids`` with their NMOs (joined) and months (one SELECT of them
    all); their program and season are the session's already."""
    return list(
        db.session.scalars(
            select(Contract)
            .where(Contract.id.in_(ids))
            .options(
                joinedload(Contract.sending_nmo),
                joinedload(Contract.host_nmo),
                selectinload(Contract.slots),
            )
        )
    )


# The reciprocity balance


@dataclass(frozen=True)
class BalanceRow:
    """One pair of NMOs in one program: what ``nmo`` sends to ``partner`` and hosts from it.

    ``sent`` and ``hosted`` (and the bilateral sums that tell an unbalanced pair) count
    confirmed contracts only; ``proposed_*`` the slots still waiting for a confirmation.
    Declined contracts count in neither. ``used_*`` count every nomination holding a slot."""

    program: Program
    nmo: NMO
    partner: NMO
    sent: int
    hosted: int
    used_sent: int
    used_hosted: int
    bilateral_sent: int
    bilateral_hosted: int
    proposed_sent: int = 0  # slots of contracts that wait for the partner's confirmation
    proposed_hosted: int = 0

    @property
    def difference(self) -> int:
        return self.sent - self.hosted

    @property
    def unbalanced(self) -> bool:
        """Bilateral contracts should carry as many slots one way as the other; unilateral
        ones are one-way by design."""
        return self.bilateral_sent != self.bilateral_hosted


_SUMS = (
    "sent",
    "hosted",
    "used_sent",
    "used_hosted",
    "bilateral_sent",
    "bilateral_hosted",
    "proposed_sent",
    "proposed_hosted",
)
_ZERO = literal_column("0")


def _slot_sums():
    """A contract month's slots as the balance counts them: confirmed, of a confirmed
    bilateral contract, proposed; and its used slots."""
    slots = func.coalesce(ContractSlot.slots, 0)
    confirmed = Contract.status == ContractStatus.CONFIRMED
    return (
        case((confirmed, slots), else_=0),
        case((and_(confirmed, Contract.kind == ContractKind.BILATERAL), slots), else_=0),
        case((Contract.status == ContractStatus.PROPOSED, slots), else_=0),
        func.coalesce(ContractSlot.used, 0),
    )


def _month_rows(season_id: int, program_ids, where, partner, sends: bool):
    """One direction of a pair: a row per contract month, its slots on the side it counts."""
    slots, bilateral, proposed, used = _slot_sums()

    def sides(value):
        return (value, _ZERO) if sends else (_ZERO, value)

    ours, theirs = sides(slots)
    used_ours, used_theirs = sides(used)
    bilateral_ours, bilateral_theirs = sides(bilateral)
    proposed_ours, proposed_theirs = sides(proposed)
    statement = (
        select(
            Contract.program_id.label("program_id"),
            partner.label("partner_id"),
            ours.label("sent"),
            theirs.label("hosted"),
            used_ours.label("used_sent"),
            used_theirs.label("used_hosted"),
            bilateral_ours.label("bilateral_sent"),
            bilateral_theirs.label("bilateral_hosted"),
            proposed_ours.label("proposed_sent"),
            proposed_theirs.label("proposed_hosted"),
        )
        .select_from(Contract)
        .outerjoin(ContractSlot, ContractSlot.contract_id == Contract.id)
        .where(Contract.season_id == season_id, where)
    )
    if program_ids is not None:
        statement = statement.where(Contract.program_id.in_(program_ids))
    return statement


def _rows(result, nmo_of) -> list[BalanceRow]:
    rows = list(result)
    by_id = {p.id: p for p in programs()}
    ids = {row.partner_id for row in rows} | {nmo_of(row) for row in rows}
    nmos = {n.id: n for n in db.session.scalars(select(NMO).where(NMO.id.in_(ids)))}
    return [
        BalanceRow(
            program=by_id[row.program_id],
            nmo=nmos[nmo_of(row)],
            partner=nmos[row.partner_id],
            **{name: int(getattr(row, name)) for name in _SUMS},
        )
        for row in rows
    ]


def _nmo_pairs(season_id: int, program_ids, nmo_id: int):
    """The pairs of ``nmo_id`` with each partner and program: the GROUP BY statement
    (``nmo_id``, ``partner_id``, ``program_id`` and the sums), for the caller to order."""
    months = union_all(
        _month_rows(
            season_id, program_ids, Contract.sending_nmo_id == nmo_id, Contract.host_nmo_id, True
        ),
        _month_rows(
            season_id, program_ids, Contract.host_nmo_id == nmo_id, Contract.sending_nmo_id, False
        ),
    ).subquery()
    return select(
        months.c.program_id,
        literal(nmo_id, Integer).label("nmo_id"),
        months.c.partner_id,
        *(func.sum(months.c[name]).label(name) for name in _SUMS),
    ).group_by(months.c.program_id, months.c.partner_id)


def nmo_balance(nmo: NMO, season: Season, program_ids=None) -> list[BalanceRow]:
    """For each partner NMO and program: slots ``nmo`` sends and hosts, and how many are
    used. ``program_ids`` None means every program."""
    pairs = _nmo_pairs(season.id, program_ids, nmo.id).subquery()
    partner = aliased(NMO)
    statement = (
        select(pairs)
        .join(partner, partner.id == pairs.c.partner_id)
        .order_by(partner.acronym, pairs.c.program_id)
    )
    return _rows(db.session.execute(statement), lambda row: nmo.id)


class _RowPagination(Pagination):
    """Pagination over rows (not ORM objects), on its own query argument."""

    def _query_items(self):
        statement = self._query_args["select"]
        return list(db.session.execute(statement.limit(self.per_page).offset(self._query_offset)))

    def _query_count(self) -> int:
        statement = self._query_args["select"].order_by(None).subquery()
        return db.session.scalar(select(func.count()).select_from(statement))


def _federation_pairs(season_id: int, program_ids):
    """Every pair of the season once, its lower NMO id as ``nmo_id``: the GROUP BY
    statement and its sums by name, for the caller to filter and order."""
    lower_sends = Contract.sending_nmo_id < Contract.host_nmo_id
    lower = case((lower_sends, Contract.sending_nmo_id), else_=Contract.host_nmo_id)
    higher = case((lower_sends, Contract.host_nmo_id), else_=Contract.sending_nmo_id)
    slots, bilateral, proposed, used = _slot_sums()
    months = (
        select(
            Contract.program_id.label("program_id"),
            lower.label("nmo_id"),
            higher.label("partner_id"),
            case((lower_sends, slots), else_=0).label("sent"),
            case((lower_sends, 0), else_=slots).label("hosted"),
            case((lower_sends, used), else_=0).label("used_sent"),
            case((lower_sends, 0), else_=used).label("used_hosted"),
            case((lower_sends, bilateral), else_=0).label("bilateral_sent"),
            case((lower_sends, 0), else_=bilateral).label("bilateral_hosted"),
            case((lower_sends, proposed), else_=0).label("proposed_sent"),
            case((lower_sends, 0), else_=proposed).label("proposed_hosted"),
        )
        .select_from(Contract)
        .outerjoin(ContractSlot, ContractSlot.contract_id == Contract.id)
        .where(Contract.season_id == season_id)
    )
    if program_ids is not None:
        months = months.where(Contract.program_id.in_(program_ids))
    months = months.subquery()
    sums = {name: func.sum(months.c[name]) for name in _SUMS}
    statement = select(
        months.c.program_id,
        months.c.nmo_id,
        months.c.partner_id,
        *(total.label(name) for name, total in sums.items()),
    ).group_by(months.c.program_id, months.c.nmo_id, months.c.partner_id)
    return statement, sums, (months.c.program_id, months.c.nmo_id, months.c.partner_id)


def federation_balance_page(season: Season, program_ids, page: int) -> Pagination:
    """The federation's most unbalanced pairs (bilateral slots differ one way and the
    other), worst first; each pair once, its lower NMO id as ``nmo``."""
    statement, sums, pair = _federation_pairs(season.id, program_ids)
    gap = func.abs(sums["bilateral_sent"] - sums["bilateral_hosted"])
    statement = statement.having(sums["bilateral_sent"] != sums["bilateral_hosted"]).order_by(
        gap.desc(), *pair
    )
    pagination = _RowPagination(
        select=statement,
        page=page,
        per_page=current_app.config["PAGE_SIZE"],
        error_out=False,
    )
    pagination.items = _rows(pagination.items, lambda row: row.nmo_id)
    return pagination


def balance_by_codes(season: Season, program_ids=None, nmo: NMO | None = None) -> list:
    """The balance of ``nmo`` with each partner, or (None) of every pair of the season once
    (its lower NMO id as ``nmo``), in one statement: rows of codes (``program``, ``nmo``,
    ``partner``) and BalanceRow's sums, the largest gap between confirmed slots sent and
    hosted first. The reports' figures, which need no NMO objects."""
    if nmo is None:
        statement, _, _ = _federation_pairs(season.id, program_ids)
    else:
        statement = _nmo_pairs(season.id, program_ids, nmo.id)
    pairs = statement.subquery()
    ours, partner = aliased(NMO), aliased(NMO)
    return db.session.execute(
        select(
            Program.code.label("program"),
            ours.code.label("nmo"),
            partner.code.label("partner"),
            *(pairs.c[name] for name in _SUMS),
        )
        .select_from(pairs)
        .join(Program, Program.id == pairs.c.program_id)
        .join(ours, ours.id == pairs.c.nmo_id)
        .join(partner, partner.id == pairs.c.partner_id)
        .order_by(
            func.abs(pairs.c.sent - pairs.c.hosted).desc(), Program.code, ours.code, partner.code
        )
    ).all()


# Export


def export_rows(user, season: Season, program: Program | None = None, nmo: NMO | None = None):
    """The season's contracts the user may see (of ``nmo`` only, sending or hosting, when
    given), a month per column, summed by the database: (season, program, sending code,
    host code, kind, slots April ... March, status)."""
    sending, host = aliased(NMO), aliased(NMO)
    month_columns = [
        func.coalesce(func.sum(case((ContractSlot.month == month, ContractSlot.slots))), 0).label(
            f"m{month}"
        )
        for month in SEASON_MONTHS
    ]
    statement = (
        select(
            Season.code.label("season"),
            Program.code.label("program"),
            sending.code.label("sending"),
            host.code.label("host"),
            Contract.kind,
            *month_columns,
            Contract.status,
        )
        .select_from(Contract)
        .join(Season, Contract.season_id == Season.id)
        .join(Program, Contract.program_id == Program.id)
        .join(sending, Contract.sending_nmo_id == sending.id)
        .join(host, Contract.host_nmo_id == host.id)
        .outerjoin(ContractSlot, ContractSlot.contract_id == Contract.id)
        .where(Contract.season_id == season.id, visible(user))
        .group_by(
            Contract.id,
            Season.code,
            Program.code,
            sending.code,
            host.code,
            Contract.kind,
            Contract.status,
        )
        .order_by(Program.code, sending.code, host.code)
    )
    if program is not None:
        statement = statement.where(Contract.program_id == program.id)
    if nmo is not None:
        statement = statement.where(
            or_(Contract.sending_nmo_id == nmo.id, Contract.host_nmo_id == nmo.id)
        )
    return db.session.execute(statement)


def compact_slots(contract: Contract) -> str:
    """ "Jul 2 · Aug 1": the months with slots, in season order."""
    return compact_months({row.month: row.slots for row in contract.slots})


def compact_months(slots: dict) -> str:
    """ "Jul 2 · Aug 1" for {7: 2, 8: 1} (or a history row's {"7": 2, "8": 1})."""
    by_month = {int(month): n for month, n in slots.items() if n}
    return " · ".join(
        f"{month_name(month)[:3]} {by_month[month]}" for month in SEASON_MONTHS if month in by_month
    )


def find_contract(
    season_id: int, program_id: int, sending_id: int, host_id: int
) -> Contract | None:
    """The contract of one season and program from a sending to a host NMO, if any."""
    return db.session.scalar(
        select(Contract).where(
            Contract.season_id == season_id,
            Contract.program_id == program_id,
            Contract.sending_nmo_id == sending_id,
            Contract.host_nmo_id == host_id,
        )
    )


def contracts_of_sender(nmo_id: int, program_id: int, season_id: int) -> list[Contract]:
    """A sending NMO's contracts of one program and season, with slots and hosts."""
    return list(
        db.session.scalars(
            select(Contract)
            .where(
                Contract.sending_nmo_id == nmo_id,
                Contract.program_id == program_id,
                Contract.season_id == season_id,
            )
            .options(selectinload(Contract.slots), selectinload(Contract.host_nmo))
        )
    )


def contract_slot(contract_id: int, month: int) -> ContractSlot | None:
    return db.session.scalar(
        select(ContractSlot).where(
            ContractSlot.contract_id == contract_id, ContractSlot.month == month
        )
    )


def count_contracts_of(nmo_id: int, program_id: int, season_id: int) -> int:
    """Contracts in which the NMO sends or hosts, in one program and season."""
    return db.session.scalar(
        select(func.count())
        .select_from(Contract)
        .where(
            Contract.season_id == season_id,
            Contract.program_id == program_id,
            or_(Contract.sending_nmo_id == nmo_id, Contract.host_nmo_id == nmo_id),
        )
    )


def count_contracts_in_season(season_id: int) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Contract).where(Contract.season_id == season_id)
    )


# Agreement: proposals waiting for a side, and a contract's history


def _not_ended():
    return Contract.season_id.in_(select(Season.id).where(Season.ends_on >= clock.today()))


def _waiting_for(nmo_id: int, program_id: int):
    """Proposed contracts of the program in which ``nmo_id`` is the side that did not
    propose (or no proposer is recorded): it is that NMO's turn to confirm or decline."""
    return and_(
        Contract.status == ContractStatus.PROPOSED,
        Contract.program_id == program_id,
        or_(
            and_(
                Contract.sending_nmo_id == nmo_id,
                or_(
                    Contract.proposed_by_nmo_id.is_(None),
                    Contract.proposed_by_nmo_id == Contract.host_nmo_id,
                ),
            ),
            and_(
                Contract.host_nmo_id == nmo_id,
                or_(
                    Contract.proposed_by_nmo_id.is_(None),
                    Contract.proposed_by_nmo_id == Contract.sending_nmo_id,
                ),
            ),
        ),
    )


def waiting_for_confirmation(user) -> list[Contract]:
    """The proposals the user's NMOs are asked to confirm, in seasons not ended, oldest
    season first. Admins answer for no NMO: none."""
    scopes = _scopes(user)
    if not scopes:
        return []
    sending, host = aliased(NMO), aliased(NMO)
    statement = (
        select(Contract)
        .join(Season, Contract.season_id == Season.id)
        .join(sending, Contract.sending_nmo_id == sending.id)
        .join(host, Contract.host_nmo_id == host.id)
        .where(_not_ended(), or_(*(_waiting_for(nmo, program) for nmo, program in scopes)))
        .options(
            selectinload(Contract.slots),
            selectinload(Contract.program),
            selectinload(Contract.season),
            selectinload(Contract.sending_nmo),
            selectinload(Contract.host_nmo),
            selectinload(Contract.events).selectinload(ContractEvent.actor),
            selectinload(Contract.events).selectinload(ContractEvent.nmo),
        )
        .order_by(Season.starts_on, sending.acronym, host.acronym, Contract.id)
    )
    return list(db.session.scalars(statement))


def count_waiting_for(nmo_id: int, program_id: int) -> int:
    """How many proposals the NMO's national officers for the program are asked to answer."""
    return db.session.scalar(
        select(func.count())
        .select_from(Contract)
        .where(_not_ended(), _waiting_for(nmo_id, program_id))
    )


def history_of(contract: Contract) -> list[ContractEvent]:
    """The contract's steps, oldest first, with who took them and for which NMO."""
    return list(
        db.session.scalars(
            select(ContractEvent)
            .where(ContractEvent.contract_id == contract.id)
            .options(selectinload(ContractEvent.actor), selectinload(ContractEvent.nmo))
            .order_by(ContractEvent.id)
        )
    )


# Partner contacts


def _current_and_next_season_ids() -> list[int]:
    """The season that contains today (or the latest, as current_season) and the next."""
    today = clock.today()
    seasons = list(
        db.session.scalars(
            select(Season).where(Season.ends_on >= today).order_by(Season.starts_on).limit(2)
        )
    )
    if not seasons:
        latest = db.session.scalar(select(Season).order_by(Season.starts_on.desc()))
        seasons = [latest] if latest else []
    return [season.id for season in seasons]


def officer_nmo_ids(user) -> set[int]:
    """The NMOs the user is a national or local officer of."""
    return {
        m.nmo_id
        for m in user.memberships
        if m.role in (Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER) and m.nmo_id is not None
    }


def partner_nmo_ids(user) -> frozenset[int]:
    """The NMOs that the user's NMOs have a contract with, in any program and status, in
    the current or the next season: their national officers are the user's contacts."""
    own = officer_nmo_ids(user)
    season_ids = _current_and_next_season_ids()
    if not own or not season_ids:
        return frozenset()
    in_seasons = Contract.season_id.in_(season_ids)
    hosts = select(Contract.host_nmo_id).where(in_seasons, Contract.sending_nmo_id.in_(own))
    senders = select(Contract.sending_nmo_id).where(in_seasons, Contract.host_nmo_id.in_(own))
    return frozenset(db.session.scalars(union_all(hosts, senders))) - own


class PartnerOfficer(NamedTuple):
    """A partner's national officer, as the contacts show them."""

    name: str
    email: str
    title: str  # "NEO of AMSA"


class PartnerNMO(NamedTuple):
    code: str
    acronym: str
    country_name: str


@dataclass(frozen=True)
class PartnerContacts:
    """A partner NMO and its national officers, by program and name."""

    nmo: PartnerNMO
    officers: list[PartnerOfficer]


def partner_contacts(user) -> list[PartnerContacts]:
    """The national officers of every partner NMO of the user's NMOs, by country; in two
    queries of the columns shown (a partner list of 100 NMOs, as whole rows with their
    relations, cost more than the rest of the contracts page). A partner without national
    officers is listed with none."""
    ids = partner_nmo_ids(user)
    if not ids:
        return []
    nmos = db.session.execute(
        select(NMO.id, NMO.code, NMO.acronym, NMO.country_name)
        .where(NMO.id.in_(ids))
        .order_by(NMO.country_name, NMO.acronym)
    ).all()
    titles = {program.id: program.national_officer_title for program in programs()}
    rows = db.session.execute(
        select(Membership.nmo_id, Membership.program_id, User.name, User.email)
        .join(User, Membership.user_id == User.id)
        .where(
            Membership.nmo_id.in_(ids),
            Membership.role == Role.NATIONAL_OFFICER,
            User.is_active,
        )
        .order_by(Membership.program_id, User.name)
    ).all()
    acronyms = {nmo.id: nmo.acronym for nmo in nmos}
    by_nmo: dict[int, list[PartnerOfficer]] = {}
    for nmo_id, program_id, name, email in rows:
        title = f"{titles[program_id]} of {acronyms[nmo_id]}"
        by_nmo.setdefault(nmo_id, []).append(PartnerOfficer(name, email, title))
    return [
        PartnerContacts(PartnerNMO(nmo.code, nmo.acronym, nmo.country_name), by_nmo.get(nmo.id, []))
        for nmo in nmos
    ]


# Roll-over


def contracts_of_nmo(nmo_id: int, program_id: int, season_id: int) -> list[Contract]:
    """The NMO's contracts of one program and season, sending or hosting, with their slots
    and NMOs (and the NMOs' programs), by partner."""
    sending, host = aliased(NMO), aliased(NMO)
    return list(
        db.session.scalars(
            select(Contract)
            .join(sending, Contract.sending_nmo_id == sending.id)
            .join(host, Contract.host_nmo_id == host.id)
            .where(
                Contract.season_id == season_id,
                Contract.program_id == program_id,
                or_(Contract.sending_nmo_id == nmo_id, Contract.host_nmo_id == nmo_id),
            )
            .options(
                selectinload(Contract.slots),
                selectinload(Contract.sending_nmo).selectinload(NMO.programs),
                selectinload(Contract.host_nmo).selectinload(NMO.programs),
            )
            .order_by(sending.acronym, host.acronym, Contract.id)
        )
    )
