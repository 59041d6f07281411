"""The ``/api/v1`` blueprint: the same services as the pages, answered as JSON.

Owns no tables. It may import every domain package's services; none imports it.
"""
