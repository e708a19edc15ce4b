"""The ``artchart`` command: Django's management under a friendly name.

``artchart demo``, ``artchart serve``, ``artchart seed``, ``artchart audit verify``
and every Django command (``artchart migrate``, ``artchart check --deploy`` …).
"""

from __future__ import annotations

import importlib
import os
import sys


def _take_profile(argv: list[str]) -> None:
    # The profile decides how settings load, so it must be known before Django
    # imports them; ``serve --profile server`` is the same as ARTCHART_PROFILE.
    for i, arg in enumerate(argv):
        if arg == "--profile" and i + 1 < len(argv):
            os.environ["ARTCHART_PROFILE"] = argv[i + 1]
        elif arg.startswith("--profile="):
            os.environ["ARTCHART_PROFILE"] = arg.split("=", 1)[1]


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    argv[0] = "artchart"
    _take_profile(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "artchart.settings")
    _settings_or_exit()
    from django.core.management import execute_from_command_line  # noqa: PLC0415 - only once the profile is set

    execute_from_command_line(argv)


def _settings_or_exit() -> None:
    """Load the settings first, so a missing or weak secret is one clear message and exit 2, not a traceback.

    (Django would otherwise import them half-way through a command and print the exception's stack.)
    """
    if os.environ["DJANGO_SETTINGS_MODULE"] != "artchart.settings":
        return
    from artchart.startup import SettingsProblem  # noqa: PLC0415 - apart from the settings, which may fail

    try:
        importlib.import_module("artchart.settings")
    except SettingsProblem as exc:
        sys.stderr.write(f"artchart: {exc}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
