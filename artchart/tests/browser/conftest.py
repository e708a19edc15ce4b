"""Browser tests: headless Chromium through Playwright, against pytest-django's live server.

* one Chromium per test process (xdist worker), a fresh context and ``page`` per test;
* every page is watched for console errors, uncaught exceptions and CSP refusals,
  and a test fails at teardown if any appeared;
* ``sign_in`` uses the real login form; ``shoot`` saves ``var/screenshots/<test>.png``;
  ``axe`` runs axe-core's WCAG 2.0/2.1 A and AA rules and returns the violations.

Data is made with the factories before the page is opened: the live server runs
in a thread of this process, against the same (transactional) test database.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

# The sync API keeps an asyncio loop on this thread between calls, which Django's
# async-safety check mistakes for ORM use from async code. Set for the whole
# process, not per test: the loop lives as long as the session's browser, and a
# worker may run other tests after the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = REPO / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING_IMPACTS = {"serious", "critical"}
DESKTOP = {"width": 1280, "height": 900}
# Chromium's wording for a CSP refusal, old ("Refused to …") and new ("… violates the
# following Content Security Policy directive …").
CSP_REFUSAL = re.compile(r"^Refused to|violates the following Content Security Policy")
# Report every CSP violation on the console too, whatever the browser's wording;
# an init script runs outside the page's CSP.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile || document.URL}:${e.lineNumber}`;
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"} at ${where}`);
});
"""
AXE_INJECTION_REFUSED = r"(inline script|script-src-elem blocked inline)"


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole run of this process."""
    if not CHROMIUM.exists():
        pytest.skip(f"Chromium is not installed at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()
    playwright.stop()


@dataclass
class PageWatch:
    """What a page said that a user never should: errors, uncaught exceptions, CSP refusals."""

    problems: list[str] = field(default_factory=list)
    expected: list[re.Pattern] = field(default_factory=list)

    def console(self, message) -> None:
        text = message.text
        url = message.location.get("url", "")
        if (message.type == "error" or CSP_REFUSAL.search(text)) and not any(
            pattern.search(text) for pattern in self.expected
        ):
            self.problems.append(f"console {message.type}: {text} ({url})")

    def page_error(self, error) -> None:
        self.problems.append(f"uncaught: {error}")

    def allow(self, pattern: str) -> None:
        self.expected.append(re.compile(pattern))


def _new_page(browser, live_server, watch: PageWatch, viewport=None, **options):
    context = browser.new_context(
        base_url=live_server.url,
        viewport=viewport or DESKTOP,
        locale="en-US",
        timezone_id="America/New_York",
        **options,
    )
    context.set_default_timeout(10_000)
    context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    page.on("console", watch.console)
    page.on("pageerror", watch.page_error)
    return context, page


@pytest.fixture
def page_watch():
    """Collects what every page of the test reported; the test fails if anything was."""
    watch = PageWatch()
    yield watch
    # Torn down after the pages that use it, so late messages are counted too.
    assert not watch.problems, "The browser reported problems:\n" + "\n".join(watch.problems)


@pytest.fixture
def page(browser, live_server, page_watch):
    """A fresh browser context and page for one test, pointed at the live server."""
    context, page = _new_page(browser, live_server, page_watch)
    yield page
    context.close()


@pytest.fixture
def new_page(browser, live_server, page_watch):
    """Open another page in its own context (another person, or another screen size; ``has_touch=True``
    for a tablet)."""
    contexts = []

    def open_page(viewport=None, **options):
        context, page = _new_page(browser, live_server, page_watch, viewport, **options)
        contexts.append(context)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def sign_in():
    """Sign in through the real form and wait for the page after it."""
    from artchart.core import mfa, selectors, services
    from artchart.tests.factories import PASSWORD

    recovery_codes: dict[int, list[str]] = {}

    def sign_in(page, user, password: str = PASSWORD, next_path: str = ""):
        # A role that needs a second factor (admin, supervisor, program admin) is
        # enrolled here once; the second step then takes one of its recovery codes.
        if mfa.required_for(user) and not selectors.has_mfa_device(user):
            secret = mfa.new_secret()
            recovery_codes[user.pk] = services.mfa_enrol(user=user, secret=secret, code=mfa.totp_now(secret))
        page.goto(f"/login/{'?next=' + next_path if next_path else ''}")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        with page.expect_navigation():
            page.get_by_role("button", name="Sign in").click()
        if "/login/verify/" in page.url:
            page.get_by_label("Code").fill(recovery_codes[user.pk].pop())
            with page.expect_navigation():
                page.get_by_role("button", name="Verify").click()
        return page

    return sign_in


@pytest.fixture
def shoot(request):
    """Save a full-page PNG as var/screenshots/<test-name>[-<suffix>].png and return its path."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")

    def shoot(page, suffix: str = "") -> Path:
        path = SCREENSHOTS / f"{base}{'-' + suffix if suffix else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return shoot


