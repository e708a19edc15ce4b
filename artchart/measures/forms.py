"""Forms of the measures pages: entering a measure item by item, acknowledging a risk alert,
sending a link, setting a schedule, rating a goal, starting the tablet hand-off; the
questionnaire a client answers by link or on the tablet and the therapist's password that ends
the hand-off; the crisis resources (admins); and the cohort filter of program effectiveness.

The forms check what a person can get wrong on the page (a missing choice, a number out of
range, a date in the future); the services check everything again before they write."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from artchart import outcomes
from artchart.core.messages import UserMessage
from artchart.core.models import PopulationType, Role, Site, User
from artchart.measures import instruments
from artchart.measures.models import AlertOutcome, Respondent, SafetyPlan, ScheduleRule
from artchart.measures.selectors import PERIOD_BACKWARDS, CohortFilter
from artchart.measures.services.alerts import OTHER_NEEDS_WORDS, OUTCOME_NEEDED, REASONS
from artchart.measures.services.schedules import CRISIS_TEXT_NEEDED
from artchart.programs.models import Directive, Program

FUTURE = UserMessage("measure_date_in_future", "The date cannot be in the future.")
CHOOSE_ANSWER = UserMessage("choose_answer", "Choose an answer.")
OUT_OF_RANGE = UserMessage("answer_out_of_range", "Enter a whole number from {low} to {high}.")
WHOLE_NUMBER = UserMessage("answer_not_whole_number", "Enter a whole number (digits only).")


def fit_reason_field() -> forms.CharField:
    """Why a measure made for another age range is used for this client (the service refuses it without)."""
    return forms.CharField(
        label="Reason for a measure outside the client's age range",
        max_length=500,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only needed when the measure is made for another age range.",
    )


def session_label(session) -> str:
    when = timezone.localtime(session.starts_at)
    kind = session.get_kind_display()
    group = f": {session.group.name}" if session.group_id else ""
    return f"{when:%a %-d %b %Y, %H:%M} · {kind}{group}"


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return session_label(obj)


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _not_future(day):
    if day and day > timezone.localdate():
        raise forms.ValidationError(FUTURE)
    return day


def item_field_name(item) -> str:
    return f"item_{item.number}"


def mark_unanswered(form: forms.Form, administration, message: str) -> None:
    """Put ``message`` on each item an incomplete administration left blank, so the person sees where."""
    for number, answer in enumerate(administration.answers, start=1):
        if answer is None and f"item_{number}" in form.fields:
            form.add_error(f"item_{number}", message)


def extra_field_name(question) -> str:
    return f"extra_{question.id}"


class AdministerForm(forms.Form):
    """One instrument's items: a radio group per item where the wording ships, a number per
    item for a score-only instrument (the practice reads the wording from its own copy)."""

    kept = False  # True once the answers were stored as an incomplete administration (the page says so)
    instrument = forms.ChoiceField(widget=forms.HiddenInput)
    administered_on = forms.DateField(label="Date completed", widget=_date_input())
    session = SessionChoiceField(queryset=None, required=False, empty_label="Not in a session", label="Session")
    respondent = forms.ChoiceField(
        label="Who answered", choices=Respondent.choices, initial=Respondent.CLIENT, widget=forms.RadioSelect
    )
    fit_reason = fit_reason_field()

    def __init__(self, *args, instrument: outcomes.Instrument, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.fields["instrument"].choices = instruments.choices()
        self.fields["instrument"].initial = instrument.id
        self.fields["session"].queryset = sessions
        for item in instrument.items:
            values = [option.value for option in item.options]
            if instrument.score_only:
                low, high = min(values), max(values)
                field = forms.IntegerField(
                    label=f"Item {item.number}",
                    required=False,
                    min_value=low,
                    max_value=high,
                    help_text=f"{low}–{high}",
                    error_messages={
                        "invalid": WHOLE_NUMBER,
                        "min_value": OUT_OF_RANGE.format(low=low, high=high),
                        "max_value": OUT_OF_RANGE.format(low=low, high=high),
                    },
                    widget=forms.NumberInput(attrs={"min": low, "max": high, "step": 1, "inputmode": "numeric"}),
                )
            else:
                field = forms.TypedChoiceField(
                    label=f"{item.number}. {item.text}",
                    required=False,
                    coerce=int,
                    empty_value=None,
                    choices=[(option.value, option.label) for option in item.options],
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": CHOOSE_ANSWER},
                )
            field.item = item
            self.fields[item_field_name(item)] = field
        for question in instrument.unscored_questions:
            field = forms.TypedChoiceField(
                label=question.text or question.id,
                required=False,
                coerce=int,
                empty_value=None,
                choices=[(option.value, option.label) for option in question.options],
                widget=forms.RadioSelect,
                help_text="Not part of the score.",
                error_messages={"invalid_choice": CHOOSE_ANSWER},
            )
            field.question = question
            self.fields[extra_field_name(question)] = field

    def clean_administered_on(self):
        return _not_future(self.cleaned_data.get("administered_on"))

    @property
    def item_fields(self):
        return [self[item_field_name(item)] for item in self.instrument.items]

    @property
    def extra_fields(self):
        return [self[extra_field_name(question)] for question in self.instrument.unscored_questions]

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(item_field_name(item)) for item in self.instrument.items]

    def extra_answers(self) -> dict:
        return {
            question.id: self.cleaned_data.get(extra_field_name(question))
            for question in self.instrument.unscored_questions
        }


class AcknowledgeForm(forms.Form):
    """Acknowledging without a plan written or reviewed: why not (a safety plan is written on its own page)."""

    outcome = forms.ChoiceField(
        label="Why no safety plan was written or reviewed",
        choices=REASONS,
        widget=forms.RadioSelect,
        error_messages={"required": OUTCOME_NEEDED},
    )
    note = forms.CharField(
        label="What was done",
        max_length=1000,
        required=False,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required for “Other”. No more than the record needs.",
    )

    def clean(self):
        data = super().clean()
        if data.get("outcome") == AlertOutcome.OTHER and not data.get("note"):
            self.add_error("note", OTHER_NEEDS_WORDS)
        return data


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(
        label="Gone through with the client on", widget=_date_input(), validators=[_not_future]
    )


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SafetyPlanForm(forms.Form):
    """The six steps of the Stanley–Brown safety plan, one entry per line, and the review with the client."""

    warning_signs = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Thoughts, images, moods, situations or behaviours that a crisis may be coming. One per line.",
    )
    coping_strategies = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Relaxation, physical activity, making art… One per line.",
    )
    distractions = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Name and phone, or a place. One per line."
    )
    help_contacts = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Name and phone. One per line."
    )
    professionals = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Clinician, urgent care, local emergency services: name and phone. One per line.",
    )
    crisis_resources = forms.CharField(
        label="Crisis line (from the organization’s crisis resources)",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    means_safety = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Means to be removed, locked away or held by someone else. One per line.",
    )
    reasons_for_living = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line."
    )
    reviewed_on = forms.DateField(
        label="Gone through with the client on",
        required=False,
        widget=_date_input(),
        validators=[_not_future],
        help_text="Leave empty if the client has not seen this version yet.",
    )

    LISTS = tuple(name for name, _ in SafetyPlan.STEPS)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in SafetyPlan.STEPS:
            self.fields[name].label = label

    @classmethod
    def initial_from(cls, plan, *, crisis: str) -> dict:
        initial = {"crisis_resources": crisis, "reviewed_on": timezone.localdate()}
        if plan is not None:
            initial.update({name: "\n".join(getattr(plan, name)) for name in cls.LISTS})
        return initial

    def lists(self) -> dict[str, list[str]]:
        return {name: _lines(self.cleaned_data[name]) for name in self.LISTS}


CLIENT_CHOICE = "client"


class LinkForm(forms.Form):
    instrument = forms.ChoiceField(label="Measure")
    for_whom = forms.ChoiceField(label="Who will answer", widget=forms.RadioSelect)
    email = forms.EmailField(
        label="E-mail the link to (optional)",
        required=False,
        help_text="Leave empty to copy the link or show the QR code yourself. "
        "The e-mail carries only the link, no answers.",
    )
    due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=_date_input(),
        help_text="Shown as overdue after this day. Three days from today if left empty.",
    )
    fit_reason = fit_reason_field()

    def __init__(self, *args, client, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.contacts = {str(contact.pk): contact for contact in contacts}
        self.fields["instrument"].choices = instruments.choices()
        self.fields["for_whom"].choices = [(CLIENT_CHOICE, f"{client.display_name} (the client)")] + [
            (key, f"{contact.name}, {contact.relationship}") for key, contact in self.contacts.items()
        ]
        self.fields["for_whom"].initial = CLIENT_CHOICE

    def recipient(self) -> dict:
        """The link service's recipient, respondent and contact for the choice made."""
        contact = self.contacts.get(self.cleaned_data["for_whom"])
        if contact is None:
            return {"recipient": self.client.display_name, "respondent": Respondent.CLIENT, "contact": None}
        return {"recipient": contact.name, "respondent": Respondent.GUARDIAN, "contact": contact}


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Measure")
    rule = forms.ChoiceField(
        label="When", choices=ScheduleRule.choices, initial=ScheduleRule.EVERY_N_SESSIONS, widget=forms.RadioSelect
    )
    interval = forms.IntegerField(
        label="N (sessions or weeks)",
        min_value=1,
        max_value=52,
        initial=4,
        help_text="For “every N sessions” or “every N weeks”: from 1 to 52.",
    )
    at_discharge = forms.BooleanField(label="Also due at discharge", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments.choices()


LEVELS = [(-2, "−2"), (-1, "−1"), (0, "0"), (1, "+1"), (2, "+2")]
LEVEL_NAMES = {
    -2: "much less than expected",
    -1: "somewhat less than expected",
    0: "the expected outcome",
    1: "somewhat more than expected",
    2: "much more than expected",
}


class GasForm(forms.Form):
    level = forms.TypedChoiceField(
        label="Level reached",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose one of the five levels."},
    )
    rated_on = forms.DateField(label="Rated on", widget=_date_input())
    session = SessionChoiceField(queryset=None, required=False, empty_label="Not in a session", label="Session")
    note = forms.CharField(
        label="Note (optional)", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, goal, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        descriptions = {
            -2: goal.level_minus_2,
            -1: goal.level_minus_1,
            0: goal.level_0,
            1: goal.level_plus_1,
            2: goal.level_plus_2,
        }
        self.fields["level"].choices = [
            (value, f"{label} {LEVEL_NAMES[value]}" + (f": {descriptions[value]}" if descriptions[value] else ""))
            for value, label in LEVELS
        ]
        self.fields["session"].queryset = sessions

    def clean_rated_on(self):
        return _not_future(self.cleaned_data.get("rated_on"))


class HandoffForm(forms.Form):
    instrument = forms.ChoiceField()
    session = SessionChoiceField(queryset=None, required=False)
    fit_reason = fit_reason_field()

    def __init__(self, *args, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments.choices()
        self.fields["session"].queryset = sessions


NOT_AN_OPTION = UserMessage("answer_not_an_option", "Choose one of the answers shown.")


def risky_answers(instrument: outcomes.Instrument) -> set[tuple[int, int]]:
    """(item number, option value) pairs that raise a risk flag (PHQ-9 item 9 above 0), keyed as the
    scoring core keys them, so the page can show crisis resources the moment one is chosen."""
    risky = set()
    for flag in instrument.flags:
        if not flag.risk:
            continue
        item = instrument.item(flag.item)
        values = [o.value for o in item.options]
        for value in values:
            keyed = min(values) + max(values) - value if item.reverse else value
            if keyed > flag.above:
                risky.add((item.number, value))
    return risky


class AnswerRadios(forms.RadioSelect):
    """Radio buttons whose risk answers carry ``data-risk`` (read by public.js; the server decides anyway)."""

    def __init__(self, *args, risky_values=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.risky_values = {str(v) for v in risky_values}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if str(value) in self.risky_values:
            option["attrs"]["data-risk"] = "true"
        return option


class QuestionnaireForm(forms.Form):
    """One radio group per item with the instrument's own options, then its unscored questions."""

    kept = False  # True once a part-answered form was stored as incomplete (the page then says so)

    def __init__(self, instrument: outcomes.Instrument, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        self.risky = risky_answers(instrument)
        for item in instrument.items:
            self.fields[f"item_{item.number}"] = forms.TypedChoiceField(
                label=item.text or f"Question {item.number} (on your paper copy)",
                choices=[(o.value, o.label) for o in item.options],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": NOT_AN_OPTION},
                widget=AnswerRadios(risky_values=[v for n, v in self.risky if n == item.number]),
            )
        for question in instrument.unscored_questions:
            self.fields[f"extra_{question.id}"] = forms.TypedChoiceField(
                label=question.text or question.id,
                choices=[(o.value, o.label) for o in question.options],
                coerce=int,
                empty_value=None,
                required=False,
                error_messages={"invalid_choice": NOT_AN_OPTION},
                widget=forms.RadioSelect,
            )

    def questions(self) -> list[tuple[int, forms.BoundField]]:
        return [(item.number, self[f"item_{item.number}"]) for item in self.instrument.items]

    def extra_questions(self) -> list[forms.BoundField]:
        return [self[f"extra_{q.id}"] for q in self.instrument.unscored_questions]

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(f"item_{item.number}") for item in self.instrument.items]

    def extra_answers(self) -> dict[str, int]:
        return {
            q.id: self.cleaned_data[f"extra_{q.id}"]
            for q in self.instrument.unscored_questions
            if self.cleaned_data.get(f"extra_{q.id}") is not None
        }

    def chose_risk_answer(self) -> bool:
        """Whether the posted answers (even refused ones) include a risk answer."""
        return any(str(self.data.get(f"item_{number}", "")).strip() == str(value) for number, value in self.risky)


class ReturnForm(forms.Form):
    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class CrisisForm(forms.Form):
    text = forms.CharField(
        label="What a client in crisis is told",
        max_length=2000,
        error_messages={"required": CRISIS_TEXT_NEEDED},
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Shown before and after every questionnaire answered through a link, and at once when an answer "
        "raises a risk flag. Give numbers to call or text, and what to do in an emergency.",
    )


EVERY = {
    "program": "Every program",
    "population": "Every population",
    "site": "Every site",
    "directive": "Any directive",
    "therapist": "Any therapist",
}


class CohortForm(forms.Form):
    instrument = forms.ChoiceField(label="Instrument")
    program = forms.ModelChoiceField(
        label="Program", queryset=Program.objects.none(), required=False, empty_label=EVERY["program"]
    )
    population = forms.ChoiceField(
        label="Population", required=False, choices=[("", EVERY["population"]), *PopulationType.choices]
    )
    site = forms.ModelChoiceField(label="Site", queryset=Site.objects.none(), required=False, empty_label=EVERY["site"])
    directive = forms.ModelChoiceField(
        label="Directive", queryset=Directive.objects.none(), required=False, empty_label=EVERY["directive"]
    )
    therapist = forms.ModelChoiceField(
        label="Primary therapist", queryset=User.objects.none(), required=False, empty_label=EVERY["therapist"]
    )
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        org = user.organization_id
        self.fields["instrument"].choices = instruments.choices()
        self.fields["program"].queryset = Program.objects.filter(organization_id=org)
        self.fields["site"].queryset = Site.objects.filter(organization_id=org)
        self.fields["directive"].queryset = Directive.objects.filter(organization_id=org)
        therapist = self.fields["therapist"]
        therapist.queryset = User.objects.filter(
            organization_id=org, is_active=True, role__in=(Role.THERAPIST, Role.SUPERVISOR, Role.INTERN)
        ).order_by("last_name", "first_name")
        therapist.label_from_instance = lambda person: person.display_name

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", PERIOD_BACKWARDS)
        return cleaned

    def filters(self) -> CohortFilter:
        data = self.cleaned_data

        def pk(name):
            return data[name].pk if data.get(name) else None

        return CohortFilter(
            instrument=data["instrument"],
            program_id=pk("program"),
            population=data.get("population") or "",
            site_id=pk("site"),
            directive_id=pk("directive"),
            therapist_id=pk("therapist"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def described(self) -> list[tuple[str, str]]:
        """Each filter as (label, value in words), for the page and the CSV."""
        data = self.cleaned_data
        rows = [("Instrument", instruments.get(data["instrument"]).short_name)]
        for name, anything in EVERY.items():
            value = data.get(name)
            if not value:
                text = anything
            elif name == "population":
                text = PopulationType(value).label
            elif name == "therapist":
                text = value.display_name
            else:
                text = str(value)
            rows.append((self.fields[name].label, text))
        rows.append(("From", data["date_from"].isoformat() if data.get("date_from") else "the first score"))
        rows.append(("To", data["date_to"].isoformat() if data.get("date_to") else "the latest score"))
        return rows
