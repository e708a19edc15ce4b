"""Hours toward the credential: one row per supervisee per day and supervisor, entered by the
supervisee and confirmed (or returned with a reason) by that supervisor.

The requirements the hours count toward are data in ``artchart/supervision/rules.py``; each
row keeps the code of the standards in force on its date. No row names a client: hours
filled from documented sessions keep the sessions' ids only, to refuse counting one twice.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from artchart.core.messages import UserMessage
from artchart.supervision.rules import SUPERVISOR_CREDENTIAL_LABELS

USER = settings.AUTH_USER_MODEL
DAY_HOURS = Decimal(24)

HOURS_IN_FUTURE = UserMessage("hours_in_future", "Hours can be logged only for today or earlier.")
HOURS_NONE = UserMessage("hours_none", "Give at least one kind of hours above zero.")
HOURS_OVER_A_DAY = UserMessage("hours_over_a_day", "One day holds at most 24 hours; this entry adds up to {total}.")
HOURS_SELF_SUPERVISION = UserMessage("hours_self_supervision", "Choose a supervisor other than yourself.")


class HoursStatus(models.TextChoices):
    ENTERED = "entered", "Waiting for confirmation"
    CONFIRMED = "confirmed", "Confirmed"
    RETURNED = "returned", "Returned"


def _hours(label: str) -> models.DecimalField:
    return models.DecimalField(
        label,
        max_digits=4,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(DAY_HOURS)],
    )


class HoursEntry(models.Model):
    supervisee = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="hours_entries")
    date = models.DateField()
    direct_hours = _hours("direct client-contact hours")
    individual_hours = _hours("individual supervision hours")
    group_hours = _hours("group supervision hours")
    supervisor = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="hours_supervised")
    # What the supervisor held on the day (users' own credentials are free text, so the entry keeps it).
    supervisor_credential = models.CharField(
        "supervisor's credential", max_length=12, choices=list(SUPERVISOR_CREDENTIAL_LABELS.items())
    )
    setting = models.CharField(max_length=120, blank=True, help_text="Where: the site or kind of setting.")
    notes = models.TextField(max_length=1000, blank=True, validators=[MaxLengthValidator(1000)])
    status = models.CharField(max_length=12, choices=HoursStatus.choices, default=HoursStatus.ENTERED)
    return_reason = models.CharField(max_length=500, blank=True)
    # The code of the board's standards in force on ``date`` (rules.standards_on), kept as counted.
    standards = models.CharField(max_length=20)
    # The documented sessions this entry's direct hours came from (their ids), so none is counted twice.
    from_sessions = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name_plural = "hours entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(direct_hours__gte=0, individual_hours__gte=0, group_hours__gte=0),
                name="hours_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(supervisor=models.F("supervisee")), name="hours_not_self_supervised"
            ),
        ]
        indexes = [
            models.Index(fields=["supervisee", "date"]),
            models.Index(fields=["supervisor", "status"]),
        ]

    def __str__(self) -> str:
        return f"Hours on {self.date:%Y-%m-%d}: {self.total} h"

    @property
    def total(self) -> Decimal:
        return (self.direct_hours or 0) + (self.individual_hours or 0) + (self.group_hours or 0)

    @property
    def supervision_hours(self) -> Decimal:
        return (self.individual_hours or 0) + (self.group_hours or 0)

    def clean(self) -> None:
        errors: dict[str, UserMessage] = {}
        if self.date and self.date > timezone.localdate():
            errors["date"] = HOURS_IN_FUTURE
        if self.supervisee_id and self.supervisee_id == self.supervisor_id:
            errors["supervisor"] = HOURS_SELF_SUPERVISION
        hours = [self.direct_hours, self.individual_hours, self.group_hours]
        if all(isinstance(h, Decimal | int) and h >= 0 for h in hours):
            if self.total <= 0:
                errors["__all__"] = HOURS_NONE
            elif self.total > DAY_HOURS:
                errors["__all__"] = HOURS_OVER_A_DAY.format(total=self.total)
        if errors:
            raise ValidationError(errors)
