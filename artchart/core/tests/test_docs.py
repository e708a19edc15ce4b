"""The project carries its own map and points nowhere outside itself.

A reader of the code or the docs must find everything they are told about in
this repository: no notes kept beside it, no numbered tickets from a tracker
they cannot see. And the map, docs/architecture.md, must name only paths that
exist (a planned app, marked planned there, may be named before it is built)
and show the access table as the code holds it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from artchart.core.permissions import ACCESS, Action, Relation

ROOT = Path(__file__).resolve().parents[3]
ARCHITECTURE = ROOT / "docs" / "architecture.md"

CHECKED_SUFFIXES = {".py", ".md", ".html", ".toml"}
CHECKED_NAMES = {"Makefile"}
SKIPPED_DIRS = {".venv", "venv", "node_modules", ".git", "var", "__pycache__", "build", "dist", ".pytest_cache"}

# Each pattern is written so that it does not match its own source text.
OUTSIDE_REFERENCES = {
    "the notes kept beside the project": re.compile(r"\.\./shared\b"),
    "the architecture notes kept outside the repo": re.compile(r"\bARCHITECTURE\.md\b|\bARCHITECTURE\s+rule\b"),
    "the style notes kept outside the repo": re.compile(r"\bSTYLE\.md\b"),
    "a numbered issue": re.compile(r"\bissues?\s*#?\d+|\(#\d+\)", re.IGNORECASE),
}

REPO_PATH_STARTS = ("artchart/", "docs/", "bench/")
ROOT_FILES = {"README.md", "Makefile", "pyproject.toml", "conftest.py", "manage.py", "package.json"}


def _checked_files():
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = Path(folder) / name
            if path.suffix in CHECKED_SUFFIXES or name in CHECKED_NAMES:
                yield path


def test_no_file_points_outside_the_repo():
    found = []
    for path in _checked_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, line in enumerate(text.splitlines(), start=1):
            for what, pattern in OUTSIDE_REFERENCES.items():
                if pattern.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()[:100]}")
    assert not found, "Say the intent in a sentence instead of pointing outside the repo:\n" + "\n".join(found)


def _planned_apps(text: str) -> set[str]:
    return set(re.findall(r"^\| `(\w+)` \| planned \|", text, re.MULTILINE))


def _named_paths(text: str) -> set[str]:
    names = set()
    text = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)  # fenced blocks pair their own backticks
    for token in re.findall(r"`([^`\n]+)`", text):
        if any(ch in token for ch in "*<>{} "):
            continue  # a pattern (tests/url_rules_*.py), not one path
        if token.startswith(REPO_PATH_STARTS) or token in ROOT_FILES:
            names.add(token)
    return names


def test_every_path_the_architecture_names_exists():
    text = ARCHITECTURE.read_text(encoding="utf-8")
    planned = _planned_apps(text)
    assert planned, "the app table marks the apps still to come as planned"
    missing = []
    for name in sorted(_named_paths(text)):
        parts = name.split("/")
        if parts[0] == "artchart" and len(parts) > 1 and parts[1] in planned:
            continue
        if not (ROOT / name.rstrip("/")).exists():
            missing.append(name)
    assert not missing, f"docs/architecture.md names paths that do not exist: {missing}"


def test_the_architecture_names_the_central_files():
    named = _named_paths(ARCHITECTURE.read_text(encoding="utf-8"))
    for path in (
        "artchart/core/permissions.py",
        "artchart/core/access.py",
        "artchart/core/panel_registry.py",
        "artchart/core/stored_files.py",
        "artchart/core/audit.py",
        "artchart/settings.py",
    ):
        assert path in named


def _table_after(text: str, header_start: str) -> list[list[str]]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return [rows[0]] + rows[2:]  # without the |---| line


def test_the_access_table_in_the_architecture_is_the_one_in_the_code():
    header, *rows = _table_after(ARCHITECTURE.read_text(encoding="utf-8"), "| area | primary |")
    assert header == ["area"] + [relation.value for relation in Relation]
    expected = [
        [area.value]
        + [
            ", ".join(action.value for action in Action if action in row.get(relation, ())) or "—"
            for relation in Relation
        ]
        for area, row in ACCESS.items()
    ]
    assert rows == expected
