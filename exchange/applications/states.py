"""The application's state machine: pure Python, no Flask, no SQLAlchemy.

Domain.md's table of the AF's life, as data: which action moves an application from
which state to which, and who may take it. Services ask ``next_state`` before they
change anything, so every path through the product obeys the same table.
"""

from dataclasses import dataclass
from enum import StrEnum

from exchange.errors import InvalidTransition


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    NOMINATED = "nominated"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CERTIFIED = "certified"
    WITHDRAWN = "withdrawn"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    State.DRAFT: "Draft",
    State.SUBMITTED: "Submitted",
    State.NOMINATED: "Nominated",
    State.REJECTED: "Rejected",
    State.ACCEPTED: "Accepted (CA issued)",
    State.CONFIRMED: "Confirmed (CC in)",
    State.IN_PROGRESS: "In progress",
    State.COMPLETED: "Completed (EF in)",
    State.CERTIFIED: "Certified",
    State.WITHDRAWN: "Withdrawn",
    State.CANCELLED: "Cancelled",
}


class Action(StrEnum):
    SUBMIT = "submit"
    NOMINATE = "nominate"
    REJECT = "reject"
    ACCEPT = "accept"
    CONFIRM = "confirm"
    MARK_ARRIVED = "mark_arrived"
    SUBMIT_EVALUATION = "submit_evaluation"
    CERTIFY = "certify"
    WITHDRAW = "withdraw"
    CANCEL = "cancel"

    @property
    def label(self) -> str:
        return ACTION_LABELS[self]


ACTION_LABELS = {
    Action.SUBMIT: "submit the application",
    Action.NOMINATE: "nominate",
    Action.REJECT: "reject",
    Action.ACCEPT: "accept and issue the card of acceptance",
    Action.CONFIRM: "submit the card of confirmation",
    Action.MARK_ARRIVED: "mark the arrival",
    Action.SUBMIT_EVALUATION: "submit the evaluation form",
    Action.CERTIFY: "issue the certificate",
    Action.WITHDRAW: "withdraw",
    Action.CANCEL: "cancel",
}


class Actor(StrEnum):
    """Who takes an action, relative to one application."""

    STUDENT = "student"  # the applicant
    HOME_NATIONAL_OFFICER = "home_national_officer"
    HOME_LOCAL_OFFICER = "home_local_officer"
    HOST_NATIONAL_OFFICER = "host_national_officer"
    HOST_LOCAL_OFFICER = "host_local_officer"
    ADMIN = "admin"


@dataclass(frozen=True)
class Transition:
    action: Action
    source: State
    target: State
    actors: frozenset[Actor]
    needs_reason: bool = False


# Before completion, an exchange can still be withdrawn by the student or cancelled by an officer.
OPEN_STATES = (
    State.SUBMITTED,
    State.NOMINATED,
    State.ACCEPTED,
    State.CONFIRMED,
    State.IN_PROGRESS,
)
TERMINAL_STATES = frozenset({State.REJECTED, State.CERTIFIED, State.WITHDRAWN, State.CANCELLED})
# Rejected, withdrawn or cancelled: ended before completion, with a reason.
CLOSED_STATES = (State.REJECTED, State.WITHDRAWN, State.CANCELLED)

# The states along the way from nomination to certificate, in order.
NOMINATED_OR_LATER = (
    State.NOMINATED,
    State.ACCEPTED,
    State.CONFIRMED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.CERTIFIED,
)
# A nominated application holds one slot of its contract; once accepted it also holds
# one place of its placement in its month. Closing gives both back.
HOLDS_CONTRACT_SLOT = NOMINATED_OR_LATER
HOLDS_PLACE = NOMINATED_OR_LATER[1:]

