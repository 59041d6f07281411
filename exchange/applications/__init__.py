"""The application (AF) and its cycle: its tables (applications, preferences,
documents, evaluations, state transitions, counters), the pure state machine
(``states``), deadlines and codes, who plays which part (``permissions``), the services
that move an application, its queues, notifications and cards.

``states``, ``deadlines`` and ``codes`` are pure. It imports ``auth``, ``organizations``,
``contracts``, ``conditions`` and ``placements``; never ``matching``, ``catalogue`` or
any blueprint's views.
"""
