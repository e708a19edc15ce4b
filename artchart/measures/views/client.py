"""A client's measures: trajectories with their course, every administration with its item
answers, risk alerts and their acknowledgement, links sent for answering at home, schedules,
Goal Attainment Scaling, and entering a measure (or handing the tablet to the client)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from artchart import outcomes
from artchart.core import charts
from artchart.core.forms_util import add_service_errors
from artchart.core.messages import UserMessage
from artchart.core.permissions import Action, Area
from artchart.measures import instruments, selectors
from artchart.measures.forms import (
    CHOOSE_ANSWER,
    AcknowledgeForm,
    AdministerForm,
    GasForm,
    HandoffForm,
    LinkForm,
    ReviewForm,
    ScheduleForm,
    mark_unanswered,
)
from artchart.measures.models import Administration, Mode
from artchart.measures.services import administrations as administration_services
from artchart.measures.services import alerts as alert_services
from artchart.measures.services import links as link_services
from artchart.measures.services import safety as safety_services
from artchart.measures.services import schedules as schedule_services
from artchart.therapy.models import SessionStatus
from artchart.therapy.selectors.sessions import sessions_booking

RECORDED = UserMessage("measure_recorded", "{name} recorded: {total} ({band}).")
ACKNOWLEDGED = UserMessage("alert_acknowledged", "The alert is acknowledged; what was done is in the record.")
SCHEDULED = UserMessage("measure_scheduled", "{name} is now scheduled: {rule}.")
SCHEDULE_STOPPED = UserMessage("measure_schedule_stopped", "{name} is no longer scheduled.")
GAS_SAVED = UserMessage("gas_rated", "Rated {level} for “{goal}”.")
NO_PUBLIC_PAGE = UserMessage(
    "no_public_page", "The page that answers links is not installed, so this link cannot be opened yet."
)

COURSE_WORDS = {
    "recovered": "Recovered — reliable improvement, and the score crossed the cut-off",
    "improved": "Reliable improvement",
    "unchanged": "No reliable change",
    "deteriorated": "Reliable deterioration",
}
NOT_CLASSIFIED = UserMessage("course_not_classified", "The course is not classified: {reason}")
CUTOFF_KINDS = {
    "published": "the published caseness threshold",
    "c": "Jacobson & Truax c, between the clinical and general-population norms",
    "a": "Jacobson & Truax a, two SDs beyond the clinical mean",
    "b": "Jacobson & Truax b, two SDs beyond the general-population mean",
}
CUTOFF_AND_BAND = UserMessage(
    "cutoff_and_band",
    "The bands change from “{lower}” to “{upper}” at {boundary}, but the clinically significant "
    "cut-off is {cutoff} ({kind}). The course is judged against the cut-off {cutoff}, not the band.",
)
CUTOFF_NOT_USED = UserMessage(
    "cutoff_not_used",
    "The bands change from “{lower}” to “{upper}” at {boundary}; the computed cut-off would be "
    "{cutoff} ({kind}). The course is not classified, so neither is used.",
)
# Light tints from calm to concerning, for the bands behind a trajectory.
BAND_TINTS = ["#e8f3ea", "#f1f5e3", "#fbf3dc", "#fbe8da", "#f7dcdc"]


def _today() -> dt.date:
    return timezone.localdate()


def _to_measures(client_id: int):
    return redirect("measures:client_measures", client_id)


def _sessions(client):
    """The client's sessions that can carry a measure: not cancelled, started by today, newest first."""
    return (
        sessions_booking(client.pk)
        .exclude(status__in=[SessionStatus.CANCELLED, SessionStatus.NO_SHOW])
        .filter(starts_at__date__lte=_today())
        .select_related("group")
        .order_by("-starts_at", "-pk")
    )


def _instrument_or_404(key: str) -> outcomes.Instrument:
    try:
        return instruments.get(key)
    except ValidationError:
        raise Http404 from None


def _number(value) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value is not None else "—"


# --- what the pages show about one administration ---------------------------------------------------------


