"""The home page of each kind of user, and their dashboards. Owns no tables."""
