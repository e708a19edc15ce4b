"""The outcomes core stays pure: importing it pulls in no Django."""

from __future__ import annotations

import subprocess
import sys


def test_outcomes_core_imports_nothing_from_django() -> None:
    code = (
        "import sys, artchart.outcomes; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
