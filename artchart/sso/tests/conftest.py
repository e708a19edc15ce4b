"""A real OpenID Connect provider on loopback (panva/oidc-provider under Node),
and ArtChart configured to use it.

The provider is ``provider/provider.mjs``, started once per test process on a
free port of 127.0.0.1; its accounts are described there.
"""

from __future__ import annotations

import json
import select
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

PROVIDER_SCRIPT = Path(__file__).parent / "provider" / "provider.mjs"
CLIENT_ID = "artchart-tests"
CLIENT_SECRET = "a-client-secret-only-the-tests-know"
REDIRECT_URI = "http://testserver/sso/callback/"  # what the Django test client's requests are addressed to
START_SECONDS = 20


class Provider:
    def __init__(self, issuer: str):
        self.issuer = issuer

    def disable(self, login: str) -> None:
        """Deprovision an account, as the hospital's IT would."""
        requests.post(f"{self.issuer}/test/accounts/{login}/disable", timeout=5).raise_for_status()

    def hits(self) -> dict[str, int]:
        return requests.get(f"{self.issuer}/test/hits", timeout=5).json()

    def reset(self) -> None:
        requests.post(f"{self.issuer}/test/reset", timeout=5).raise_for_status()


@pytest.fixture(scope="session")
def oidc_provider():
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is not installed: the single sign-on tests run a real OpenID Connect provider under it")
    if not (Path(django_settings.BASE_DIR) / "node_modules" / "oidc-provider").exists():
        pytest.fail("node_modules/oidc-provider is missing: run `npm ci` (make test does)")
    with tempfile.TemporaryFile(mode="w+") as log:  # a file, not a pipe: nobody reads it unless the start fails
        process = subprocess.Popen(
            [node, str(PROVIDER_SCRIPT)],
            cwd=django_settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env={
                "PATH": "/usr/bin:/bin",
                "CLIENT_ID": CLIENT_ID,
                "CLIENT_SECRET": CLIENT_SECRET,
                "REDIRECT_URI": REDIRECT_URI,
                "NODE_ENV": "test",
            },
        )
        try:
            ready, _, _ = select.select([process.stdout], [], [], START_SECONDS)
            line = process.stdout.readline() if ready else ""
            if not line:
                process.kill()
                log.seek(0)
                pytest.fail(f"The OpenID Connect provider did not start: {log.read()[-2000:]}")
            yield Provider(json.loads(line)["issuer"])
        finally:
            process.terminate()
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def sso(settings, oidc_provider):
    """ArtChart configured for the loopback provider (local profile: loopback is allowed)."""
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_CLAIM = "preferred_username"
    yield oidc_provider
    oidc_provider.reset()
