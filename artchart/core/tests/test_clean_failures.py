"""Missing or weak secrets stop ``artchart`` with one clear message and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STRONG = "k" * 64


def _bare_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Nothing of the test run's environment but what Python needs to find ArtChart."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "PYTHONPATH": str(ROOT)}
    env.update(ARTCHART_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def _artchart(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "artchart.cli", *args],
        cwd=tmp_path,
        env=_bare_env(tmp_path, **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


def _refused(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr.startswith("artchart: ArtChart cannot start in the server profile:")
    return result.stderr


@pytest.mark.parametrize("command", [("check", "--deploy"), ("serve", "--bind", "127.0.0.1:0")])
def test_every_missing_secret_is_named_with_how_to_fix_it(tmp_path, command):
    message = _refused(_artchart(tmp_path, *command, ARTCHART_PROFILE="server"))
    for name in ("ARTCHART_SECRET_KEY", "ARTCHART_AUDIT_KEY", "ARTCHART_MFA_KEY", "ARTCHART_ALLOWED_HOSTS"):
        assert f"{name} is missing" in message
    assert "secrets.token_urlsafe(48)" in message
    assert not (tmp_path / "var" / "secrets").exists()  # nothing generated in the server profile


def test_a_weak_secret_and_an_unreadable_secret_file_are_named(tmp_path):
    message = _refused(
        _artchart(
            tmp_path,
            "check",
            "--deploy",
            ARTCHART_PROFILE="server",
            ARTCHART_SECRET_KEY="django-insecure-" + "x" * 60,
            ARTCHART_AUDIT_KEY="short",
            ARTCHART_MFA_KEY_FILE=str(tmp_path / "no-such-file"),
            ARTCHART_ALLOWED_HOSTS="artchart.example.org",
        )
    )
    assert "ARTCHART_SECRET_KEY is too weak: use at least 50 random characters" in message
    assert "ARTCHART_AUDIT_KEY is too weak: use at least 32 random characters" in message
    assert f"ARTCHART_MFA_KEY_FILE names {tmp_path / 'no-such-file'}, which cannot be read" in message
    assert "ARTCHART_MFA_KEY is missing" not in message
    assert "ALLOWED_HOSTS" not in message


def test_strong_secrets_pass_the_start(tmp_path):
    (tmp_path / "mfa_key").write_text(STRONG)
    result = _artchart(
        tmp_path,
        "check",
        "--deploy",
        ARTCHART_PROFILE="server",
        ARTCHART_SECRET_KEY=STRONG,
        ARTCHART_AUDIT_KEY=STRONG,
        ARTCHART_MFA_KEY_FILE=str(tmp_path / "mfa_key"),
        ARTCHART_ALLOWED_HOSTS="artchart.example.org",
    )
    assert "cannot start" not in result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode == 0, result.stderr
