"""Touch targets and overflow on the pages a therapist opens most, on the demo practice.

At tablet size (1024 × 768, touch) and phone size (390 px) every control that stands on its
own — buttons, fields, menu entries, summaries, checkbox rows, links in a list row, a table
cell or an action bar — is at least 44 × 44 px (WCAG 2.5.5), and no page scrolls sideways.
A link inside a sentence is exempt, as the guideline allows. On the dashboard no target covers
another (two padded links side by side, or in rows one above the other).
"""

import base64

import pytest

from artchart.artworks.models import Artwork
from artchart.clients.models import CareTeamMembership, CareTeamRole
from artchart.core.models import User
from artchart.therapy.models import Note, NoteStatus, SessionStatus

pytestmark = pytest.mark.browser

TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "artchart-demo"
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
)

# What a finger aims at, and what it does not: off-screen skip links, and links in running
# text (a paragraph that is not a row of links).
TARGETS_TOO_SMALL = """(minimum) => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label.check';
  const small = [];
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.matches('.skip-link')) continue;
    if (el.matches('input[type=checkbox], input[type=radio]') && el.closest('label')) continue;
    // A file input drawn as its label (the photo page's camera and "Choose files"): the label is the target.
    if (el.matches('input[type=file]') && getComputedStyle(el).opacity === '0' && el.labels.length) {
      small.push(...[...el.labels].filter((l) => {
        const b = l.getBoundingClientRect();
        return b.width < minimum || b.height < minimum;
      }).map((l) => `label "${l.innerText.trim().slice(0, 40)}" for a file input`));
      continue;
    }
    const parent = el.parentElement;
    if (el.tagName === 'A' && parent.closest('p') && !parent.closest('.back, .link-row')) continue;
    if (box.width < minimum || box.height < minimum) {
      const text = (el.innerText || el.value || el.name || '').trim().slice(0, 40);
      small.push(`${el.tagName.toLowerCase()} "${text}" ${Math.round(box.width)}×${Math.round(box.height)}`);
    }
  }
  return small;
}"""


# Two targets a finger cannot tell apart: boxes (padding included) that cover each other by more than
# a hair. A control inside another (a checkbox in its label) is one target.
TARGETS_OVERLAPPING = """(tolerance) => {
  const controls = 'a[href], button, input:not([type=hidden]), select, textarea, summary, label.check';
  const boxes = [];
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect();
    if (!box.width || !box.height || getComputedStyle(el).visibility === 'hidden') continue;
    if (el.matches('.skip-link')) continue;
    boxes.push([el, box]);
  }
  const name = (el) => {
    const text = (el.innerText || el.value || el.name || '').trim().slice(0, 30);
    return `${el.tagName.toLowerCase()} "${text}"`;
  };
  const overlaps = [];
  boxes.forEach(([a, p], i) => {
    for (const [b, q] of boxes.slice(i + 1)) {
      if (a.contains(b) || b.contains(a)) continue;
      const across = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const down = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (across > tolerance && down > tolerance) {
        overlaps.push(`${name(a)} and ${name(b)} by ${Math.round(across)}×${Math.round(down)}`);
      }
    }
  });
  return overlaps;
}"""


def _core_pages() -> list[str]:
    """The therapist's own client with the most recent piece of artwork made in a session."""
    therapist = User.objects.get(username="therapist")
    primary_of = CareTeamMembership.objects.filter(user=therapist, role=CareTeamRole.PRIMARY).values("client_id")
    artwork = (
        Artwork.objects.filter(client_id__in=primary_of, session__status=SessionStatus.COMPLETED)
        .select_related("session")
        .order_by("-made_on", "-pk")
        .first()
    )
    client_id, session = artwork.client_id, artwork.session
    note = Note.objects.filter(client_id=client_id, status=NoteStatus.SIGNED).order_by("-pk").first()
    return [
        "/",
        "/clients/",
        f"/clients/{client_id}/",
        f"/clients/{client_id}/sessions/",
        f"/sessions/{session.pk}/",
        f"/sessions/{session.pk}/artworks/",
        f"/clients/{client_id}/notes/new/?session={session.pk}",
        f"/clients/{client_id}/notes/{note.pk}/",
        f"/clients/{client_id}/artworks/",
        f"/clients/{client_id}/artworks/{artwork.pk}/",
        f"/clients/{client_id}/measures/",
        "/schedule/",
        "/schedule/book/?date=2030-03-05&start=10:00",
    ]


def test_core_pages_have_finger_sized_targets_and_no_sideways_scroll(new_page, sign_in, shoot, load_demo):
    load_demo()  # once for both sizes: loading the demo is most of this test's time
    paths = _core_pages()
    therapist = User.objects.get(username="therapist")
    problems = {}
    for size, viewport, options in [("tablet", TABLET, {}), ("phone", PHONE, {"is_mobile": True})]:
        page = new_page(viewport=viewport, has_touch=True, **options)
        # The pictures are drawn from a blank image: this test measures the layout (each <img> has
        # its size), and the test server's in-memory SQLite cannot serve a page's many pictures at once.
        page.route("**/artworks/images/**", lambda route: route.fulfill(content_type="image/png", body=BLANK_PNG))
        sign_in(page, therapist, password=DEMO_PASSWORD)
        for path in paths:
            page.goto(path)
            # Hashes are folded behind "Verification details"; opened, they must still wrap.
            page.evaluate("() => document.querySelectorAll('details.verification').forEach(d => { d.open = true; })")
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            small = page.evaluate(TARGETS_TOO_SMALL, 44)
            # Targets on the dashboard sit side by side in its rows (Record, Send a link): none covers another.
            overlapping = page.evaluate(TARGETS_OVERLAPPING, 2) if path == "/" else []
            if overflow > 0 or small or overlapping:
                problems[f"{size} {path}"] = {
                    "scrolls sideways by": overflow,
                    "too small": small,
                    "overlapping": overlapping,
                }
        shoot(page, size)
    assert not problems, problems
