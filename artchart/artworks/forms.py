"""Forms of the artworks pages: an artwork's details (with its inquiry and first photos),
filters of the timeline, a rating, a grant; the studio's annotation and comparison; the
practice's assessment types. They parse; the services decide."""

from __future__ import annotations

from django import forms
from django.forms.models import fields_for_model

from artchart.artworks.models import PER_ARTWORK_SCOPES, AnnotationKind, Artwork, Media
from artchart.artworks.services import assessments
from artchart.artworks.services.ratings import RatingSystem
from artchart.clients.models import ConsentKind

DETAIL_FIELDS = (
    "title",
    "made_on",
    "session",
    "media",
    "dimension",
    "width_cm",
    "height_cm",
    "depth_cm",
    "statement",
    "observations",
    "assessment",
    "protocol_variant",
    "time_taken_minutes",
    "time_limit_minutes",
    "disposition",
    "disposition_note",
)
BLANK_INQUIRY_ROWS = 3
MAX_INQUIRY_ROWS = 20
HALF_POINTS = [(f"{n / 2:g}", f"{n / 2:g}") for n in range(11)]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files from one input; the imaging core, not the form, judges them."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*", "multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(MultipleImageField, self).clean(f, initial) for f in files]


class ArtworkForm(forms.Form):
    """The details of a piece and its post-drawing inquiry (rows ``question-N`` / ``answer-N``)."""

    def __init__(self, data=None, files=None, *, sessions, assessments, inquiry=(), with_photos=False, **kwargs):
        super().__init__(data, files, **kwargs)
        self.fields.update(
            fields_for_model(
                Artwork,
                fields=DETAIL_FIELDS,
                widgets={
                    "made_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                    "statement": forms.Textarea(attrs={"rows": 3}),
                    "observations": forms.Textarea(attrs={"rows": 4}),
                },
            )
        )
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: f"{s.starts_at:%b %-d, %Y} · {s.get_kind_display()}"
        self.fields["session"].empty_label = "Not made in a session"
        self.fields["assessment"].queryset = assessments
        self.fields["assessment"].empty_label = "None (free work)"
        self.fields["statement"].help_text = "In the client's own words."
        self.fields["time_taken_minutes"].label = "Time taken (minutes)"
        self.fields["time_limit_minutes"].label = "Time limit (minutes)"
        self.fields["width_cm"].label, self.fields["height_cm"].label = "Width (cm)", "Height (cm)"
        self.fields["depth_cm"].label = "Depth (cm, 3-D work)"
        self.fields["disposition"].label = "Where the original is"
        if with_photos:
            self.fields["photos"] = MultipleImageField(
                label="Photos", help_text="JPEG, PNG, WebP or HEIC; several at once; drop them here too."
            )
            camera = forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"})
            self.fields["camera"] = forms.FileField(required=False, label="Take a photo", widget=camera)
        given = self._given_inquiry(data) if data is not None else list(inquiry)
        self.inquiry_rows = list(enumerate(given + [("", "")] * BLANK_INQUIRY_ROWS))

    @staticmethod
    def _given_inquiry(data) -> list[tuple[str, str]]:
        rows = []
        for index in range(MAX_INQUIRY_ROWS + BLANK_INQUIRY_ROWS + 5):
            question = (data.get(f"question-{index}") or "").strip()
            answer = (data.get(f"answer-{index}") or "").strip()
            if question or answer:
                rows.append((question, answer))
        return rows

    def clean(self):
        cleaned = super().clean()
        rows = self._given_inquiry(self.data)
        if any(answer and not question for question, answer in rows):
            self.add_error(None, "Each inquiry answer needs its question.")
        self.inquiry = [{"question": q, "answer": a} for q, a in rows if q]
        return cleaned

    def artwork_fields(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in DETAIL_FIELDS}

    def uploads(self) -> list:
        photos = list(self.cleaned_data.get("photos") or [])
        if self.cleaned_data.get("camera"):
            photos.append(self.cleaned_data["camera"])
        return photos


class TimelineFilterForm(forms.Form):
    media = forms.ChoiceField(required=False, choices=[("", "Any media"), *Media.choices])
    assessment = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any assessment or none")
    session = forms.ModelChoiceField(required=False, queryset=None, empty_label="Any session")

    def __init__(self, data=None, *, assessments, sessions):
        super().__init__(data)
        self.fields["assessment"].queryset = assessments
        self.fields["session"].queryset = sessions
        self.fields["session"].label_from_instance = lambda s: f"{s.starts_at:%b %-d, %Y}"

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "media": data.get("media") or "",
            "assessment_id": data["assessment"].pk if data.get("assessment") else None,
            "session_id": data["session"].pk if data.get("session") else None,
        }


