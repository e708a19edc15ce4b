"""Forms of a client's measures pages: entering a measure item by item, acknowledging a risk
alert, sending a link, setting a schedule, rating a goal, and starting the tablet hand-off.

The forms check what a person can get wrong on the page (a missing choice, a number out of
range, a date in the future); the services check everything again before they write."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from artchart import outcomes
from artchart.measures import instruments
from artchart.measures.models import AlertOutcome, Respondent, SafetyPlan, ScheduleRule
from artchart.measures.services.alerts import OTHER_NEEDS_WORDS, OUTCOME_NEEDED, REASONS

FUTURE = "The date cannot be in the future."
CHOOSE_ANSWER = "Choose an answer."
OUT_OF_RANGE = "Enter a whole number from {low} to {high}."
WHOLE_NUMBER = "Enter a whole number (digits only)."


def fit_reason_field() -> forms.CharField:
    """Why a measure made for another age range is used for this client (the service refuses it without)."""
    return forms.CharField(label="Reason for a measure outside the client's age range", max_length=500,
                           required=False, strip=True, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="Only needed when the measure is made for another age range.")


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
    session = SessionChoiceField(queryset=None, required=False, empty_label="Not in a session",
                                 label="Session")
    respondent = forms.ChoiceField(label="Who answered", choices=Respondent.choices, initial=Respondent.CLIENT,
                                   widget=forms.RadioSelect)
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
                    label=f"Item {item.number}", required=False, min_value=low, max_value=high,
                    help_text=f"{low}–{high}",
                    error_messages={"invalid": WHOLE_NUMBER, "min_value": OUT_OF_RANGE.format(low=low, high=high),
                                    "max_value": OUT_OF_RANGE.format(low=low, high=high)},
                    widget=forms.NumberInput(attrs={"min": low, "max": high, "step": 1, "inputmode": "numeric"}))
            else:
                field = forms.TypedChoiceField(
                    label=f"{item.number}. {item.text}", required=False, coerce=int, empty_value=None,
                    choices=[(option.value, option.label) for option in item.options], widget=forms.RadioSelect,
                    error_messages={"invalid_choice": CHOOSE_ANSWER})
            field.item = item
            self.fields[item_field_name(item)] = field
        for question in instrument.unscored_questions:
            field = forms.TypedChoiceField(
                label=question.text or question.id, required=False, coerce=int, empty_value=None,
                choices=[(option.value, option.label) for option in question.options], widget=forms.RadioSelect,
                help_text="Not part of the score.", error_messages={"invalid_choice": CHOOSE_ANSWER})
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
        return {question.id: self.cleaned_data.get(extra_field_name(question))
                for question in self.instrument.unscored_questions}


class AcknowledgeForm(forms.Form):
    """Acknowledging without a plan written or reviewed: why not (a safety plan is written on its own page)."""

    outcome = forms.ChoiceField(label="Why no safety plan was written or reviewed", choices=REASONS,
                                widget=forms.RadioSelect, error_messages={"required": OUTCOME_NEEDED})
    note = forms.CharField(label="What was done", max_length=1000, required=False, strip=True,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="Required for “Other”. No more than the record needs.")

    def clean(self):
        data = super().clean()
        if data.get("outcome") == AlertOutcome.OTHER and not data.get("note"):
            self.add_error("note", OTHER_NEEDS_WORDS)
        return data


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="Gone through with the client on", widget=_date_input(),
                                  validators=[_not_future])


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


class SafetyPlanForm(forms.Form):
    """The six steps of the Stanley–Brown safety plan, one entry per line, and the review with the client."""

    warning_signs = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="Thoughts, images, moods, situations or behaviours that a crisis may be coming. One per line.")
    coping_strategies = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                        help_text="Relaxation, physical activity, making art… One per line.")
    distractions = forms.CharField(required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}), help_text="Name and phone, or a place. One per line.")
    help_contacts = forms.CharField(required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}), help_text="Name and phone. One per line.")
    professionals = forms.CharField(required=False,
                                    widget=forms.Textarea(attrs={"rows": 3}),
                                    help_text="Clinician, urgent care, local emergency services: name and phone. One per line.")
    crisis_resources = forms.CharField(label="Crisis line (from the organization’s crisis resources)", max_length=2000,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    means_safety = forms.CharField(required=False,
                                   widget=forms.Textarea(attrs={"rows": 3}),
                                   help_text="Means to be removed, locked away or held by someone else. One per line.")
    reasons_for_living = forms.CharField(required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}), help_text="One per line.")
    reviewed_on = forms.DateField(label="Gone through with the client on", required=False, widget=_date_input(),
                                  validators=[_not_future],
                                  help_text="Leave empty if the client has not seen this version yet.")

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
    email = forms.EmailField(label="E-mail the link to (optional)", required=False,
                             help_text="Leave empty to copy the link or show the QR code yourself. "
                                       "The e-mail carries only the link, no answers.")
    due_on = forms.DateField(label="Due by", required=False, widget=_date_input(),
                             help_text="Shown as overdue after this day. Three days from today if left empty.")
    fit_reason = fit_reason_field()

    def __init__(self, *args, client, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.client = client
        self.contacts = {str(contact.pk): contact for contact in contacts}
        self.fields["instrument"].choices = instruments.choices()
        self.fields["for_whom"].choices = [(CLIENT_CHOICE, f"{client.display_name} (the client)")] + [
            (key, f"{contact.name}, {contact.relationship}") for key, contact in self.contacts.items()]
        self.fields["for_whom"].initial = CLIENT_CHOICE

    def recipient(self) -> dict:
        """The link service's recipient, respondent and contact for the choice made."""
        contact = self.contacts.get(self.cleaned_data["for_whom"])
        if contact is None:
            return {"recipient": self.client.display_name, "respondent": Respondent.CLIENT, "contact": None}
        return {"recipient": contact.name, "respondent": Respondent.GUARDIAN, "contact": contact}


