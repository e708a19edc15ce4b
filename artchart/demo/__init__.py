"""The demo practice and synthetic scale data, built through every app's services (see practice.py)."""
