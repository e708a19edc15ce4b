"""Writes to measures: each one transaction with one audit event (ids, instrument and
totals' absence — never item answers or a safety-plan note's words)."""
