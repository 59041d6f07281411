"""A person's rights over their data: a copy of all of it, and its erasure."""
