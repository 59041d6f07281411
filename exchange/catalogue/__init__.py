"""What students browse: the hosts' exchange conditions and open placements, with
filters. Owns no tables; reads ``organizations``, ``conditions``, ``placements`` and
``applications.deadlines``. Nothing imports it.
"""
