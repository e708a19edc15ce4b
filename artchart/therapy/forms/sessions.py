"""Forms of the session pages: a session (once or recurring), a change to a series, a room, the feed's naming.

The form asks for a day, a start and an end time, as a therapist books; the
service gets the duration (an end before the start reaches it as a negative
duration and is refused there, with the message users read).
"""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from artchart.core.messages import UserMessage
from artchart.therapy import billing_rules
from artchart.therapy.models import FeedNames, Frequency, Modality, SessionKind

COMMON_CPT = tuple(billing_rules.CODES.items())
COMMON_POS = tuple(billing_rules.PLACES_OF_SERVICE.items())
MODIFIER_CHOICES = (("", "None"), *((code, f"{code} ({label})") for code, label in billing_rules.MODIFIERS.items()))
REPEAT_CHOICES = (("", "Does not repeat"), *Frequency.choices)
ENDS_CHOICES = (
    ("never", "Open-ended (kept 26 weeks ahead)"),
    ("count", "After a number of sessions"),
    ("until", "On a date"),
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _aware(day: dt.date, time: dt.time) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, time))


class SessionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[(SessionKind.INDIVIDUAL, "Individual"), (SessionKind.FAMILY, "Family")],
        widget=forms.RadioSelect,
        initial=SessionKind.INDIVIDUAL,
    )
    therapist = forms.ModelChoiceField(queryset=None)
    site = forms.ModelChoiceField(queryset=None)
    room = forms.ModelChoiceField(queryset=None, required=False, help_text="A room at the session's site.")
    day = forms.DateField(widget=DATE)
    start = forms.TimeField(widget=TIME)
    end = forms.TimeField(widget=TIME)
    modality = forms.ChoiceField(choices=Modality.choices, initial=Modality.IN_PERSON)
    directive = forms.ModelChoiceField(queryset=None, required=False, label="Planned directive")
    cpt_code = forms.CharField(
        label="CPT code",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"list": "cpt-codes", "inputmode": "numeric"}),
        help_text="For practices that bill: the session's first service line (add more on the session's page).",
    )
    place_of_service = forms.CharField(
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"list": "pos-codes", "inputmode": "numeric"}),
        help_text="Two digits: 11 office, 02 or 10 telehealth, 03 school, 53 community mental health centre…",
    )
    modifier = forms.ChoiceField(
        choices=MODIFIER_CHOICES,
        required=False,
        label="Telehealth modifier",
    )
    repeat = forms.ChoiceField(choices=REPEAT_CHOICES, required=False, label="How often")
    ends = forms.ChoiceField(
        choices=ENDS_CHOICES, required=False, initial="never", widget=forms.RadioSelect, label="The series ends"
    )
    count = forms.IntegerField(min_value=1, max_value=520, required=False, label="Number of sessions")
    until = forms.DateField(widget=DATE, required=False, label="Last day")
    save_anyway = forms.BooleanField(required=False, label="Book it anyway, despite the clashes above")

    def __init__(self, *args, therapists, sites, rooms, directives, group=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        self.fields["site"].queryset = sites
        self.fields["room"].queryset = rooms
        self.fields["room"].label_from_instance = lambda room: f"{room.name} ({room.site.name})"
        self.fields["directive"].queryset = directives
        if group is not None or editing:
            del self.fields["kind"]
        if editing:  # the codes are the session's service lines, changed on its page
            for name in ("repeat", "ends", "count", "until", "cpt_code", "modifier"):
                del self.fields[name]

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            data["starts_at"] = _aware(day, start)
            data["duration_minutes"] = int((_aware(day, end) - data["starts_at"]).total_seconds() // 60)
        return data

    def session_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "therapist",
                "site",
                "room",
                "starts_at",
                "duration_minutes",
                "modality",
                "cpt_code",
                "place_of_service",
                "modifier",
                "directive",
            )
            if name in self.fields or name in ("starts_at", "duration_minutes")
        }

    def series_ends(self) -> dict:
        data = self.cleaned_data
        return {
            "count": data.get("count") if data.get("ends") == "count" else None,
            "until": data.get("until") if data.get("ends") == "until" else None,
        }


