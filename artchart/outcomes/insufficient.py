"""The answer a statistic gives when the data cannot carry it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Insufficient:
    """Too little data for a figure; ``reason`` says why, in words a report can print."""

    reason: str
    n: int = 0

    def __bool__(self) -> bool:
        return False
