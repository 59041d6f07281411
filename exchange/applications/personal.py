"""The personal data of an application form, and its rules: which fields a host may
require, the ages and the passport's validity. Pure: it knows nothing of Flask or
SQLAlchemy."""


def missing_for_submission(application, required: list[str]) -> list[str]:
    """What the student must still give of the personal data the host requires."""
    return []
