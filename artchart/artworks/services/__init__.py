"""Writes to artworks: each one transaction with one audit event (ids and field
names, never the client's words or the picture)."""
