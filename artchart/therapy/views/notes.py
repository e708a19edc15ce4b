"""Pages for notes."""

from __future__ import annotations

urlpatterns: list = []
