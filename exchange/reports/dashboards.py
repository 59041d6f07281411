"""The figures each role's home page shows: a few counts, with the queues' conditions."""

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import and_, case, func, or_, select

from exchange import clock
from exchange.applications.models import Application
from exchange.applications.queues import (
    incoming_condition,
    late_card_condition,
    outgoing_condition,
)
from exchange.applications.reminders import CA, CC, due_soon_condition, overdue_condition
from exchange.applications.states import State
from exchange.auth.models import Membership, Role, User
from exchange.contracts.queries import (
    count_contracts_in_season,
    count_contracts_of,
    count_waiting_for,
)
from exchange.extensions import db
from exchange.organizations.models import NMO, LocalCommittee, Season
from exchange.organizations.queries import current_season
from exchange.placements.models import Placement


def admin_home() -> dict:
    season = current_season()
    counts = {
        "nmos": db.session.scalar(select(func.count()).select_from(NMO).where(NMO.is_active)),
        "lcs": db.session.scalar(select(func.count()).select_from(LocalCommittee)),
        "users": db.session.scalar(select(func.count()).select_from(User)),
        "officers": db.session.scalar(
            select(func.count(func.distinct(Membership.user_id))).where(
                Membership.role.in_([Role.NATIONAL_OFFICER, Role.LOCAL_OFFICER])
            )
        ),
        "contracts": 0,
        "applications": 0,
    }
    by_state: Counter = Counter()
    if season is not None:
        counts["contracts"] = count_contracts_in_season(season.id)
        by_state = Counter(
            dict(
                db.session.execute(
                    select(Application.state, func.count())
                    .where(Application.season_id == season.id)
                    .group_by(Application.state)
                ).all()
            )
        )
        counts["applications"] = sum(by_state.values())
    return {"season": season, "counts": counts, "by_state": by_state, "states": list(State)}


@dataclass(frozen=True)
class DueCards:
    """Pending cards due within exchange.applications.reminders.REMINDER_DAYS_AHEAD days
    (``soon``) or overdue: CAs of the incoming students, CCs of the incoming and of the
    outgoing ones."""

    ca_soon: int = 0
    ca_overdue: int = 0
    cc_soon_incoming: int = 0
    cc_soon_outgoing: int = 0
    cc_overdue_incoming: int = 0
    cc_overdue_outgoing: int = 0

    @property
    def cc_soon(self) -> int:
        return self.cc_soon_incoming + self.cc_soon_outgoing

    @property
    def cc_overdue(self) -> int:
        return self.cc_overdue_incoming + self.cc_overdue_outgoing


def _due_cards(incoming, outgoing, in_season: list, today) -> DueCards:
    """The six counts in one query, with the reminders' conditions."""

    def counted(*conditions):
        return func.count(case((and_(*conditions), 1)))

    ca_soon, ca_overdue = due_soon_condition(CA, today), overdue_condition(CA, today)
    cc_soon, cc_overdue = due_soon_condition(CC, today), overdue_condition(CC, today)
    row = db.session.execute(
        select(
            counted(incoming, ca_soon),
            counted(incoming, ca_overdue),
            counted(incoming, cc_soon),
            counted(outgoing, cc_soon),
            counted(incoming, cc_overdue),
            counted(outgoing, cc_overdue),
        ).where(
            or_(incoming, outgoing),
            Application.state.in_([State.NOMINATED, State.ACCEPTED]),
            *in_season,
        )
    ).one()
    return DueCards(*row)


@dataclass
class OfficerPanel:
    """What one officer role sees on its home page."""

    membership: Membership
    outgoing: Counter = field(default_factory=Counter)
    incoming: Counter = field(default_factory=Counter)
    placements: int = 0
    contracts: int = 0
    # Applications with a late or overdue card, hosted and sent: each queue links its own.
    late_incoming: int = 0
    late_outgoing: int = 0
    waiting_contracts: int = 0  # partners' proposals waiting for this NMO's confirmation
    due_cards: DueCards = field(default_factory=DueCards)

    @property
    def late(self) -> int:
        return self.late_incoming + self.late_outgoing

    @property
    def to_nominate(self) -> int:
        return self.outgoing[State.SUBMITTED]

    @property
    def to_place(self) -> int:
        return self.incoming[State.NOMINATED]


def _state_counts(*conditions) -> Counter:
    rows = db.session.execute(
        select(Application.state, func.count()).where(*conditions).group_by(Application.state)
    ).all()
    return Counter(dict(rows))


def officer_panels(user: User) -> list[OfficerPanel]:
    """One panel per officer role, counted with the same conditions as the queues."""
    season: Season | None = current_season()
    today = clock.today()
    panels = []
    for membership in user.officer_memberships():
        panel = OfficerPanel(membership)
        in_season = [Application.season_id == season.id] if season else []
        outgoing, incoming = outgoing_condition(membership), incoming_condition(membership)
        panel.outgoing = _state_counts(outgoing, *in_season)
        panel.incoming = _state_counts(incoming, *in_season)
        late_incoming, late_outgoing = (func.count().filter(side) for side in (incoming, outgoing))
        panel.late_incoming, panel.late_outgoing = db.session.execute(
            select(late_incoming, late_outgoing).where(
                or_(outgoing, incoming), late_card_condition(today), *in_season
            )
        ).one()
        panel.due_cards = _due_cards(incoming, outgoing, in_season, today)
        if membership.role == Role.NATIONAL_OFFICER:
            if season is not None:
                panel.contracts = count_contracts_of(
                    membership.nmo_id, membership.program_id, season.id
                )
            panel.waiting_contracts = count_waiting_for(membership.nmo_id, membership.program_id)
            placement_scope = Placement.nmo_id == membership.nmo_id
        else:
            placement_scope = Placement.lc_id == membership.lc_id
        panel.placements = db.session.scalar(
            select(func.count())
            .select_from(Placement)
            .where(placement_scope, Placement.closed_at.is_(None))
            .where(Placement.kind == membership.program.placement_kind)
        )
        panels.append(panel)
    return panels


def student_home(user: User) -> dict:
    applications = list(
        db.session.scalars(
            select(Application)
            .where(Application.student_id == user.id)
            .order_by(Application.created_at.desc())
        )
    )
    return {"applications": applications, "membership": user.student_membership}
