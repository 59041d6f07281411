"""The admins' pages for people: accounts, their roles, activation.

Owns no tables (accounts are ``auth``'s). Imports ``auth`` and ``organizations``; no
other domain package imports it.
"""
