"""Who hears of a transition: each action puts a mail in the outbox for the people it
concerns (the student, the officers of either side) who may see the application, never
for the one who acted."""

from exchange.applications.permissions import can_view_application
from exchange.applications.states import Action
from exchange.auth.models import Role, User
from exchange.auth.queries import officers_of
from exchange.links import public_url
from exchange.outbox import queue_email

STUDENT = "student"
HOME_NATIONAL = "home national officers"
HOST_NATIONAL = "host national officers"
HOST_LOCAL = "host local officers"

# action: (who is told, what the subject says)
NOTICES = {
    Action.SUBMIT: ((HOME_NATIONAL,), "{code}: submitted, waiting for a nomination"),
    Action.NOMINATE: ((STUDENT, HOST_NATIONAL), "{code}: nominated to {host}"),
    Action.REJECT: ((STUDENT, HOME_NATIONAL), "{code}: rejected"),
    Action.ACCEPT: ((STUDENT, HOME_NATIONAL), "{code}: accepted, the card of acceptance is issued"),
    Action.CONFIRM: ((HOST_NATIONAL, HOST_LOCAL), "{code}: the card of confirmation is in"),
    Action.MARK_ARRIVED: ((HOME_NATIONAL,), "{code}: the student has arrived"),
    Action.SUBMIT_EVALUATION: (
        (HOST_LOCAL,),
        "{code}: evaluation in, ready for the certificate",
    ),
    Action.CERTIFY: ((STUDENT,), "{code}: your certificate is issued"),
    Action.WITHDRAW: ((HOME_NATIONAL, HOST_NATIONAL), "{code}: withdrawn by the student"),
    Action.CANCEL: ((STUDENT, HOME_NATIONAL, HOST_NATIONAL), "{code}: cancelled"),
}


def _recipients(application, group: str) -> list[User]:
    program_id = application.program_id
    if group == STUDENT:
        return [application.student]
    if group == HOME_NATIONAL:
        return officers_of(application.home_nmo_id, program_id, Role.NATIONAL_OFFICER)
    if group == HOST_NATIONAL:
        return officers_of(application.host_nmo_id, program_id, Role.NATIONAL_OFFICER)
    if application.placement is None:
        return []
    return officers_of(
        application.host_nmo_id, program_id, Role.LOCAL_OFFICER, application.placement.lc_id
    )


def notify(application, action: Action, actor: User, reason: str | None) -> None:
    groups, subject = NOTICES[action]
    subject = subject.format(code=application.code, host=application.host_nmo.acronym)
    link = public_url("applications.show", code=application.code)
    told = {actor.id}
    for group in groups:
        for person in _recipients(application, group):
            # Only those who may see the application hear of it: a withdrawn draft
            # concerns no officer, and the host learns of nothing before a nomination.
            if person.id in told or not can_view_application(person, application):
                continue
            told.add(person.id)
            body = (
                f"Hello {person.name},\n\n{subject}.\n"
                f"Student: {application.student.name}. State: {application.state.label}.\n"
                + (f"Reason: {reason}\n" if reason else "")
                + f"\nSee the application: {link}\n"
            )
            queue_email(person.email, subject, body)
