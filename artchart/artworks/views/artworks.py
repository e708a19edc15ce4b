"""Pages for a client's artworks: the timeline, recording and correcting a piece, the artwork
page (photos, statement, analysis, signed ratings, the computer's estimates in a block of their own,
consent badges),
rating a piece, grants beyond the record, and agreement between raters."""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart import outcomes
from artchart.artworks import selectors
from artchart.artworks.forms import DETAIL_FIELDS, ArtworkForm, GrantForm, RatingForm, TimelineFilterForm
from artchart.artworks.services import artworks as services
from artchart.artworks.services.consent import badges, scopes_in_force
from artchart.artworks.services.ratings import may_rate, rating_intact, rating_sign, systems_for
from artchart.artworks.views.photos import analysis_context, palette_strip
from artchart.core.access import Conflict
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.permissions import Action, Area
from artchart.therapy.selectors.sessions import sessions_of_client

SAVED = UserMessage("artwork_saved", "Saved.")
RATED = UserMessage("rating_signed", "Your rating is signed and saved.")
GRANTED = UserMessage("use_granted", "Granted.")
GRANT_WITHDRAWN = UserMessage(
    "use_grant_withdrawn", "The grant is withdrawn; the piece is out of that use from now on."
)
AGREEMENT_ROLES = (Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)


def _choices(access):
    return {
        "assessments": services.assessments_for(access.client.organization_id),
        "sessions": sessions_of_client(access),
    }


def _by_month(artworks) -> list[tuple]:
    """[(first day of the month, [tile, …]), …] in the order made; a tile has the piece, its main
    photo, its features and its palette strip (all from the prefetched photos and analyses), and
    whether it was analysed without a page."""
    tiles = []
    for artwork in artworks:
        features = selectors.features_of(artwork)
        tiles.append(
            {
                "artwork": artwork,
                "photo": selectors.primary_photo(artwork),
                "features": features,
                "strip": palette_strip(features),
                "without_page": selectors.without_page(artwork, features),
            }
        )
    return [(month, list(items)) for month, items in groupby(tiles, key=lambda t: t["artwork"].made_on.replace(day=1))]


@require_GET
@login_required
def timeline(request, client_id: int):
    access = selectors.artwork_access(request.user, client_id)
    filters = TimelineFilterForm(request.GET or None, **_choices(access))
    artworks = list(selectors.artworks_of(access, **filters.filters()))
    return render(
        request,
        "artworks/timeline.html",
        {
            "nav": "clients",
            "client": access.client,
            "filters": filters,
            "months": _by_month(artworks),
            "count": len(artworks),
            "filtered": filters.is_bound and any(filters.filters().values()),
            "may_write": access.may(Area.NOTES, Action.WRITE),
            "images": selectors.images_allowed(access),
        },
    )


