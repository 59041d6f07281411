"""Who plays which part on an application, and so may do what to it. Pure functions of
a user and an application: they read attributes only, and are tested as tables."""

from dataclasses import dataclass

from exchange.applications.states import HOLDS_PLACE, Action, Actor, State, available_actions
from exchange.auth.models import Role
from exchange.auth.permissions import can_choose_substitute, is_admin, memberships_of


def actors_for(user, application) -> frozenset[Actor]:
    """The parts ``user`` plays on ``application``, as the state machine names them.

    A draft is the student's alone; the home NMO sees the application once it has been
    submitted, the host once it has been nominated there. The lists of applications
    (exchange.applications.queues) follow the same rule.
    """
    actors = set()
    if is_admin(user):
        actors.add(Actor.ADMIN)
    if user is not None and getattr(user, "id", None) == application.student_id:
        actors.add(Actor.STUDENT)
    program_id = application.program_id
    home_sees = application.submitted_at is not None
    host_sees = application.contract_id is not None
    for m in memberships_of(user, Role.NATIONAL_OFFICER):
        if m.program_id != program_id:
            continue
        if home_sees and m.nmo_id == application.home_nmo_id:
            actors.add(Actor.HOME_NATIONAL_OFFICER)
        if host_sees and m.nmo_id == application.host_nmo_id:
            actors.add(Actor.HOST_NATIONAL_OFFICER)
    for m in memberships_of(user, Role.LOCAL_OFFICER):
        if m.program_id != program_id:
            continue
        if home_sees and m.lc_id == application.home_lc_id:
            actors.add(Actor.HOME_LOCAL_OFFICER)
        if host_sees and m.lc_id in _host_lc_ids(application):
            actors.add(Actor.HOST_LOCAL_OFFICER)
    return frozenset(actors)


def _host_lc_ids(application) -> set[int]:
    """The host LCs concerned: the placement's once placed; before, those of the ranked
    placements, whose local officers may accept the student into one of theirs."""
    if application.placement is not None:
        return {application.placement.lc_id}
    if application.state != State.NOMINATED:
        return set()
    return {preference.placement.lc_id for preference in application.preferences}


def can_view_application(user, application) -> bool:
    """The student, the officers concerned on both sides, and admins."""
    return bool(actors_for(user, application))


def can_set_points(user, application) -> bool:
    """Ranking points: the home national officer while the NMO selects (submitted), the
    host's while it places (nominated)."""
    actors = actors_for(user, application)
    return (application.state == State.SUBMITTED and Actor.HOME_NATIONAL_OFFICER in actors) or (
        application.state == State.NOMINATED and Actor.HOST_NATIONAL_OFFICER in actors
    )


@dataclass(frozen=True)
class PageFlags:
    """What the application's page offers its viewer, decided in one place."""

    actions: list[Action]
    can_set_points: bool
    can_choose_substitute: bool
    has_card_of_acceptance: bool


def page_flags(user, application) -> PageFlags:
    return PageFlags(
        actions=available_actions(application.state, actors_for(user, application)),
        can_set_points=can_set_points(user, application),
        # A nominated exchange that ended gives its contract slot to a substitute.
        can_choose_substitute=application.state in (State.CANCELLED, State.WITHDRAWN)
        and application.contract_id is not None
        and can_choose_substitute(user, application),
        has_card_of_acceptance=application.state in HOLDS_PLACE,
    )
