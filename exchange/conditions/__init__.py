"""Exchange conditions (EC): the ``exchange_conditions`` table, its look-ups
(``queries``, the only place they are queried), the rules for saving it, and its editor.

Imports ``auth``, ``organizations`` and the document kinds and month field of
``applications``; never ``contracts`` or ``placements``.
"""
