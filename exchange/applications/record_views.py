"""Officers' records on an application: internal notes and the fee as paid."""


def notes_panel(viewer, application) -> dict | None:
    """The internal notes and the note form, for the officers of the NMOs concerned."""
    return None


def fee_panel(viewer, application) -> dict | None:
    """The fee's state, and the form recording its payment for the host's officers."""
    return None


def history_entries(viewer, application) -> list:
    """Entries this viewer sees in the application's history besides its state steps and
    points changes (a note added, a fee recorded), each with a ``created_at``."""
    return []
