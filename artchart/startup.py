"""What the settings raise when the environment cannot start ArtChart.

Apart from the settings so that ``artchart`` (the command) can catch it before they load.
"""

from __future__ import annotations


class SettingsProblem(RuntimeError):
    """The environment cannot start ArtChart: the message says what is missing and how to fix it.

    ``artchart`` prints it alone, without a traceback, and exits 2.
    """
