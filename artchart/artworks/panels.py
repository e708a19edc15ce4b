"""The artworks app's cards: an "Artwork" card on the client's chart (the latest pieces), the
pieces made in a session on the session's page, the client's pieces of the session (with
their titles and the client's words) in the note written for it, and on a clinician's dashboard the photos whose
analysis failed and, for supervisors and interns, the way to the agreement between raters."""

from __future__ import annotations

from artchart.artworks import selectors
from artchart.artworks.models import AnalysisStatus, Photo
from artchart.artworks.services.consent import consent_in_force
from artchart.clients.models import ConsentKind
from artchart.clients.selectors import shown
from artchart.core.models import Role
from artchart.core.panel_registry import Panel
from artchart.core.permissions import Action, Area, allows, client_ids_allowing, relations_of

LATEST = 6
FAILED_ROWS = 5
CLINICIANS = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)


def chart_panels(access) -> list[Panel]:
    if not access.may(Area.NOTES, Action.READ):
        return []
    artworks = selectors.artworks_of(access)
    latest = list(artworks.order_by("-made_on", "-pk")[:LATEST])
    return [
        Panel(
            "artworks/_chart_card.html",
            {
                "client": access.client,
                "count": artworks.count(),
                "images": selectors.images_allowed(access),
                "latest": [{"artwork": a, "photo": selectors.primary_photo(a)} for a in latest],
                "may_write": access.may(Area.NOTES, Action.WRITE),
            },
            order=32,
        )
    ]


# The session's pieces: on a client's note, the note's own card shows that client's with their words.
SESSION_PIECES = "artworks.session_pieces"


def session_panels(user, session) -> list[Panel]:
    artworks = selectors.artworks_of_session(user, session)
    # A group session shows several clients' pieces: thumbnails only where this viewer treats the
    # client, or sees them as a supervisor under the client's supervision consent.
    treated = {
        client_id
        for client_id in {a.client_id for a in artworks}
        if allows(relations_of(user, client_id), Area.NOTES, Action.WRITE)
    }
    supervised = {
        client_id: consent_in_force(client_id, ConsentKind.SUPERVISION) is not None
        for client_id in {a.client_id for a in artworks} - treated
    }
    for artwork in artworks:
        allowed = artwork.client_id in treated or supervised[artwork.client_id]
        artwork.shown_photo = selectors.primary_photo(artwork) if allowed else None
    if session.client_id:
        # Asked of the relations the page has already read (the access scope), not as another query.
        may_add = allows(relations_of(user, session.client_id), Area.NOTES, Action.WRITE)
    else:
        may_add = user.role in CLINICIANS
    if not (artworks or may_add):
        return []
    return [
        Panel(
            "artworks/_session_card.html",
            {"session": session, "artworks": artworks, "may_add": may_add},
            order=45,
            key=SESSION_PIECES,
        )
    ]


def note_panels(user, client, session) -> list[Panel]:
    """The client's pieces of the session, in the note: the client's title and words are kept on
    the piece and shown here, so the note's own fields for them are left out."""
    if session is None:
        return []
    artworks = [a for a in selectors.artworks_of_session(user, session) if a.client_id == client.pk]
    if not artworks:
        return []
    for artwork in artworks:
        artwork.shown_photo = selectors.primary_photo(artwork)
    may_add = allows(relations_of(user, client.pk), Area.NOTES, Action.WRITE)
    return [
        Panel(
            "artworks/_note_card.html",
            {"artworks": artworks, "client": client, "session": session, "may_add": may_add},
            order=45,
            fills=("client_title", "client_words"),
            supersedes=(SESSION_PIECES,),
        )
    ]


def dashboard_panels(user) -> list[Panel]:
    if user.role not in CLINICIANS:
        return []
    failed = list(
        Photo.objects.filter(
            analysis_status=AnalysisStatus.FAILED,
            artwork__client_id__in=client_ids_allowing(user, Area.NOTES, Action.WRITE),
        )
        .select_related("artwork__client")
        .order_by("-uploaded_at")[:FAILED_ROWS]
    )
    agreement = user.role in (Role.SUPERVISOR, Role.INTERN)
    if not (failed or agreement):
        return []
    shown(photo.artwork.client for photo in failed)
    return [Panel("artworks/_dashboard_card.html", {"failed": failed, "agreement": agreement}, order=55)]
