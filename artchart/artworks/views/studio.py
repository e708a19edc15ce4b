"""The studio pages about a client's body of work: annotations drawn over a photo, two
pieces side by side, the retrospective (full screen on a tablet, printed as the
client's booklet) and trends of the formal elements as SVG charts."""

from __future__ import annotations

import math
from collections import OrderedDict
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart.artworks import selectors
from artchart.artworks.forms import AnnotationForm, CompareForm
from artchart.artworks.models import Annotation, Dimension
from artchart.artworks.presentation import BY_KEY, Feature
from artchart.artworks.services import photos as photo_services
from artchart.core import charts
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.permissions import Action, Area

MARK_ADDED = UserMessage("annotation_mark_added", "Mark added.")
MASK_ADDED = UserMessage("annotation_mask_added", "Mask added. The de-identified copy now hides that area.")
REMOVED = UserMessage("annotation_removed", "Annotation removed.")
MASK_REMOVED = UserMessage(
    "annotation_mask_removed", "Mask removed. The de-identified copy has been made again without it."
)
DEIDENTIFIED_SENTENCE = UserMessage(
    "deidentified_copy_use",
    "This de-identified copy is the one used wherever the image goes beyond the record, "
    "such as an exhibit, a publication or research. The original photo above is kept "
    "unchanged in the record.",
)
TOO_FEW = UserMessage("too_few_for_trends", "Trends need at least two analysed pieces; {count} so far.")
NOT_DIAGNOSIS = UserMessage(
    "features_not_diagnosis",
    "These are formal elements of the artwork measured by the computer from the photos: "
    "what is on the page, not what it means. They are not a diagnosis and do not replace "
    "your clinical judgement.",
)


# --- presenting features -----------------------------------------------------------------------


# The measures compared side by side; their names and meanings are the artwork page's.
MEASURES = tuple(
    BY_KEY[key]
    for key in (
        "coverage",
        "filled_fraction",
        "color_count",
        "saturation_mean",
        "lightness_mean",
        "warm_share",
        "edge_density",
        "components",
        "symmetry_lr",
    )
)


def _value(measure: Feature, artwork, features: dict | None):
    if features is None or (measure.flat_only and artwork.dimension != Dimension.FLAT):
        return None
    value = features.get(measure.key)
    return None if value is None else float(value)


def _shown(measure: Feature, value) -> str:
    return "—" if value is None else measure.shown(value)


def _difference(measure: Feature, first, second) -> str:
    """The second minus the first, from the values as shown (so 3 % and 3 % is no change)."""
    if first is None or second is None:
        return "—"
    if measure.percent:
        change = round(second * 100) - round(first * 100)
        unit = " point" if abs(change) == 1 else " points"
    else:
        change, unit = second - first, ""
    return "no change" if change == 0 else f"{change:+g}{unit}"


@dataclass(frozen=True)
class Side:
    artwork: object
    photo: object
    features: dict | None

    @property
    def palette(self) -> list[dict]:
        return (self.features or {}).get("palette") or []

    @property
    def without_page(self) -> bool:
        return selectors.without_page(self.artwork, self.features)

    @property
    def page_shown(self) -> bool:
        """Show the straightened page rather than the photo (the retrospective shows the drawing)."""
        return bool(self.photo is not None and self.photo.thumb_page and (self.features or {}).get("page_corners"))

    @property
    def page_size(self) -> tuple[int, int]:
        """Width and height of the straightened page, in proportion: the means of opposite sides,
        as the imaging core straightens it (so the image's box is right before it loads)."""
        (a, b, c, d) = (self.features or {})["page_corners"]
        width = (math.dist(a, b) + math.dist(d, c)) / 2
        height = (math.dist(a, d) + math.dist(b, c)) / 2
        return round(width), round(height)


def _side(artwork) -> Side:
    return Side(artwork, selectors.primary_photo(artwork), selectors.features_of(artwork))


