"""Answering a questionnaire outside the record: through a one-time link at home (no account),
or on the tablet handed to the client in a session (the therapist stays signed in, the page
shows nothing but the questionnaire, and only the therapist's password ends the hand-off).
Also the admins' page for the crisis resources those pages show.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from artchart.core import audit
from artchart.core.access import require_role
from artchart.core.audit_actions import CoreAction
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.models import Role
from artchart.core.permissions import Action
from artchart.measures import instruments, selectors
from artchart.measures.forms import CrisisForm, QuestionnaireForm, ReturnForm, mark_unanswered
from artchart.measures.models import DEFAULT_CRISIS_RESOURCES, CrisisResources, Mode, Respondent
from artchart.measures.selectors import measures_access
from artchart.measures.services.administrations import administration_record
from artchart.measures.services.links import link_complete, link_for_token
from artchart.measures.services.schedules import crisis_resources_set

HANDOFF = "measures_handoff"  # request.session key, set by measures:handoff_start (views/client.py)
HANDOFF_MAX_FAILURES = 5

ANSWER_NEEDED = UserMessage("answer_needed", "Please choose an answer to this question.")
WRONG_PASSWORD = UserMessage(
    "handoff_wrong_password", "That is not the password of {name}. Only the therapist can end the questionnaire."
)
SIGNED_OUT_AFTER_FAILURES = UserMessage(
    "handoff_signed_out",
    "The tablet was signed out after {count} wrong passwords. Sign in again; the questionnaire was ended.",
)
NO_HANDOFF = UserMessage("no_handoff", "No questionnaire is waiting on this device.")
HANDOFF_RETURNED = UserMessage("handoff_returned", "Welcome back. The questionnaire was saved.")
HANDOFF_ABANDONED = UserMessage(
    "handoff_abandoned", "Welcome back. The questionnaire was ended before it was saved; nothing was recorded."
)
CRISIS_SAVED = UserMessage(
    "crisis_saved", "The crisis resources were saved. Clients answering a questionnaire see them from now on."
)


# --- the questionnaire page (shared by the link and the hand-off) -------------------------------------------


def _ask_for_the_rest(form: QuestionnaireForm, administration) -> None:
    """A form kept incomplete: the blank questions marked, and the person told nothing was lost."""
    mark_unanswered(form, administration, ANSWER_NEEDED)
    form.kept = True


def _questionnaire_context(form: QuestionnaireForm) -> dict:
    instrument = form.instrument
    return {
        "instrument": instrument,
        "form": form,
        "questions": form.questions(),
        "extra_questions": form.extra_questions(),
        # the crisis box the script reveals sits right after the last question with a risk answer
        "crisis_after": max((number for number, _ in form.risky), default=None),
    }


# --- answering through a link ------------------------------------------------------------------------------


def _private(response):
    """A link page is nobody's business but the person answering: no cache, no referrer, no index."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _gone(request):
    return _private(render(request, "measures/public/gone.html", {"crisis": DEFAULT_CRISIS_RESOURCES}, status=404))


