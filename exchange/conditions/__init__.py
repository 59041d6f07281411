"""Exchange conditions (EC): the ``exchange_conditions`` table, its look-ups
(``queries``, the only place they are queried), the rules for saving it, and its editor.

Imports ``auth``, ``organizations`` and of ``applications`` the document kinds, the personal
data fields a host may require, the month field, and the applications holding a contract
slot (to refuse closing a month they are in); never ``contracts`` or ``placements``.
"""
