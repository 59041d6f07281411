"""The federation's organizations: regions, programs (with their rules, ``programs``),
NMOs, LCs and seasons; the directory pages; registration of students into an LC and the
scoping of officers' roles (``memberships``).

Imports ``auth`` only (for memberships); never another domain package.
"""
