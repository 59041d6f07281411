"""Departments and research projects with a capacity per month: the ``placements``
and ``placement_capacities`` tables, their look-ups, the services that change them, and
their CSV transfer.

Imports ``auth`` and ``organizations``; never ``applications`` or ``contracts``.
"""