def _rows(sides: list[Side]) -> list[dict]:
    """Each measure for the two pieces, as shown, with the difference."""
    rows = []
    for measure in MEASURES if sides else ():
        first, second = (_value(measure, side.artwork, side.features) for side in sides)
        rows.append(
            {
                "measure": measure,
                "first": _shown(measure, first),
                "second": _shown(measure, second),
                "difference": _difference(measure, first, second),
            }
        )
    return rows


def _images(access) -> dict:
    """Whether the pages may show the photos (a supervisor-only viewer needs the supervision consent)."""
    return {"images": selectors.images_allowed(access), "no_images": selectors.NO_SUPERVISION_CONSENT}


# --- annotations -------------------------------------------------------------------------------


def _photo_of(request, client_id: int, artwork_id: int, photo_id: int, action: Action):
    access = selectors.artwork_access(request.user, client_id, action=action)
    artwork = selectors.artwork_get(access, artwork_id)
    photo = next((p for p in artwork.photos.all() if p.pk == photo_id), None)
    if photo is None:
        raise Http404
    return access, artwork, photo


@require_http_methods(["GET", "POST"])
@login_required
def annotate(request, client_id: int, artwork_id: int, photo_id: int):
    action = Action.WRITE if request.method == "POST" else Action.READ
    access, artwork, photo = _photo_of(request, client_id, artwork_id, photo_id, action)
    form = AnnotationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            annotation = photo_services.annotation_add(by=request.user, photo=photo, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, MASK_ADDED if annotation.is_mask else MARK_ADDED)
            return redirect("artworks:annotate", access.client.pk, artwork.pk, photo.pk)
    annotations = list(Annotation.objects.filter(photo=photo).select_related("author"))
    return render(
        request,
        "artworks/studio_annotate.html",
        {
            "nav": "clients",
            "client": access.client,
            "artwork": artwork,
            "photo": photo,
            "form": form,
            "annotations": annotations,
            "has_masks": any(a.is_mask for a in annotations),
            "may_write": access.may(Area.NOTES, Action.WRITE),
            "deidentified_sentence": DEIDENTIFIED_SENTENCE,
            **_images(access),
        },
    )


@require_POST
@login_required
def annotation_delete(request, client_id: int, artwork_id: int, annotation_id: int):
    annotation = selectors.annotation_get_for_user(request.user, annotation_id)
    artwork = annotation.photo.artwork
    if artwork.pk != artwork_id or artwork.client_id != client_id:
        raise Http404
    was_mask = annotation.is_mask
    photo_services.annotation_delete(by=request.user, annotation=annotation)
    messages.success(request, MASK_REMOVED if was_mask else REMOVED)
    return redirect("artworks:annotate", client_id, artwork_id, annotation.photo_id)


# --- two pieces side by side -------------------------------------------------------------------


@require_GET
@login_required
def compare(request, client_id: int):
    access = selectors.artwork_access(request.user, client_id)
    artworks = list(selectors.artworks_of(access))
    by_id = {a.pk: a for a in artworks}
    asked = [request.GET.get(k, "") for k in ("a", "b", "first")]
    if any(v.isdigit() and int(v) not in by_id for v in asked):
        raise Http404  # a piece that is not this client's
    chosen = "a" in request.GET or "b" in request.GET  # ?first= only preselects the first chooser
    form = CompareForm(request.GET if chosen else None, artworks=artworks, initial={"a": asked[2]})
    sides = []
    if chosen and form.is_valid():
        sides = [_side(by_id[form.cleaned_data["a"]]), _side(by_id[form.cleaned_data["b"]])]
    return render(
        request,
        "artworks/studio_compare.html",
        {
            "nav": "clients",
            "client": access.client,
            "form": form,
            "sides": sides,
            "rows": _rows(sides),
            "artwork_count": len(artworks),
            **_images(access),
        },
    )


# --- the retrospective -------------------------------------------------------------------------