class ScheduleForm(forms.Form):
    instrument = forms.ChoiceField(label="Measure")
    rule = forms.ChoiceField(label="When", choices=ScheduleRule.choices, initial=ScheduleRule.EVERY_N_SESSIONS,
                             widget=forms.RadioSelect)
    interval = forms.IntegerField(label="N (sessions or weeks)", min_value=1, max_value=52, initial=4,
                                  help_text="For “every N sessions” or “every N weeks”: from 1 to 52.")
    at_discharge = forms.BooleanField(label="Also due at discharge", required=False, initial=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["instrument"].choices = instruments.choices()


LEVELS = [(-2, "−2"), (-1, "−1"), (0, "0"), (1, "+1"), (2, "+2")]
LEVEL_NAMES = {-2: "much less than expected", -1: "somewhat less than expected", 0: "the expected outcome",
               1: "somewhat more than expected", 2: "much more than expected"}


class GasForm(forms.Form):
    level = forms.TypedChoiceField(label="Level reached", coerce=int, widget=forms.RadioSelect,
                                   error_messages={"invalid_choice": "Choose one of the five levels."})
    rated_on = forms.DateField(label="Rated on", widget=_date_input())
    session = SessionChoiceField(queryset=None, required=False, empty_label="Not in a session", label="Session")
    note = forms.CharField(label="Note (optional)", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, goal, sessions, **kwargs):
        super().__init__(*args, **kwargs)
        descriptions = {-2: goal.level_minus_2, -1: goal.level_minus_1, 0: goal.level_0, 1: goal.level_plus_1,
                        2: goal.level_plus_2}
        self.fields["level"].choices = [
            (value, f"{label} {LEVEL_NAMES[value]}" + (f": {descriptions[value]}" if descriptions[value] else ""))
            for value, label in LEVELS]
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
