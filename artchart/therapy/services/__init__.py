"""See the modules: one per area of the therapy app (sessions, groups, notes, records)."""