@require_GET
@login_required
def retrospective(request, client_id: int):
    access = selectors.artwork_access(request.user, client_id)
    pieces = [_side(a) for a in selectors.artworks_of(access)]
    shown = [p for p in pieces if p.photo is not None]
    client = access.client
    return render(
        request,
        "artworks/studio_retrospective.html",
        {
            "nav": "clients",
            "client": client,
            "pieces": shown,
            "without_photo": len(pieces) - len(shown),
            "without_page": sum(p.without_page for p in shown),
            "first_name": client.preferred_name or client.legal_first_name,
            "span": _span(shown[0].artwork.made_on, shown[-1].artwork.made_on) if shown else "",
            **_images(access),
        },
    )


def _span(first, last) -> str:
    """ "March 2026", "March – June 2026" or "November 2025 – February 2026"."""
    if (first.year, first.month) == (last.year, last.month):
        return f"{first:%B %Y}"
    if first.year == last.year:
        return f"{first:%B} – {last:%B %Y}"
    return f"{first:%B %Y} – {last:%B %Y}"


# --- trends ------------------------------------------------------------------------------------

TREND_MEASURES = [m for m in MEASURES if m.key in ("coverage", "color_count", "filled_fraction")]


def _trend_chart(measure: Feature, points) -> str:
    series = [
        charts.Point(p.day, value, label=p.artwork.title or "Untitled")
        for p in points
        if (value := _value(measure, p.artwork, p.features)) is not None
    ]
    percent = (lambda v: f"{round(v * 100)} %") if measure.percent else (lambda v: f"{v:g}")
    return charts.line_chart(
        series,
        title=f"{measure.name} over treatment",
        y_label=measure.name,
        value_format=percent,
        y_min=0,
        y_max=1 if measure.percent else None,
        integer=not measure.percent,
        empty_message="No 2-D pieces analysed yet." if measure.flat_only else charts.EMPTY,
    )


def _palette_rows(points) -> list[charts.StripRow]:
    """One row per session (the pieces made in it, their palettes averaged), or per piece
    for work filed without a session."""
    groups: OrderedDict = OrderedDict()
    for point in points:
        key = ("session", point.artwork.session_id) if point.artwork.session_id else ("artwork", point.artwork.pk)
        groups.setdefault(key, []).append(point)
    rows = []
    for members in groups.values():
        shares: dict[str, list] = {}
        for point in members:
            for colour in point.features.get("palette") or []:
                entry = shares.setdefault(colour["hex"], [colour.get("name", ""), 0.0])
                entry[1] += float(colour["share"]) / len(members)
        titles = "; ".join(p.artwork.title or "Untitled" for p in members)
        rows.append(
            charts.StripRow(
                label=f"{members[0].day.day} {members[0].day:%b %Y}",
                title=f"{members[0].day.day} {members[0].day:%B %Y}: {titles}",
                swatches=[
                    charts.Swatch(hex_, share, name)
                    for hex_, (name, share) in sorted(shares.items(), key=lambda item: -item[1][1])
                ],
            )
        )
    return rows


@require_GET
@login_required
def trends(request, client_id: int):
    access = selectors.artwork_access(request.user, client_id)
    analysed = selectors.trend_points(access)
    # A piece analysed without a page has no figures of its own drawing: it is listed, not charted.
    points = [p for p in analysed if not p.without_page]
    enough = len(points) >= 2
    sections = [{"measure": m, "chart": mark_safe(_trend_chart(m, points))} for m in TREND_MEASURES] if enough else []
    palette = (
        mark_safe(charts.palette_strip(_palette_rows(points), title="Colours used, session by session"))
        if enough
        else ""
    )
    return render(
        request,
        "artworks/studio_trends.html",
        {
            "nav": "clients",
            "client": access.client,
            "enough": enough,
            "sections": sections,
            "palette": palette,
            "too_few": TOO_FEW.format(count=len(points)),
            "not_diagnosis": NOT_DIAGNOSIS,
            "sculptures": sum(p.artwork.dimension != Dimension.FLAT for p in points),
            "pieces": analysed,
            "without_page": len(analysed) - len(points),
            "may_write": access.may(Area.NOTES, Action.WRITE),
            **_images(access),
        },
    )
