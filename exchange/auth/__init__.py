"""Accounts and memberships (users, roles scoped to an NMO, LC and program), login,
password resets, and the pure ``can_*`` checks that read a user's memberships.

It imports no other domain package: a membership names its NMO, LC and program by
string, and the scoping of roles to organizations lives in
``exchange.organizations.memberships``.
"""
