"""Forms of the therapy pages, one module per area of ``views/`` (sessions, groups, notes, confidential)."""
