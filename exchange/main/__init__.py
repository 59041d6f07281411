"""The home page of each kind of user. Owns no tables; the figures come from exchange.reports."""
