"""Reports: the federation's, each NMO's and each LC's dashboards, their downloads, and the
public statistics. Owns no tables: it aggregates the other packages' in SQL."""