@dataclass(frozen=True)
class AnswerRow:
    number: int
    text: str
    value: object
    label: str
    flagged: bool


def answer_rows(administration: Administration, instrument: outcomes.Instrument | None) -> list[AnswerRow]:
    """Each item beside the option chosen: its wording where it ships, else "Item n"."""
    if instrument is None:  # the instrument's file was removed: show the stored values as they are
        return [
            AnswerRow(n, f"Item {n}", value, "unanswered" if value is None else str(value), False)
            for n, value in enumerate(administration.answers, start=1)
        ]
    flagged_items = {flag.item for flag in instrument.flags if flag.label in administration.flags}
    rows = []
    # Stored answers are shown as far as they pair with the instrument's items, never refused.
    for item, value in zip(instrument.items, administration.answers, strict=False):
        labels = {option.value: option.label for option in item.options}
        if value is None:
            label = "unanswered"
        elif instrument.score_only:
            label = str(value)
        else:
            label = f"{labels.get(value, '?')} ({value})"
        text = f"{item.number}. {item.text}" if item.text else f"Item {item.number}"
        rows.append(AnswerRow(item.number, text, value, label, item.number in flagged_items))
    return rows


def extra_rows(administration: Administration, instrument: outcomes.Instrument | None) -> list[tuple[str, str]]:
    if instrument is None:
        return [(key, str(value)) for key, value in administration.extra_answers.items()]
    rows = []
    for question in instrument.unscored_questions:
        value = administration.extra_answers.get(question.id)
        labels = {option.value: option.label for option in question.options}
        rows.append((question.text or question.id, "unanswered" if value is None else labels.get(value, str(value))))
    return rows


def who_answered(administration: Administration) -> str:
    who = administration.get_respondent_display()
    if administration.mode == Mode.ENTERED and administration.recorded_by_id:
        return f"{who}, entered by {administration.recorded_by.display_name}"
    return who


def course_words(course) -> tuple[str, str]:
    """The course in words and the rule it rests on; too little data says so."""
    if not isinstance(course, outcomes.Course):
        if course.n >= 2:  # refused, not short of scores: the reason is a sentence of its own
            return NOT_CLASSIFIED.format(reason=course.reason), ""
        return f"Too little data to judge the course: {course.reason}.", ""
    change = course.change
    summary = (
        f"{COURSE_WORDS[change.classification]}: from {_number(course.first)} to {_number(course.last)} "
        f"over {course.n} administrations."
    )
    return summary, change.rule


def _cutoff_of(trajectory) -> tuple[float | None, str | None, bool]:
    """The cut-off the course is judged against (used), or, for a course not classified, the one the
    instrument's norms would give (not used)."""
    if isinstance(trajectory.course, outcomes.Course):
        return trajectory.course.change.cutoff, trajectory.course.change.cutoff_kind, True
    try:
        value, kind, _ = outcomes.clinical_cutoff(trajectory.instrument)
    except outcomes.ScoringError:
        return None, None, False
    return value, kind, False


def cutoff_words(trajectory) -> str:
    """Where the severity bands and the clinically significant cut-off part ways (Rosenberg: "low" below 15,
    cut-off 11), both, and which one the course uses; nothing where they agree."""
    cutoff, kind, used = _cutoff_of(trajectory)
    bands = trajectory.instrument.bands
    if cutoff is None or len(bands) < 2:
        return ""
    boundary, lower, upper = min(
        ((upper.min, lower, upper) for lower, upper in zip(bands, bands[1:], strict=False)),
        key=lambda row: abs(row[0] - cutoff),
    )
    if boundary == cutoff:
        return ""
    words = CUTOFF_AND_BAND if used else CUTOFF_NOT_USED
    return words.format(
        lower=lower.label,
        upper=upper.label,
        boundary=_number(boundary),
        cutoff=f"{cutoff:.2f}".rstrip("0").rstrip("."),
        kind=CUTOFF_KINDS.get(kind, kind),
    )


