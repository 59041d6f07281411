"""Contracts between NMOs: the ``contracts`` and ``contract_slots`` tables, every
look-up of them (``queries``), the reciprocity balance, the editor and CSV transfer.

Imports ``auth``, ``organizations`` and, to count the nominations holding a contract's
slots, the ``applications`` model; never ``placements``.
"""
