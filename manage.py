#!/usr/bin/env python
"""Same as the ``artchart`` command; kept for tools that expect manage.py."""

from artchart.cli import main

if __name__ == "__main__":
    main()