class RatingForm(forms.Form):
    """One select per scale (0–5 in half points), named by the scale only."""

    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, data=None, *, system: RatingSystem):
        super().__init__(data)
        self.system = system
        scale_fields = {}
        for scale in system.scales:
            steps = int(round((scale.high - scale.low) / scale.step))
            values = [f"{scale.low + i * scale.step:g}" for i in range(steps + 1)]
            scale_fields[scale.key] = forms.ChoiceField(
                label=scale.name, choices=[("", "—"), *zip(values, values, strict=True)]
            )
        self.fields = {**scale_fields, "comment": self.fields["comment"]}

    def scale_fields(self):
        return [self[scale.key] for scale in self.system.scales]

    def scores(self) -> dict:
        return {scale.key: self.cleaned_data[scale.key] for scale in self.system.scales}


class GrantForm(forms.Form):
    scope = forms.ChoiceField(
        label="Use",
        choices=[(k.value, ConsentKind(k).label.removeprefix("Artwork: ").capitalize()) for k in PER_ARTWORK_SCOPES],
    )
    granted_on = forms.DateField(label="Client agreed on", widget=forms.DateInput(attrs={"type": "date"}))


class AssessmentTypeForm(forms.Form):
    name = forms.CharField(max_length=120)
    task = forms.CharField(
        max_length=400,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The instruction given to the client.",
    )
    media = forms.CharField(max_length=200, required=False, help_text="Paper size and drawing materials.")
    standard_media = forms.ChoiceField(
        label="Standard medium",
        required=False,
        choices=[("", "None prescribed"), *Media.choices],
        help_text="The medium the protocol prescribes; the computer's estimates of a piece in another are "
        "flagged “medium differs”.",
    )
    source = forms.CharField(max_length=200, required=False, help_text="Author and year, or your own protocol.")
    feats_ratable = forms.BooleanField(
        label="Rated with FEATS",
        required=False,
        help_text="For drawings with a published FEATS adaptation. Never for collage or 3-D work.",
    )
    rating_scales = forms.CharField(
        label="Rating scales of its own",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="One per line: name, lowest, highest, step — e.g. “Use of space, 0, 5, 1”.",
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["rating_scales"] = assessments.parse_scales(data["rating_scales"])
        return data


def _fraction(label: str, help_text: str, minimum: float = 0) -> forms.FloatField:
    return forms.FloatField(
        label=label,
        min_value=minimum,
        max_value=1,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.001", "min": minimum, "max": 1}),
    )


class AnnotationForm(forms.Form):
    kind = forms.ChoiceField(
        label="Kind", choices=AnnotationKind.choices, initial=AnnotationKind.MARK, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="Note",
        max_length=500,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "e.g. the house she drew first"}),
        help_text="For a mark, what you see there; for a mask, what it hides (e.g. the client's name).",
    )
    x = _fraction("From the left edge", "0 is the left edge of the photo, 0.5 the middle.")
    y = _fraction("From the top edge", "0 is the top edge of the photo, 0.5 the middle.")
    w = _fraction("Width", "A share of the photo's width (0.25 is a quarter).", 0.005)
    h = _fraction("Height", "A share of the photo's height.", 0.005)

    def area_fields(self):
        return [self[name] for name in ("x", "y", "w", "h")]


CORNER_NAMES = ("Top-left", "Top-right", "Bottom-right", "Bottom-left")


class CornersForm(forms.Form):
    """The page's four corners in pixels of the photo: what the drag handles fill in, and the
    whole form where scripts do not run. The service decides whether they make a page."""

    def __init__(self, *args, width: int, height: int, **kwargs):
        super().__init__(*args, **kwargs)
        for index, name in enumerate(CORNER_NAMES):
            for axis, limit, across in (("x", width, "across"), ("y", height, "down")):
                self.fields[f"{axis}{index}"] = forms.FloatField(
                    label=f"{name}, {across}",
                    widget=forms.NumberInput(attrs={"step": "1", "min": 0, "max": limit, "inputmode": "decimal"}),
                )

    def corner_fields(self):
        return [(name, self[f"x{i}"], self[f"y{i}"]) for i, name in enumerate(CORNER_NAMES)]

    def corners(self) -> list[list[float]]:
        return [[self.cleaned_data[f"x{i}"], self.cleaned_data[f"y{i}"]] for i in range(len(CORNER_NAMES))]


def initial_corners(corners: list | None, width: int, height: int) -> dict[str, float]:
    """The form's starting corners: those given, or a page inset a tenth from the photo's edges."""
    if not corners:
        corners = [[0.1 * width, 0.1 * height], [0.9 * width, 0.1 * height], [0.9 * width, 0.9 * height]]
        corners.append([0.1 * width, 0.9 * height])
    initial = {}
    for index, (x, y) in enumerate(corners):
        initial[f"x{index}"], initial[f"y{index}"] = round(float(x)), round(float(y))
    return initial


def _artwork_label(artwork) -> str:
    return f"{artwork.made_on.day} {artwork.made_on:%b %Y} — {artwork.title or 'Untitled'}"


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label="First piece", coerce=int, choices=())
    b = forms.TypedChoiceField(label="Second piece", coerce=int, choices=())

    def __init__(self, *args, artworks, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Choose a piece…")] + [(a.pk, _artwork_label(a)) for a in artworks]
        self.fields["a"].choices = self.fields["b"].choices = choices
