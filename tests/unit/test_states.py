"""The state machine over every (state, action) pair and every actor.

The expected table is written out here from domain.md, not read from the code under test.
"""

import pytest

from exchange.applications.states import (
    Action,
    Actor,
    InvalidTransition,
    State,
    available_actions,
    next_state,
)

S, A = State, Action
STUDENT = {Actor.STUDENT}
HOME_NEO = {Actor.HOME_NATIONAL_OFFICER}
HOST = {Actor.HOST_NATIONAL_OFFICER, Actor.HOST_LOCAL_OFFICER}
HOST_NEO = {Actor.HOST_NATIONAL_OFFICER}
# Before placement only the NMOs end an exchange; once placed, the placement's LC too.
CANCEL_SUBMITTED = {Actor.HOME_NATIONAL_OFFICER, Actor.ADMIN}
CANCEL_NOMINATED = {Actor.HOME_NATIONAL_OFFICER, Actor.HOST_NATIONAL_OFFICER, Actor.ADMIN}
CANCELLERS = CANCEL_NOMINATED | {Actor.HOST_LOCAL_OFFICER}

EXPECTED = {
    (S.DRAFT, A.SUBMIT): (S.SUBMITTED, STUDENT),
    (S.DRAFT, A.WITHDRAW): (S.WITHDRAWN, STUDENT),
    (S.SUBMITTED, A.NOMINATE): (S.NOMINATED, HOME_NEO),
    (S.SUBMITTED, A.REJECT): (S.REJECTED, HOME_NEO),
    (S.SUBMITTED, A.WITHDRAW): (S.WITHDRAWN, STUDENT),
    (S.SUBMITTED, A.CANCEL): (S.CANCELLED, CANCEL_SUBMITTED),
    (S.NOMINATED, A.ACCEPT): (S.ACCEPTED, HOST),
    (S.NOMINATED, A.REJECT): (S.REJECTED, HOST_NEO),
    (S.NOMINATED, A.WITHDRAW): (S.WITHDRAWN, STUDENT),
    (S.NOMINATED, A.CANCEL): (S.CANCELLED, CANCEL_NOMINATED),
    (S.ACCEPTED, A.CONFIRM): (S.CONFIRMED, STUDENT),
    (S.ACCEPTED, A.WITHDRAW): (S.WITHDRAWN, STUDENT),
    (S.ACCEPTED, A.CANCEL): (S.CANCELLED, CANCELLERS),
    (S.CONFIRMED, A.MARK_ARRIVED): (S.IN_PROGRESS, HOST),
    (S.CONFIRMED, A.WITHDRAW): (S.WITHDRAWN, STUDENT),
    (S.CONFIRMED, A.CANCEL): (S.CANCELLED, CANCELLERS),
    (S.IN_PROGRESS, A.SUBMIT_EVALUATION): (S.COMPLETED, STUDENT),
    (S.IN_PROGRESS, A.WITHDRAW): (S.WITHDRAWN, STUDENT),
    (S.IN_PROGRESS, A.CANCEL): (S.CANCELLED, CANCELLERS),
    (S.COMPLETED, A.CERTIFY): (S.CERTIFIED, HOST),
}
NEEDS_REASON = {A.REJECT, A.WITHDRAW, A.CANCEL}
ALL_PAIRS = [(state, action) for state in State for action in Action]


@pytest.mark.parametrize(("state", "action"), ALL_PAIRS)
@pytest.mark.parametrize("actor", list(Actor))
def test_every_state_action_and_actor(state, action, actor):
    reason = "a reason"
    if (state, action) not in EXPECTED:
        with pytest.raises(InvalidTransition, match="cannot be moved on"):
            next_state(state, action, {actor}, reason)
        return
    target, actors = EXPECTED[(state, action)]
    if actor in actors:
        assert next_state(state, action, {actor}, reason) == target
    else:
        with pytest.raises(InvalidTransition, match="Only the"):
            next_state(state, action, {actor}, reason)


@pytest.mark.parametrize(("state", "action"), sorted(EXPECTED))
def test_reason_is_required_where_domain_asks(state, action):
    target, actors = EXPECTED[(state, action)]
    if action in NEEDS_REASON:
        with pytest.raises(InvalidTransition, match="Give a reason"):
            next_state(state, action, actors, "   ")
    else:
        assert next_state(state, action, actors) == target


def test_terminal_states_allow_nothing():
    for state in (S.REJECTED, S.CERTIFIED, S.WITHDRAWN, S.CANCELLED):
        assert available_actions(state, set(Actor)) == []


def test_available_actions_for_a_student_with_an_accepted_card():
    assert available_actions(S.ACCEPTED, STUDENT) == [A.CONFIRM, A.WITHDRAW]


def test_message_names_the_state_and_action_in_words():
    with pytest.raises(InvalidTransition) as error:
        next_state(S.CERTIFIED, A.CANCEL, CANCELLERS, "late")
    assert str(error.value) == "An application that is certified cannot be moved on by “cancel”."