# No CSRF check: the token in the address is the only authority here (no cookie or sign-in is
# used), so a forged post could do nothing its sender could not do with the link itself. And
# under the page's Referrer-Policy: no-referrer the browser sends "Origin: null", which Django's
# origin check would refuse.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def public_link(request, token: str):
    """The questionnaire behind a one-time link: no sign-in, no navigation, no client name."""
    try:
        link = link_for_token(token)
        instrument = instruments.get(link.instrument)
    except (Http404, ValidationError):  # unknown, used, replaced, expired — or its instrument file was removed
        return _gone(request)
    crisis = selectors.crisis_text(link.client.organization_id)
    form = QuestionnaireForm(instrument, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            administration = link_complete(token=token, answers=form.answers(), extra_answers=form.extra_answers())
        except Http404:  # used up a moment ago (a second tab, a double click)
            return _gone(request)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if administration.is_complete:
                return _private(
                    render(
                        request,
                        "measures/public/thanks.html",
                        {"instrument": instrument, "crisis": crisis, "risk": administration.risk},
                    )
                )
            _ask_for_the_rest(form, administration)
    return _private(
        render(
            request,
            "measures/public/questionnaire.html",
            {
                **_questionnaire_context(form),
                "crisis": crisis,
                "link": link,
                "token": token,
                "guardian": link.respondent == Respondent.GUARDIAN,
                "risk": request.method == "POST" and form.chose_risk_answer(),
            },
        )
    )


@csrf_exempt  # as public_link: the token in the address is the only authority
@require_POST
def public_link_save(request, token: str):
    """The page's script sends the answers as each is given: kept incomplete (and alerting on a risk
    answer) even if the form is never sent. Answers the form refuses are left out, the rest kept."""
    try:
        link = link_for_token(token)
        form = QuestionnaireForm(instruments.get(link.instrument), request.POST)
    except (Http404, ValidationError):
        return _private(HttpResponse(status=404))
    form.is_valid()  # fills cleaned_data with the answers that are valid
    if any(answer is not None for answer in form.answers()):
        try:
            link_complete(token=token, answers=form.answers(), extra_answers=form.extra_answers(), sent=False)
        except Http404:
            return _private(HttpResponse(status=404))
    return _private(HttpResponse(status=204))


# --- the tablet hand-off ----------------------------------------------------------------------------------


def _handoff_state(request) -> dict | None:
    state = request.session.get(HANDOFF)
    if not isinstance(state, dict) or state.get("by") != request.user.pk:
        return None
    return state


def _no_handoff(request):
    request.session.pop(HANDOFF, None)
    messages.info(request, NO_HANDOFF)
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def handoff(request):
    """Only the questionnaire, for the client holding the tablet; saved as the therapist's, mode "tablet"."""
    state = _handoff_state(request)
    if state is None:
        return _no_handoff(request)
    if state.get("administration_id"):
        return render(request, "measures/handoff/thanks.html", {})
    access = measures_access(request.user, state["client_id"], action=Action.WRITE)
    try:
        instrument = instruments.get(state["instrument"])
    except ValidationError:  # its file left the practice's folder since the hand-off began
        return _no_handoff(request)
    form = QuestionnaireForm(instrument, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            administration = administration_record(
                by=request.user,
                client=access.client,
                instrument=instrument.id,
                answers=form.answers(),
                administered_on=timezone.localdate(),
                session=state.get("session_id"),
                mode=Mode.TABLET,
                respondent=Respondent.CLIENT,
                extra_answers=form.extra_answers(),
                fit_reason=state.get("fit_reason", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if administration.is_complete:
                request.session[HANDOFF] = {**state, "administration_id": administration.pk}
                return redirect("measures:handoff")
            _ask_for_the_rest(form, administration)
    return render(request, "measures/handoff/questionnaire.html", _questionnaire_context(form))


@login_required
@require_POST
def handoff_save(request):
    """The tablet's script sends the answers as each is given (as public_link_save does for links).
    With no questionnaire under way (ended, or already sent) there is nothing to save."""
    state = _handoff_state(request)
    if state is None or state.get("administration_id"):
        return HttpResponse(status=204)
    access = measures_access(request.user, state["client_id"], action=Action.WRITE)
    try:
        form = QuestionnaireForm(instruments.get(state["instrument"]), request.POST)
    except ValidationError:  # its file left the practice's folder since the hand-off began
        return HttpResponse(status=204)
    form.is_valid()
    if any(answer is not None for answer in form.answers()):
        administration_record(
            by=request.user,
            client=access.client,
            instrument=form.instrument.id,
            answers=form.answers(),
            administered_on=timezone.localdate(),
            session=state.get("session_id"),
            mode=Mode.TABLET,
            respondent=Respondent.CLIENT,
            extra_answers=form.extra_answers(),
            sent=False,
            fit_reason=state.get("fit_reason", ""),
        )
    return HttpResponse(status=204)


def _back_to_record(state: dict):
    """The administration just saved, else the client's measures, else the chart (each page's owner may rename it)."""
    client_id = state["client_id"]
    targets = [("measures:client_measures", [client_id]), ("clients:chart", [client_id])]
    if state.get("administration_id"):
        targets.insert(0, ("measures:administration_detail", [client_id, state["administration_id"]]))
    for name, args in targets:
        try:
            return redirect(reverse(name, args=args))
        except NoReverseMatch:
            continue
    return redirect("dashboard")


@login_required
@require_http_methods(["GET", "POST"])
def handoff_return(request):
    """The therapist takes the tablet back: their password, and only then the record again."""
    state = _handoff_state(request)
    if state is None:
        return _no_handoff(request)
    form = ReturnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.user.check_password(form.cleaned_data["password"]):
            request.session.pop(HANDOFF, None)
            messages.success(request, HANDOFF_RETURNED if state.get("administration_id") else HANDOFF_ABANDONED)
            return _back_to_record(state)
        failures = state.get("failures", 0) + 1
        if failures >= HANDOFF_MAX_FAILURES:
            user = request.user
            with transaction.atomic():
                audit.record(
                    actor=user,
                    action=CoreAction.AUTH_LOGOUT,
                    obj=user,
                    flagged=True,
                    detail={"reason": "handoff_wrong_passwords", "failures": failures},
                )
            logout(request)
            messages.error(request, SIGNED_OUT_AFTER_FAILURES.format(count=failures))
            return redirect("login")
        request.session[HANDOFF] = {**state, "failures": failures}
        form.add_error("password", WRONG_PASSWORD.format(name=request.user.display_name))
    return render(
        request,
        "measures/handoff/return.html",
        {
            "form": form,
            "done": bool(state.get("administration_id")),
            "attempts_left": HANDOFF_MAX_FAILURES - state.get("failures", 0) - (1 if form.errors else 0),
        },
    )


# --- crisis resources (admins) --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def crisis_resources(request):
    require_role(request.user, Role.ADMIN)
    own = (
        CrisisResources.objects.filter(organization_id=request.user.organization_id)
        .select_related("updated_by")
        .first()
    )
    form = CrisisForm(request.POST or None, initial={"text": own.text if own else DEFAULT_CRISIS_RESOURCES})
    if request.method == "POST" and form.is_valid():
        try:
            crisis_resources_set(by=request.user, text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, CRISIS_SAVED)
            return redirect("measures:crisis_resources")
    return render(
        request,
        "measures/admin/crisis_resources.html",
        {"nav": "crisis", "form": form, "own": own, "default": DEFAULT_CRISIS_RESOURCES},
    )