_HOST_OFFICERS = frozenset({Actor.HOST_NATIONAL_OFFICER, Actor.HOST_LOCAL_OFFICER})
# Ending an exchange is for the NMOs. Before placement the host's local officers are only
# those of the LCs the student ranked, so they may place the student but not end the
# exchange; once placed, the placement's LC may cancel too.
_CANCELLERS = {
    State.SUBMITTED: frozenset({Actor.HOME_NATIONAL_OFFICER, Actor.ADMIN}),
    State.NOMINATED: frozenset(
        {Actor.HOME_NATIONAL_OFFICER, Actor.HOST_NATIONAL_OFFICER, Actor.ADMIN}
    ),
}
_CANCELLERS_ONCE_PLACED = frozenset(
    {
        Actor.HOME_NATIONAL_OFFICER,
        Actor.HOST_NATIONAL_OFFICER,
        Actor.HOST_LOCAL_OFFICER,
        Actor.ADMIN,
    }
)


def _build_table() -> dict[tuple[State, Action], Transition]:
    rows = [
        Transition(Action.SUBMIT, State.DRAFT, State.SUBMITTED, frozenset({Actor.STUDENT})),
        Transition(
            Action.NOMINATE,
            State.SUBMITTED,
            State.NOMINATED,
            frozenset({Actor.HOME_NATIONAL_OFFICER}),
        ),
        Transition(
            Action.REJECT,
            State.SUBMITTED,
            State.REJECTED,
            frozenset({Actor.HOME_NATIONAL_OFFICER}),
            needs_reason=True,
        ),
        Transition(
            Action.REJECT,
            State.NOMINATED,
            State.REJECTED,
            frozenset({Actor.HOST_NATIONAL_OFFICER}),
            needs_reason=True,
        ),
        Transition(Action.ACCEPT, State.NOMINATED, State.ACCEPTED, _HOST_OFFICERS),
        Transition(Action.CONFIRM, State.ACCEPTED, State.CONFIRMED, frozenset({Actor.STUDENT})),
        Transition(Action.MARK_ARRIVED, State.CONFIRMED, State.IN_PROGRESS, _HOST_OFFICERS),
        Transition(
            Action.SUBMIT_EVALUATION,
            State.IN_PROGRESS,
            State.COMPLETED,
            frozenset({Actor.STUDENT}),
        ),
        Transition(Action.CERTIFY, State.COMPLETED, State.CERTIFIED, _HOST_OFFICERS),
    ]
    for source in (State.DRAFT, *OPEN_STATES):
        rows.append(
            Transition(
                Action.WITHDRAW,
                source,
                State.WITHDRAWN,
                frozenset({Actor.STUDENT}),
                needs_reason=True,
            )
        )
    for source in OPEN_STATES:
        cancellers = _CANCELLERS.get(source, _CANCELLERS_ONCE_PLACED)
        rows.append(
            Transition(Action.CANCEL, source, State.CANCELLED, cancellers, needs_reason=True)
        )
    return {(row.source, row.action): row for row in rows}


TRANSITIONS: dict[tuple[State, Action], Transition] = _build_table()


def transition_for(state: State, action: Action) -> Transition:
    """The transition ``action`` takes from ``state``, or ``InvalidTransition``."""
    try:
        return TRANSITIONS[(State(state), Action(action))]
    except KeyError:
        raise InvalidTransition(
            f"An application that is {State(state).label.lower()} cannot be moved on by "
            f"“{Action(action).label}”."
        ) from None


def next_state(
    state: State, action: Action, actors: set[Actor] | frozenset[Actor], reason: str | None = None
) -> State:
    """The state that ``action`` leads to, taken by someone acting as any of ``actors``.

    Raises ``InvalidTransition`` with a message for a person when the action does not
    apply to the state, none of ``actors`` may take it, or a needed reason is missing.
    """
    transition = transition_for(state, action)
    if not transition.actors & set(actors):
        allowed = ", ".join(sorted(actor.replace("_", " ") for actor in transition.actors))
        raise InvalidTransition(f"Only the {allowed} may {transition.action.label}.")
    if transition.needs_reason and not (reason and reason.strip()):
        raise InvalidTransition(f"Give a reason to {transition.action.label}.")
    return transition.target


def available_actions(state: State, actors: set[Actor] | frozenset[Actor]) -> list[Action]:
    """The actions that someone acting as any of ``actors`` may take from ``state``."""
    return [
        transition.action
        for (source, _), transition in TRANSITIONS.items()
        if source == state and transition.actors & set(actors)
    ]
