"""The personal data page of the application form."""


def panel(viewer, application) -> dict | None:
    """What the application page shows of the personal data to this viewer, if anything."""
    return None