def trajectory_chart(trajectory) -> str:
    """The scores over time on the instrument's bands, with the cut-off and the reliable-change lines."""
    instrument = trajectory.instrument
    count = len(instrument.bands)
    tints = BAND_TINTS if instrument.higher_is_worse else BAND_TINTS[::-1]
    # Integer bands (0–4, 5–9, …) leave a gap between 4 and 5; each band is shaded up to where the next begins.
    tops = [following.min for following in instrument.bands[1:]] + [instrument.score_max]
    bands = [
        charts.Band(band.min, top, band.label, tints[round(i * (len(tints) - 1) / max(count - 1, 1))])
        for i, (band, top) in enumerate(zip(instrument.bands, tops, strict=True))
    ]
    references = []
    low, high = instrument.score_min, instrument.score_max
    cutoff, _, used = _cutoff_of(trajectory)
    if cutoff is not None and low <= cutoff <= high:
        references.append(
            charts.Reference(cutoff, f"cut-off {_number(cutoff)}" + ("" if used else " (not used)"), "#6b4c9a")
        )
    if trajectory.reliable_band is not None:
        below, above = trajectory.reliable_band
        better, worse = (below, above) if instrument.higher_is_worse else (above, below)
        lower_is_better = instrument.higher_is_worse
        for value, words, side in (
            (better, "reliable improvement", "below" if lower_is_better else "above"),
            (worse, "reliable worsening", "above" if lower_is_better else "below"),
        ):
            if low <= value <= high:
                references.append(charts.Reference(value, f"{words}: {_number(value)} or {side}", "#8a5a00"))
    # No links on the points: inside the chart's role="img" they are nested controls (axe), and
    # the table under the chart links every administration anyway.
    points = [charts.Point(p.administered_on, p.total, p.band) for p in trajectory.points]
    return mark_safe(
        charts.line_chart(  # noqa: S308 — every text in the SVG is escaped by core.charts
            points,
            title=f"{instrument.short_name} over time",
            y_label=f"{instrument.short_name} total",
            y_min=low,
            y_max=high,
            bands=bands,
            references=references,
            width=880,
            height=280,
            css_class="chart measures-trajectory",
        )
    )


def level_label(level: int) -> str:
    """A GAS level as therapists write it: −2, −1, 0, +1, +2."""
    return f"+{level}" if level > 0 else f"−{-level}" if level < 0 else "0"


def gas_chart(course) -> str:
    points = [charts.Point(r.rated_on, r.level, r.note[:80]) for r in course.ratings]
    return mark_safe(
        charts.line_chart(  # noqa: S308 — escaped by core.charts
            points,
            title=f"Goal attainment: {course.goal.statement[:60]}",
            y_min=-2,
            y_max=2,
            width=360,
            height=150,
            value_format=lambda v: level_label(round(v)),
            css_class="chart measures-gas",
        )
    )


# --- the client's measures page ----------------------------------------------------------------------------


@require_GET
@login_required
def client_measures(request, client_id: int):
    access = selectors.measures_access(request.user, client_id)
    client = access.client
    available = instruments.available()
    trajectories = []
    for trajectory in selectors.trajectories_of(access):
        summary, rule = course_words(trajectory.course)
        rows = [
            {
                "administration": a,
                "answers": answer_rows(a, trajectory.instrument),
                "extra": extra_rows(a, trajectory.instrument),
                "who": who_answered(a),
            }
            for a in reversed(trajectory.points)
        ]
        trajectories.append(
            {
                "trajectory": trajectory,
                "chart": trajectory_chart(trajectory),
                "summary": summary,
                "rule": rule,
                "rows": rows,
                "cutoff": cutoff_words(trajectory),
            }
        )
    due = {d.instrument.id: d for d in selectors.due_measures_for(request.user, client_ids=[client.pk])}
    schedules = [
        {"schedule": s, "instrument": available.get(s.instrument), "due": due.get(s.instrument)}
        for s in selectors.schedules_of(access)
    ]
    links = [{"link": link, "instrument": available.get(link.instrument)} for link in selectors.links_of(access)]
    attainment = selectors.attainment_of(access)
    goals = [
        {
            "course": course,
            "chart": gas_chart(course) if len(course.ratings) > 1 else "",
            "ratings": [(rating, level_label(rating.level)) for rating in course.ratings],
            "latest": level_label(course.latest.level) if course.latest else "",
        }
        for course in attainment.goals
    ]
    return render(
        request,
        "measures/client/measures.html",
        {
            "nav": "clients",
            "client": client,
            "trajectories": trajectories,
            "alerts": selectors.named_alerts(selectors.alerts_of(access).filter(acknowledged_at__isnull=True)),
            "may_write": access.may(Area.CLINICAL, Action.WRITE),
            "may_acknowledge": alert_services.may_acknowledge(access.relations),
            "links": links,
            "schedules": schedules,
            "goals": goals,
            "attainment": attainment,
            "incomplete": [
                {"administration": a, "name": getattr(available.get(a.instrument), "short_name", a.instrument)}
                for a in selectors.incomplete_of(access)
            ],
            "t_score_known": isinstance(attainment.t_score, float),
            "choices": instruments.choices(),
        },
    )


