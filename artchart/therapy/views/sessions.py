"""Pages for sessions."""

from __future__ import annotations

urlpatterns: list = []