def _form_page(request, access, form, *, title, artwork=None, status=200):
    return render(
        request,
        "artworks/form.html",
        {"nav": "clients", "client": access.client, "form": form, "title": title, "artwork": artwork},
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def create(request, client_id: int):
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    session = sessions_of_client(access).filter(pk=request.GET.get("session") or 0).first()
    initial = {
        "session": session,
        "made_on": timezone.localtime(session.starts_at).date() if session else timezone.localdate(),
    }
    form = ArtworkForm(
        request.POST or None, request.FILES or None, initial=initial, with_photos=True, **_choices(access)
    )
    if request.method == "POST" and form.is_valid():
        try:
            artwork = services.artwork_create(
                by=request.user,
                client=access.client,
                photos=form.uploads(),
                inquiry=form.inquiry,
                **form.artwork_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("artworks:detail", client_id, artwork.pk)
    return _form_page(
        request,
        access,
        form,
        title=f"Record a piece by {access.client.display_name}",
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@login_required
def edit(request, client_id: int, artwork_id: int):
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    artwork = selectors.artwork_get(access, artwork_id)
    initial = {name: getattr(artwork, name) for name in DETAIL_FIELDS}
    form = ArtworkForm(
        request.POST or None,
        initial=initial,
        inquiry=[(i.question, i.answer) for i in artwork.inquiry.all()],
        **_choices(access),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.artwork_update(by=request.user, artwork=artwork, inquiry=form.inquiry, **form.artwork_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, SAVED)
            return redirect("artworks:detail", client_id, artwork.pk)
    return _form_page(
        request, access, form, title=f"Change “{artwork}”", artwork=artwork, status=400 if form.errors else 200
    )


def _ratings_tables(artwork) -> list[dict]:
    """Per rating system: rows = scales, columns = each rater's signed scores. Signed ratings only:
    the computer's estimates have a block of their own and never sit among them."""
    tables = []
    for system in systems_for(artwork):
        ratings = [r for r in artwork.ratings.all() if r.system == system.code]
        rows = [{"name": scale.name, "scores": [r.scores.get(scale.key) for r in ratings]} for scale in system.scales]
        tables.append(
            {
                "system": system,
                "rows": rows,
                "raters": [{"rating": r, "intact": rating_intact(r)} for r in ratings],
            }
        )
    return tables


@require_GET
@login_required
def detail(request, client_id: int, artwork_id: int):
    access = selectors.artwork_access(request.user, client_id)
    artwork = selectors.artwork_get(access, artwork_id)
    photos = list(artwork.photos.all())
    primary = selectors.primary_photo(artwork)
    analysis = analysis_context(access, artwork, primary) if primary else None
    may_write = access.may(Area.NOTES, Action.WRITE)
    rated = {r.system for r in artwork.ratings.all() if r.rater_id == request.user.pk}
    return render(
        request,
        "artworks/detail.html",
        {
            "nav": "clients",
            "client": access.client,
            "artwork": artwork,
            "photos": photos,
            "primary": primary,
            "analysis": analysis,
            "images": selectors.images_allowed(access),
            "may_write": may_write,
            "may_rate": may_rate(access.relations),
            "systems": systems_for(artwork),
            "rated": rated,
            "to_rate": [s for s in systems_for(artwork) if s.code not in rated],
            "ratings": _ratings_tables(artwork),
            "estimates": selectors.feats_estimates_of(artwork),
            "badges": badges(artwork, scopes_in_force(access.client.pk)),
            "grants": [g for g in artwork.grants.all() if g.revoked_on is None],
            "grant_form": GrantForm() if may_write else None,
            "agreement_link": request.user.role in AGREEMENT_ROLES,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def rate(request, client_id: int, artwork_id: int):
    access = selectors.artwork_access(request.user, client_id)
    if not may_rate(access.relations):
        raise PermissionDenied("Only the client's clinicians and their supervisors rate artwork.")
    artwork = selectors.artwork_get(access, artwork_id)
    systems = {s.code: s for s in systems_for(artwork)}
    photo = selectors.primary_photo(artwork) if selectors.images_allowed(access) else None
    context = {
        "nav": "clients",
        "client": access.client,
        "artwork": artwork,
        "systems": systems.values(),
        "photo": photo,
    }
    if not systems:
        return render(request, "artworks/rate.html", {**context, "form": None})
    system = systems.get(request.GET.get("system") or "") or next(iter(systems.values()))
    form = RatingForm(request.POST or None, system=system)
    if request.method == "POST" and form.is_valid():
        try:
            rating_sign(
                by=request.user,
                artwork=artwork,
                system=system.code,
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except Conflict as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, RATED)
            return redirect("artworks:detail", client_id, artwork.pk)
    return render(
        request, "artworks/rate.html", {**context, "form": form, "system": system}, status=400 if form.errors else 200
    )


@require_POST
@login_required
def grant_add(request, client_id: int, artwork_id: int):
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    artwork = selectors.artwork_get(access, artwork_id)
    form = GrantForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError([f"{form.fields[k].label or k}: {' '.join(v)}" for k, v in form.errors.items()])
        services.grant_add(by=request.user, artwork=artwork, **form.cleaned_data)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, GRANTED)
    return redirect("artworks:detail", client_id, artwork.pk)


@require_POST
@login_required
def grant_revoke(request, client_id: int, artwork_id: int, grant_id: int):
    access = selectors.artwork_access(request.user, client_id, action=Action.WRITE)
    artwork = selectors.artwork_get(access, artwork_id)
    grant = selectors.grant_get_for_user(request.user, grant_id)
    if grant.artwork_id != artwork.pk:
        raise Http404
    services.grant_revoke(by=request.user, grant=grant)
    messages.success(request, GRANT_WITHDRAWN)
    return redirect("artworks:detail", client_id, artwork.pk)


RESEARCH = "estimates"  # ?include=estimates: the research view, the computer's estimates beside each rater


@require_GET
@login_required
def agreement(request):
    if request.user.role not in AGREEMENT_ROLES:
        raise PermissionDenied("Agreement between raters is for the practice's clinicians.")
    research = request.GET.get("include") == RESEARCH
    report = selectors.agreement_by_scale(selectors.rated_artworks_for(request.user), include_estimates=research)
    return render(
        request,
        "artworks/agreement.html",
        {
            "nav": "dashboard",
            "raters": report.raters,
            "scales": [{"scale": s, **_figure(s.result)} for s in report.scales],
            "research": None if report.research is None else [{"row": r, **_figure(r.result)} for r in report.research],
            "min_artworks": selectors.MIN_ARTWORKS,
            "caution": selectors.ESTIMATES_CAUTION,
        },
    )


# Cicchetti 1994: guidelines for interpreting ICC and kappa in clinical assessment.
BANDS = ((0.75, "excellent"), (0.60, "good"), (0.40, "fair"))


def _figure(result) -> dict:
    if isinstance(result, outcomes.Agreement):
        band = next((name for low, name in BANDS if result.value >= low), "poor")
        return {"value": result.value, "low": result.low, "high": result.high, "method": result.method, "band": band}
    return {"value": None, "reason": getattr(result, "reason", "")}
