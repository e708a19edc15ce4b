"""URL access cases for the artworks pages (gathered by artchart/tests/test_url_access.py).

Artworks follow the NOTES row of the access table (a treatment-team viewer gets
403, someone outside the chart 404). On top of the table: rating is for those
who write or co-sign the client's notes (clinicians and supervisors); the
images themselves are served only through a view that checks the same row (and,
for someone who sees the client only as a supervisor, the supervision consent —
``objs`` records one, so here the supervisor sees them).
"""

from __future__ import annotations

from dataclasses import dataclass

from artchart.core.permissions import Action, Area, allows, relations_of
from artchart.tests.access_rules import CLINICAL_CREATORS, OK, Case, Chart, Roles, c

NOTES = {action: Chart(Area.NOTES, action) for action in Action}
CLINICIANS = Roles(CLINICAL_CREATORS)


@dataclass(frozen=True)
class Rater:
    """Who reads the artwork may open it; rating needs write or co-sign on the client's notes."""

    def expect(self, person, client_id: int):
        expected = NOTES[Action.READ].expect(person, client_id)
        if expected != OK:
            return expected
        relations = relations_of(person, client_id)
        rates = allows(relations, Area.NOTES, Action.WRITE) or allows(relations, Area.NOTES, Action.COSIGN)
        return OK if rates else 403


def art(name: str = "artwork", **more):
    """kwargs for a page about one artwork: the client, the artwork, and any ids named in ``more``."""
    return lambda o: {**c(o), "artwork_id": o[name].pk, **{k: f(o) for k, f in more.items()}}


def photo(o) -> int:
    return o["photo"].pk


def session(name: str):
    return lambda o: {"session_id": o[name].pk}


RULES: dict[str, Case] = {
    "artworks:timeline": Case(NOTES[Action.READ], kwargs=c),
    "artworks:create": Case(NOTES[Action.WRITE], kwargs=c),
    "artworks:detail": Case(NOTES[Action.READ], kwargs=art()),
    "artworks:edit": Case(NOTES[Action.WRITE], kwargs=art()),
    "artworks:rate": Case(Rater(), kwargs=art()),
    "artworks:grant_add": Case(
        NOTES[Action.WRITE],
        method="post",
        kwargs=art(),
        data=lambda o: {"scope": "exhibit", "granted_on": "2026-01-05"},
    ),
    "artworks:grant_revoke": Case(NOTES[Action.WRITE], method="post", kwargs=art(grant_id=lambda o: o["grant"].pk)),
    "artworks:photos_add": Case(NOTES[Action.WRITE], method="post", kwargs=art()),
    "artworks:photo_primary": Case(NOTES[Action.WRITE], method="post", kwargs=art(photo_id=photo)),
    "artworks:photo_status": Case(NOTES[Action.READ], kwargs=art(photo_id=photo)),
    "artworks:photo_corners": Case(NOTES[Action.WRITE], kwargs=art(photo_id=photo)),
    "artworks:photo_corners_reset": Case(NOTES[Action.WRITE], method="post", kwargs=art(photo_id=photo)),
    "artworks:image": Case(NOTES[Action.READ], kwargs=lambda o: {"photo_id": photo(o), "variant": "small"}),
    "artworks:agreement": Case(CLINICIANS),
    # An individual session: filing its artwork needs write on the client's notes.
    "artworks:session_upload": Case(NOTES[Action.WRITE], kwargs=session("art_session")),
    "artworks:session_photo": Case(NOTES[Action.WRITE], method="post", kwargs=session("art_session")),
}

API_OPERATIONS: list[tuple[str, str, str]] = []


def objs(base: dict) -> dict:
    """For the artworks pages and API: a PPAT drawing of ``client`` with one analysed photo, a mask
    over it, a second piece (for comparing), the consents photos and supervision need, an exhibit
    grant; a group session ``client`` attended."""
    import datetime as dt

    from artchart.artworks.models import AssessmentType
    from artchart.artworks.services.artworks import grant_add
    from artchart.artworks.services.photos import annotation_add
    from artchart.tests.factories import (
        AttendanceFactory,
        ConsentFactory,
        GroupFactory,
        GroupMembershipFactory,
        SessionFactory,
        _at,
        artwork_with_photo,
    )

    client, therapist = base["client"], base["therapist"]
    for kind in ("record", "supervision", "exhibit"):
        ConsentFactory(client=client, kind=kind, recorded_by=therapist)
    # A day in the past: the factory's sequence of days runs into the future after a few hundred
    # sessions in one test process, and a piece cannot be made in the future.
    session = SessionFactory(client=client, therapist=therapist, starts_at=_at(dt.date(2026, 3, 2)))
    ppat = AssessmentType.objects.get(code="ppat", organization=None)
    artwork = artwork_with_photo(
        by=therapist,
        client=client,
        seed=1,
        session=session,
        assessment=ppat,
        title="Apple picking",
        made_on=session.starts_at.date(),
    )
    second = artwork_with_photo(by=therapist, client=client, seed=2, title="Later drawing")
    first_photo = artwork.photos.get()
    mask = annotation_add(
        by=therapist, photo=first_photo, kind="cover", x=0.7, y=0.85, w=0.25, h=0.1, note="Client's name"
    )
    grant = grant_add(by=therapist, artwork=artwork, scope="exhibit", granted_on=session.starts_at.date())
    group = GroupFactory(site=client.site, name="Art studio", facilitators=[therapist])
    GroupMembershipFactory(group=group, client=client)
    group_session = SessionFactory(kind="group", client=None, group=group, therapist=therapist)
    AttendanceFactory(session=group_session, client=client)
    return {
        "artwork": artwork,
        "second_artwork": second,
        "photo": first_photo,
        "mask": mask,
        "grant": grant,
        "art_session": session,
        "art_group_session": group_session,
    }