DURATIONS = (
    (30, "30 minutes"),
    (45, "45 minutes"),
    (50, "50 minutes"),
    (60, "1 hour"),
    (90, "1½ hours"),
    (120, "2 hours"),
)


class BookingForm(SessionForm):
    """Booking from the schedule: the client is chosen here, and a length rather than an end time.

    The site may be left empty: the room's site, or else the client's, is taken."""

    client = forms.ModelChoiceField(queryset=None)
    duration = forms.TypedChoiceField(choices=DURATIONS, coerce=int, initial=50, label="Length")

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients
        self.fields["client"].label_from_instance = lambda client: client.display_name
        del self.fields["end"]
        self.fields["site"].required = False
        self.fields["site"].help_text = "Left empty: the room's site, or else the client's."

    def clean(self):
        data = super().clean()
        day, start, minutes = data.get("day"), data.get("start"), data.get("duration")
        if day and start and minutes:
            data["starts_at"] = _aware(day, start)
            data["duration_minutes"] = minutes
        if not data.get("site"):
            room, client = data.get("room"), data.get("client")
            data["site"] = room.site if room else client.site if client else None
        return data


class ServiceLineForm(forms.Form):
    """One service line for the session page: a code from the table, its units and modifiers."""

    code = forms.ChoiceField(choices=(("", "Choose a code"), *COMMON_CPT), label="Service code")
    units = forms.IntegerField(min_value=1, max_value=billing_rules.MAX_UNITS, initial=1)
    modifiers = forms.MultipleChoiceField(
        choices=tuple(billing_rules.MODIFIERS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Telehealth only: 95 or GT for video, 93 for audio only.",
    )


PERIOD_BACKWARDS = UserMessage("ledger_period_backwards", "The period ends before it starts: swap the days.")
PERIOD_TOO_LONG = UserMessage("ledger_period_too_long", "A ledger covers at most {days} days; choose a shorter period.")
LEDGER_MAX_DAYS = 366


class LedgerForm(forms.Form):
    """The period of the service ledger (the practice's days, both included)."""

    date_from = forms.DateField(widget=DATE, label="From")
    date_to = forms.DateField(widget=DATE, label="To")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end:
            if end < start:
                self.add_error("date_to", PERIOD_BACKWARDS)
            elif (end - start).days >= LEDGER_MAX_DAYS:
                self.add_error("date_to", PERIOD_TOO_LONG.format(days=LEDGER_MAX_DAYS))
        return data


class SeriesChangeForm(forms.Form):
    day = forms.DateField(widget=DATE, label="This session's day")
    start = forms.TimeField(widget=TIME)
    end = forms.TimeField(widget=TIME)
    therapist = forms.ModelChoiceField(queryset=None)
    room = forms.ModelChoiceField(queryset=None, required=False)

    def __init__(self, *args, therapists, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["therapist"].queryset = therapists
        self.fields["room"].queryset = rooms

    def clean(self):
        data = super().clean()
        day, start, end = data.get("day"), data.get("start"), data.get("end")
        if day and start and end:
            data["starts_at"] = _aware(day, start)
            data["duration_minutes"] = int((_aware(day, end) - data["starts_at"]).total_seconds() // 60)
        return data


class RoomForm(forms.Form):
    site = forms.ModelChoiceField(queryset=None)
    name = forms.CharField(max_length=100)
    is_active = forms.BooleanField(required=False, initial=True, label="In use")

    def __init__(self, *args, sites=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["site"]
        else:
            self.fields["site"].queryset = sites
            del self.fields["is_active"]


class FeedNamesForm(forms.Form):
    names = forms.ChoiceField(
        choices=FeedNames.choices, widget=forms.RadioSelect, label="How clients are named in the feed"
    )
