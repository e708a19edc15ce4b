"""One-time links for a client or guardian to answer at home, with no account.

The token is shown once (and mailed if the therapist gives an address); only its hash
is kept. A link works until it is used, expires or is replaced by a resend. What the
person answers is scored exactly as in a session, and a risk answer raises the alert.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from artchart.clients.models import Client, Contact
from artchart.core import audit, mail
from artchart.core.access import require_client_access
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.core.secrets import new_secret, secret_hash
from artchart.measures import instruments
from artchart.measures.audit_actions import MeasureAction
from artchart.measures.models import Administration, MeasureLink, Mode, Respondent
from artchart.measures.services.administrations import check_fit, clean_extra_answers, score_answers, store

RECIPIENT_NEEDED = UserMessage("recipient_needed", "Say who the link is for (the client, or the guardian's name).")
CONTACT_OTHER_CLIENT = UserMessage("contact_other_client", "Choose one of this client's contacts.")
DUE_AFTER_EXPIRY = UserMessage("due_after_expiry", "The due date must come before the link expires ({day}).")
DUE_IN_PAST = UserMessage("due_in_past", "The due date cannot be in the past.")
NOT_OPEN = UserMessage("not_open", "This link can no longer be resent: it was completed or replaced.")
MAIL_SUBJECT = "A short questionnaire from your therapist"
MAIL_BODY = (
    "Hello,\n\n"
    "Your therapist asked you to answer a short questionnaire before your next session.\n"
    "Open this link to answer it (it works once, until {expires}):\n\n{url}\n\n"
    "Nobody watches the answers as you give them. If you are in crisis, call or text 988 or call 911.\n"
)


def _expiry() -> dt.datetime:
    return timezone.now() + dt.timedelta(days=settings.MEASURES_LINK_DAYS)


def _mail(address: str, url: str, expires: dt.datetime) -> None:
    body = MAIL_BODY.format(url=url, expires=f"{timezone.localtime(expires):%B %-d, %Y}")
    mail.send_after_commit(subject=MAIL_SUBJECT, body=body, to=[address], what="The measure link")


def _check(
    client: Client,
    *,
    recipient: str,
    contact: Contact | None,
    email: str,
    due_on: dt.date | None,
    expires_at: dt.datetime,
) -> None:
    errors: dict[str, str] = {}
    if not (recipient or "").strip() and contact is None:
        errors["recipient"] = RECIPIENT_NEEDED
    if contact is not None and contact.client_id != client.pk:
        errors["contact"] = CONTACT_OTHER_CLIENT
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            errors["email"] = exc.messages[0]
    if due_on is not None:
        if due_on < timezone.localdate():
            errors["due_on"] = DUE_IN_PAST
        elif due_on > timezone.localtime(expires_at).date():
            errors["due_on"] = DUE_AFTER_EXPIRY.format(day=f"{timezone.localtime(expires_at):%b %-d}")
    if errors:
        raise ValidationError(errors)


def link_create(
    *,
    by: User,
    client: Client,
    instrument: str,
    recipient: str = "",
    respondent: str = Respondent.CLIENT,
    contact: Contact | None = None,
    email: str = "",
    due_on: dt.date | None = None,
    url_for: Callable[[str], str] | None = None,
    fit_reason: str = "",
) -> tuple[MeasureLink, str]:
    """A new link; returns it with the raw token (shown once). ``url_for(token)`` makes the address mailed.
    An instrument made for another age range needs ``fit_reason``, carried to the administration."""
    require_client_access(by, client.pk, Area.CLINICAL, Action.WRITE)
    found = instruments.get(instrument)
    expires_at = _expiry()
    _check(client, recipient=recipient, contact=contact, email=email, due_on=due_on, expires_at=expires_at)
    fit_reason = check_fit(client=client, instrument=found, day=due_on or timezone.localdate(), reason=fit_reason)
    token = new_secret()
    with transaction.atomic():
        link = MeasureLink.objects.create(
            client=client,
            instrument=found.id,
            token_hash=secret_hash(token),
            respondent=respondent,
            recipient=(recipient or (contact.name if contact else "")).strip()[:200],
            contact=contact,
            emailed_to=email,
            sent_by=by,
            due_on=due_on or (timezone.localdate() + dt.timedelta(days=3)),
            expires_at=expires_at,
            fit_reason=fit_reason,
        )
        audit.record(
            actor=by,
            action=MeasureAction.MEASURE_LINK_CREATE,
            obj=link,
            client_ids=[client.pk],
            detail={"instrument": found.id, "respondent": respondent, "emailed": bool(email)},
        )
        if email and url_for is not None:
            _mail(email, url_for(token), expires_at)
    return link, token


def link_resend(*, by: User, link: MeasureLink, url_for: Callable[[str], str] | None = None) -> tuple[MeasureLink, str]:
    """Replace a link not yet completed with a fresh one to the same person (the old one stops working)."""
    require_client_access(by, link.client_id, Area.CLINICAL, Action.WRITE)
    if link.completed_at or link.cancelled_at:
        raise ValidationError({"link": NOT_OPEN})
    with transaction.atomic():
        MeasureLink.objects.filter(pk=link.pk).update(cancelled_at=timezone.now())
        return link_create(
            by=by,
            client=link.client,
            instrument=link.instrument,
            recipient=link.recipient,
            respondent=link.respondent,
            contact=link.contact,
            email=link.emailed_to,
            url_for=url_for,
            fit_reason=link.fit_reason,
        )


def link_for_token(token: str) -> MeasureLink:
    """The open link for this token; 404 for an unknown, used, replaced or expired one (nothing to tell apart)."""
    link = (
        MeasureLink.objects.select_related("client", "client__organization")
        .filter(
            token_hash=secret_hash(token or ""),
            completed_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .first()
    )
    if link is None:
        raise Http404
    return link


def link_complete(
    *, token: str, answers: Sequence[int | None], extra_answers: dict[str, Any] | None = None, sent: bool = True
) -> Administration:
    """Score and store what the person answered through the link. A scored form uses the link up; one
    refused for unanswered items is kept (incomplete, raising the alert on a risk answer) and the link
    stays open for the rest, completing the same administration when it comes. ``sent=False`` saves the
    answers as they are given (the page's script sends each one), so a client who closes the tab after
    a risk answer still reaches the clinicians."""
    link = link_for_token(token)
    found = instruments.get(link.instrument)
    scored = score_answers(found, answers, sent=sent)
    extra = clean_extra_answers(found, extra_answers)
    with transaction.atomic():
        locked = MeasureLink.objects.select_for_update(of=("self",)).select_related("administration").get(pk=link.pk)
        if locked.completed_at or locked.cancelled_at:
            raise Http404
        administration = store(
            client=link.client,
            instrument=found,
            scored=scored,
            administered_on=timezone.localdate(),
            mode=Mode.LINK,
            by=None,
            respondent=link.respondent,
            extra=extra,
            draft=locked.administration,
            fit_reason=link.fit_reason,
        )
        locked.administration = administration
        if administration.is_complete:
            locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at", "administration"])
    return administration