# --- entering a measure ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def administer(request, client_id: int):
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    client = access.client
    data = request.POST if request.method == "POST" else None
    key = (data or request.GET).get("instrument") or selectors.instrument_to_open(request.user, client).id
    instrument = _instrument_or_404(key)
    sessions = _sessions(client)
    session_id = request.GET.get("session", "")
    # Opened from a session's page: the page goes back there when the measure is saved. Only a
    # session of this client found through the selector counts, so the way back is never a
    # URL from the request.
    from_session = sessions.filter(pk=session_id).first() if session_id.isdigit() else None
    initial = {
        "administered_on": _today(),
        "instrument": instrument.id,
        "session": session_id if session_id.isdigit() else None,
    }
    form = AdministerForm(data, initial=initial, instrument=instrument, sessions=sessions)
    if data is not None and form.is_valid():
        try:
            administration = administration_services.administration_record(
                by=request.user,
                client=client,
                instrument=instrument.id,
                answers=form.answers(),
                administered_on=form.cleaned_data["administered_on"],
                session=form.cleaned_data["session"],
                respondent=form.cleaned_data["respondent"],
                extra_answers=form.extra_answers(),
                fit_reason=form.cleaned_data["fit_reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if administration.is_complete:
                messages.success(
                    request,
                    RECORDED.format(
                        name=instrument.short_name,
                        total=_number(administration.total),
                        band=administration.band or "no band",
                    ),
                )
                if from_session and administration.session_id == from_session.pk and not administration.risk:
                    return redirect("therapy:session_detail", from_session.pk)
                # A risk answer lands on the measure, where the alert and its acknowledgement are.
                return redirect("measures:administration_detail", client.pk, administration.pk)
            mark_unanswered(form, administration, CHOOSE_ANSWER)
            form.add_error(None, administration_services.incomplete_message(administration))
            form.kept = True
    return render(
        request,
        "measures/client/administer.html",
        {
            "nav": "clients",
            "client": client,
            "form": form,
            "instrument": instrument,
            "choices": instruments.choices(),
            "session_id": session_id if session_id.isdigit() else "",
            "from_session": from_session,
            "fit_problem": administration_services.fit_problem(client=client, instrument=instrument, day=_today()),
        },
    )


@require_POST
@login_required
def handoff_start(request, client_id: int):
    """Start the tablet hand-off (its pages are measures:handoff and measures:handoff_return)."""
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    form = HandoffForm(request.POST, sessions=_sessions(access.client))
    if not form.is_valid():
        messages.error(request, "Choose a measure (and one of this client's sessions, if any) to hand over.")
        return redirect(
            f"{reverse('measures:administer', args=[client_id])}?instrument={request.POST.get('instrument', '')}"
        )
    session, instrument_id = form.cleaned_data["session"], form.cleaned_data["instrument"]
    try:  # the clinician gives the reason now: the client holding the tablet cannot
        fit_reason = administration_services.check_fit(
            client=access.client,
            instrument=instruments.get(instrument_id),
            day=_today(),
            reason=form.cleaned_data["fit_reason"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(f"{reverse('measures:administer', args=[client_id])}?instrument={instrument_id}")
    request.session["measures_handoff"] = {
        "client_id": access.client.pk,
        "instrument": instrument_id,
        "session_id": session.pk if session else None,
        "by": request.user.pk,
        "fit_reason": fit_reason,
    }
    try:
        return redirect("measures:handoff")
    except NoReverseMatch:  # the hand-off pages (measures/views/public.py) are not installed
        messages.error(request, "The tablet hand-off is not available here; enter the answers instead.")
        return redirect(f"{reverse('measures:administer', args=[client_id])}?instrument={instrument_id}")


@require_GET
@login_required
def administration_detail(request, client_id: int, administration_id: int):
    access = selectors.measures_access(request.user, client_id)
    administration = selectors.administration_get(access, administration_id)
    instrument = instruments.available().get(administration.instrument)
    alert = selectors.alerts_of(access).filter(administration=administration).first()
    subscales = []
    if instrument is not None:
        names = {s.id: s.name for s in instrument.subscales}
        subscales = [(names.get(key, key), _number(value)) for key, value in administration.subscales.items()]
    return render(
        request,
        "measures/client/administration.html",
        {
            "nav": "clients",
            "client": access.client,
            "administration": administration,
            "instrument": instrument,
            "answers": answer_rows(administration, instrument),
            "extra": extra_rows(administration, instrument),
            "subscales": subscales,
            "alert": alert,
            "who": who_answered(administration),
            "may_acknowledge": alert_services.may_acknowledge(access.relations),
        },
    )


# --- risk alerts ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def alert_acknowledge(request, client_id: int, alert_id: int):
    """An alert is answered by a safety plan written (its own page) or reviewed, or by a reason there was none."""
    access = selectors.measures_access(request.user, client_id)
    if not alert_services.may_acknowledge(access.relations):
        raise PermissionDenied(alert_services.ONLY_CLINICIANS)
    alert = selectors.alert_get(access, alert_id)
    plan = selectors.safety_plan_current(access)
    posted = request.POST if request.method == "POST" and alert.is_open else None
    action = (posted or {}).get("action")
    form = AcknowledgeForm(posted if action == "reason" else None)
    review_form = ReviewForm(posted if action == "review" else None, initial={"reviewed_on": _today()})
    bound = form if form.is_bound else review_form
    if bound.is_bound and bound.is_valid():
        try:
            if bound is review_form:
                if plan is None:
                    raise Http404
                safety_services.safety_plan_review(
                    by=request.user, plan=plan, alert=alert, reviewed_on=review_form.cleaned_data["reviewed_on"]
                )
            else:
                alert_services.alert_acknowledge(
                    by=request.user, alert=alert, outcome=form.cleaned_data["outcome"], note=form.cleaned_data["note"]
                )
        except ValidationError as exc:
            add_service_errors(bound, exc)
        else:
            messages.success(request, ACKNOWLEDGED)
            return _to_measures(client_id)
    administration = alert.administration
    instrument = instruments.available().get(administration.instrument)
    return render(
        request,
        "measures/client/alert.html",
        {
            "nav": "clients",
            "client": access.client,
            "alert": alert,
            "administration": administration,
            "instrument": instrument,
            "answers": answer_rows(administration, instrument),
            "form": form,
            "review_form": review_form,
            "plan": plan,
        },
    )


# --- links for answering at home ------------------------------------------------------------------------------


def _url_maker(request):
    """The absolute address of a link's public page, or None while that page is not installed."""
    try:
        reverse("measures:public_link", args=["token"])
    except NoReverseMatch:
        return None
    return lambda token: request.build_absolute_uri(reverse("measures:public_link", args=[token]))


def _link_shown_once(request, client, link, token):
    url_for = _url_maker(request)
    url = url_for(token) if url_for else ""
    qr = ""
    if url:
        qr = mark_safe(
            segno.make(url, error="m").svg_inline(
                scale=4,
                border=2,  # noqa: S308 — made here from the URL
                title="QR code of the link",
            )
        )
    return render(
        request,
        "measures/client/link_created.html",
        {
            "nav": "clients",
            "client": client,
            "link": link,
            "url": url,
            "qr": qr,
            "instrument": instruments.available().get(link.instrument),
            "no_public_page": NO_PUBLIC_PAGE,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def link_create(request, client_id: int):
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    client = access.client
    contacts = list(client.contacts.order_by("-is_guardian", "name"))
    form = LinkForm(
        request.POST or None,
        client=client,
        contacts=contacts,
        initial={"instrument": request.GET.get("instrument", "")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            link, token = link_services.link_create(
                by=request.user,
                client=client,
                instrument=form.cleaned_data["instrument"],
                email=form.cleaned_data["email"],
                due_on=form.cleaned_data["due_on"],
                url_for=_url_maker(request),
                fit_reason=form.cleaned_data["fit_reason"],
                **form.recipient(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _link_shown_once(request, client, link, token)
    return render(
        request,
        "measures/client/link_form.html",
        {
            "nav": "clients",
            "client": client,
            "form": form,
            "link_days": settings.MEASURES_LINK_DAYS,
        },
    )


@require_POST
@login_required
def link_resend(request, client_id: int, link_id: int):
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    link = selectors.link_get(access, link_id)
    try:
        new_link, token = link_services.link_resend(by=request.user, link=link, url_for=_url_maker(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _to_measures(client_id)
    return _link_shown_once(request, access.client, new_link, token)


# --- schedules ----------------------------------------------------------------------------------------------


def _rule_words(rule: str, interval: int, at_discharge: bool) -> str:
    words = {
        "sessions": f"every {interval} attended sessions",
        "weeks": f"every {interval} weeks",
        "ends": "at intake and discharge",
    }[rule]
    return words + (" and at discharge" if at_discharge and rule != "ends" else "")


@require_http_methods(["GET", "POST"])
@login_required
def schedule_set(request, client_id: int):
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    form = ScheduleForm(request.POST or None, initial={"instrument": request.GET.get("instrument", "")})
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            schedule = schedule_services.schedule_set(
                by=request.user,
                client=access.client,
                instrument=fields["instrument"],
                rule=fields["rule"],
                interval=fields["interval"],
                at_discharge=fields["at_discharge"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            name = instruments.get(schedule.instrument).short_name
            messages.success(
                request,
                SCHEDULED.format(name=name, rule=_rule_words(schedule.rule, schedule.interval, schedule.at_discharge)),
            )
            return _to_measures(client_id)
    return render(
        request, "measures/client/schedule_form.html", {"nav": "clients", "client": access.client, "form": form}
    )


@require_POST
@login_required
def schedule_stop(request, client_id: int, schedule_id: int):
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    schedule = selectors.schedule_get(access, schedule_id)
    schedule_services.schedule_stop(by=request.user, schedule=schedule)
    found = instruments.available().get(schedule.instrument)
    messages.success(request, SCHEDULE_STOPPED.format(name=found.short_name if found else schedule.instrument))
    return _to_measures(client_id)


# --- Goal Attainment Scaling --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def gas_rate(request, client_id: int, goal_id: int):
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    course = next((c for c in selectors.attainment_of(access).goals if c.goal.pk == goal_id), None)
    if course is None:
        raise Http404
    goal = course.goal
    form = GasForm(request.POST or None, goal=goal, sessions=_sessions(access.client), initial={"rated_on": _today()})
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_data
        try:
            rating = schedule_services.gas_rate(
                by=request.user,
                client=access.client,
                goal=goal,
                level=fields["level"],
                rated_on=fields["rated_on"],
                session=fields["session"],
                note=fields["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, GAS_SAVED.format(level=level_label(rating.level), goal=goal.statement[:80]))
            return _to_measures(client_id)
    return render(
        request,
        "measures/client/gas_form.html",
        {
            "nav": "clients",
            "client": access.client,
            "goal": goal,
            "course": course,
            "form": form,
            "latest": level_label(course.latest.level) if course.latest else "",
        },
    )
