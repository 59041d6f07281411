"""Saving the student's personal data on an application, and who sees it.

The student gives it until the nomination (a submitted application's can still be
corrected); the home NMO's and LC's officers and admins see it once they see the
application, the host's officers once it is nominated to their NMO. None commits.
"""

from exchange import clock
from exchange.applications import personal
from exchange.applications.models import Application
from exchange.applications.permissions import actors_for
from exchange.applications.personal import PersonalData
from exchange.applications.states import Actor, State
from exchange.auth.models import User
from exchange.conditions.queries import find_conditions
from exchange.errors import DomainError, NotAllowed
from exchange.extensions import db

_HOME_SIDE = frozenset(
    {Actor.STUDENT, Actor.ADMIN, Actor.HOME_NATIONAL_OFFICER, Actor.HOME_LOCAL_OFFICER}
)
_HOST_SIDE = frozenset({Actor.HOST_NATIONAL_OFFICER, Actor.HOST_LOCAL_OFFICER})


class PersonalDataRefused(DomainError):
    """Personal data that cannot be saved: ``errors`` says why, field by field (a language
    row's key is ``languages-<row>``)."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("Nothing is saved yet: " + " ".join(errors.values()))


def required_personal_data(application: Application) -> list[str]:
    """The keys of the fields the host's exchange conditions require for submission."""
    conditions = find_conditions(
        application.host_nmo_id, application.program_id, application.season_id
    )
    return list(conditions.required_personal_data or []) if conditions else []


def can_view_personal_data(user, application: Application) -> bool:
    """The student, admins and the home side's officers; the host's officers only once
    the application is nominated to their NMO."""
    actors = actors_for(user, application)
    if actors & _HOME_SIDE:
        return True
    return bool(actors & _HOST_SIDE) and personal.seen_by_host(application)


def editing_refusal(user, application: Application) -> str | None:
    """Why ``user`` may not change the application's personal data; None when they may."""
    if user is None or getattr(user, "id", None) != application.student_id:
        return "Only the student gives their personal data."
    if personal.is_editable(application):
        return None
    if personal.seen_by_host(application):
        return (
            f"{application.code} is nominated to {application.host_nmo.acronym}: your personal "
            "data went with the nomination and can no longer be changed here. If something "
            "changed, tell your NMO's exchange officer."
        )
    return (
        f"{application.code} is {application.state.label.lower()}: its personal data can no "
        "longer be changed."
    )


def personal_data_problems(application: Application, data: PersonalData) -> dict[str, str]:
    """What refuses ``data`` on this application, by field (empty when it may be saved):
    the rules of exchange.applications.personal, and for a submitted application what its
    submission needed."""
    cleaned = personal.clean(data)
    errors = personal.problems(cleaned, clock.today(), personal.latest_end(application))
    if application.state == State.SUBMITTED:
        required = required_personal_data(application)
        host = application.host_nmo.acronym
        for key, message in personal.refused_after_submission(cleaned, required, host).items():
            errors.setdefault(key, message)
    return errors


def save_personal_data(student: User, application: Application, data: PersonalData) -> None:
    """Save what the student gave, all of it or, refused, nothing (PersonalDataRefused,
    with a message per field)."""
    refusal = editing_refusal(student, application)
    if refusal is not None:
        if getattr(student, "id", None) != application.student_id:
            raise NotAllowed(refusal)
        raise DomainError(refusal)
    errors = personal_data_problems(application, data)
    if errors:
        raise PersonalDataRefused(errors)
    cleaned = personal.clean(data)
    for field in personal.FIELDS:
        setattr(application, field.key, getattr(cleaned, field.key))
    application.languages = cleaned.stored_languages()
    application.updated_at = clock.now()
    db.session.flush()
