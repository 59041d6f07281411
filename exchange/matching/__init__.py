"""Matching runs: the pure matcher (``engine``, no Flask, no SQLAlchemy), the
``matching_runs`` table, and the services that build an instance, keep a proposal and
approve it through the application services.

Imports ``applications``, ``contracts``, ``placements``, ``organizations`` and ``auth``;
no domain package imports it.
"""