def _inject_axe(page, watch: PageWatch) -> None:
    if page.evaluate("() => typeof window.axe") == "object":
        return
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci` at the repository root")
    # The CSP (script-src 'self') refuses the inline <script> that add_script_tag
    # writes, as it should; then the file is evaluated through the DevTools
    # protocol, which the CSP does not govern. The refusal it causes is expected.
    # It comes after the page's own behaviour has run, so it hides nothing.
    watch.allow(AXE_INJECTION_REFUSED)
    try:
        page.add_script_tag(path=str(AXE_JS))
    except Exception as refused:  # playwright raises its own Error with the browser's message
        if "Content Security Policy" not in str(refused):
            raise
    if page.evaluate("() => typeof window.axe") != "object":
        page.evaluate("() => {\n" + AXE_JS.read_text() + "\n}")
    assert page.evaluate("() => typeof window.axe") == "object", "axe-core could not be loaded into the page"


class AxeViolations(list):
    """axe-core's violations for one page; ``blocking`` are the serious and critical ones."""

    @property
    def blocking(self) -> list[dict]:
        return [v for v in self if v["impact"] in BLOCKING_IMPACTS]

    @staticmethod
    def describe(violations: list[dict]) -> str:
        lines = []
        for v in violations:
            lines.append(f"{v['impact']} {v['id']}: {v['help']} ({v['helpUrl']})")
            for node in v["nodes"]:
                lines.append(f"    {node['target']}: {node['html'][:200]}\n      {node['summary']}")
        return "\n".join(lines)


@pytest.fixture
def axe(page_watch):
    """Run axe-core on the page; return its violations and print those that do not block."""

    def run(page, label: str = "") -> AxeViolations:
        _inject_axe(page, page_watch)
        violations = AxeViolations(
            page.evaluate(
                """async (tags) => {
                const results = await axe.run(document, {
                    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
                });
                return results.violations.map((v) => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map((n) => ({target: n.target.join(" "), html: n.html, summary: n.failureSummary})),
                }));
            }""",
                WCAG_TAGS,
            )
        )
        for v in violations:
            if v["impact"] not in BLOCKING_IMPACTS:
                print(f"axe [{label or page.url}] {v['impact']} {v['id']}: {v['help']}")
                for node in v["nodes"]:
                    print(f"    {node['target']}: {node['html'][:160]}")
        return violations

    return run


@pytest.fixture
def images_from_storage():
    """Answer a page's artwork image URLs with the stored files, outside the live server.

    The live server shares one in-memory SQLite connection between its threads, and images
    fetched at once (each image view writes an audit event) fail there with "database table is
    locked", which a real database queues. The image view has its own tests
    (artchart/artworks/tests/test_image_serving.py); browser tests are about the pages around it.
    """
    from urllib.parse import urlparse

    from django.core.files.storage import default_storage
    from django.urls import resolve

    from artchart.artworks.models import Photo

    def serve(route):
        match = resolve(urlparse(route.request.url).path)
        photo = Photo.objects.get(pk=match.kwargs["photo_id"])
        name = {
            "large": photo.thumb_large,
            "small": photo.thumb_small,
            "page": photo.thumb_page,
            "page_small": photo.thumb_page_small,
            "original": photo.file,
            "deidentified": photo.deidentified,
        }[match.kwargs["variant"]]
        if not name:
            route.fulfill(status=404, body="")
            return
        with default_storage.open(name, "rb") as handle:
            route.fulfill(status=200, content_type="image/jpeg", body=handle.read())

    def route_images(page) -> None:
        page.route("**/artworks/images/**", serve)

    return route_images
