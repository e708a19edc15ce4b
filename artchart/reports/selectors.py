"""The report builders: a client's records, read through each app's selectors for one user, as a
neutral :class:`~artchart.reports.document.Document`.

Every read goes through the selectors the pages use, so a report shows exactly what the user may see
(404 for a client outside their care). Where a part has no data the document says so in a sentence;
nothing is left blank.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from django.core.files.storage import default_storage
from django.db.models import TextChoices
from django.http import Http404
from django.utils import timezone

from artchart import outcomes
from artchart.artworks.models import Artwork, Photo
from artchart.artworks.selectors import artworks_of, image_file, images_allowed, primary_photo
from artchart.artworks.services.consent import consent_in_force
from artchart.clients.models import ConsentKind
from artchart.clients.selectors import ClientAccess, client_get_for_user
from artchart.core.messages import UserMessage
from artchart.core.models import User
from artchart.core.permissions import Action, Area
from artchart.measures.selectors import Trajectory, attainment_of, trajectories_of
from artchart.measures.views.client import course_words, level_label, trajectory_chart
from artchart.plans.models import Goal, TreatmentPlan
from artchart.plans.selectors import active_plan
from artchart.reports.document import (
    Chart,
    Document,
    Heading,
    Image,
    Meta,
    Missing,
    Paragraph,
    Signature,
    SignatureBlock,
    Table,
    long_date,
)
from artchart.therapy.models import PRESENT_STATUSES, AttendanceStatus, SessionKind, SessionStatus
from artchart.therapy.selectors.groups import attendance_of
from artchart.therapy.selectors.sessions import sessions_of_client


class Kind(TextChoices):
    PLAN = "plan", "Signed treatment plan"
    PROGRESS = "progress", "Progress report"


# What each report reads: the plan is the clinical record; a progress report also shows sessions,
# attendance and artwork, which the access table keeps under notes.
AREA_OF = {Kind.PLAN: Area.CLINICAL, Kind.PROGRESS: Area.NOTES}

NO_SIGNED_PLAN = UserMessage(
    "report_no_signed_plan", "No treatment plan has been signed for this client, so there is no plan to report."
)
NO_PLAN_IN_FORCE = UserMessage(
    "report_no_plan_in_force",
    "No signed treatment plan is in force, so there are no goals or objectives to report on.",
)
NO_SESSIONS = UserMessage("report_no_sessions", "No sessions were held or scheduled in this period.")
NO_MEASURES = UserMessage("report_no_measures", "No measures were recorded in this period.")
NO_ARTWORKS = UserMessage("report_no_artworks", "No artworks were made in this period.")
NO_RECORD_CONSENT = UserMessage(
    "report_no_record_consent",
    "Artworks are left out of this report: the client's consent to photograph artwork for the record is not in force.",
)
NO_SUPERVISION_CONSENT = UserMessage(
    "report_no_supervision_consent",
    "Artworks are left out of this report: it was produced by a supervisor, and the client's consent to show "
    "artwork in supervision is not in force.",
)
NO_GAS_IN_PERIOD = UserMessage(
    "report_no_gas_in_period", "No Goal Attainment Scaling rating of this goal in this period."
)
NO_GOALS = UserMessage("report_no_goals", "No goals are written for this problem.")
NO_OBJECTIVES = UserMessage("report_no_objectives", "No measurable objectives are written for this goal.")
NO_INTERVENTIONS = UserMessage("report_no_interventions", "No interventions are planned.")
NO_PHOTO = UserMessage("report_no_photo", "No photograph of this piece is on file.")


def report_access(user: User, client_id: int, kind: str) -> ClientAccess:
    """The client and the user's access for this kind of report: 404 outside their care, 403 without the area."""
    return client_get_for_user(user, client_id, area=AREA_OF[Kind(kind)], action=Action.READ)


def _name(user: User | None) -> str:
    return user.display_name if user is not None else "someone no longer on record"


def _meta(access: ClientAccess, *, by: User, title: str, subtitle: str) -> Meta:
    organization = access.client.organization
    return Meta(
        title=title,
        client_initials=access.client.initials,
        produced_by=_name(by),
        produced_at=timezone.localtime(),
        subtitle=subtitle,
        organization=organization.name if organization is not None else "",
    )


def _day(moment: dt.datetime | None) -> str:
    return long_date(timezone.localtime(moment).date()) if moment is not None else "—"


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


# --- the signed treatment plan -------------------------------------------------------------------------


def plan_document(access: ClientAccess, *, by: User) -> Document:
    """The treatment plan in force, as signed: problems, goals with their GAS levels, objectives,
    planned interventions and the signatures."""
    plan = active_plan(access)
    subtitle = f"Version {plan.version}, signed {_day(plan.signed_at)}" if plan is not None else ""
    document = Document(_meta(access, by=by, title="Treatment plan", subtitle=subtitle))
    if plan is None:
        document.add(Missing(NO_SIGNED_PLAN))
        return document
    document.add(
        Table(
            ("Written by", "Review date", "Status"),
            (
                (
                    _name(plan.author),
                    long_date(plan.review_date) if plan.review_date else "No review date set",
                    plan.get_status_display(),
                ),
            ),
        )
    )
    for p_number, problem in enumerate(plan.problems.all(), start=1):
        document.add(Heading(f"Problem {p_number}"), Paragraph(problem.statement))
        goals = list(problem.goals.all())
        if not goals:
            document.add(Missing(NO_GOALS))
        for g_number, goal in enumerate(goals, start=1):
            _plan_goal(document, goal, f"{p_number}.{g_number}")
    document.add(Heading("Planned interventions"))
    interventions = list(plan.interventions.all())
    if interventions:
        document.add(
            Table(
                ("Intervention", "Media", "Frequency", "Delivered by"),
                tuple(
                    (str(i), i.media or "—", i.frequency or "—", _name(i.delivered_by) if i.delivered_by else "—")
                    for i in interventions
                ),
                widths=(4, 2, 2, 2),
            )
        )
    else:
        document.add(Missing(NO_INTERVENTIONS))
    document.add(Heading("Signatures"), _plan_signatures(plan))
    return document


def _plan_goal(document: Document, goal: Goal, number: str) -> None:
    document.add(Heading(f"Goal {number}", level=2), Paragraph(goal.statement))
    if goal.gas_levels:
        document.add(
            Table(
                ("GAS level", "What it looks like"),
                tuple(goal.gas_levels),
                caption=f"Goal Attainment Scaling (weight {goal.weight})",
                widths=(1, 6),
            )
        )
    objectives = list(goal.objectives.all())
    if objectives:
        document.add(
            Table(
                ("Objective", "Baseline", "Target date", "Status"),
                tuple(
                    (
                        o.statement,
                        o.baseline or "—",
                        long_date(o.target_date) if o.target_date else "—",
                        o.get_status_display(),
                    )
                    for o in objectives
                ),
                widths=(5, 3, 2, 2),
            )
        )
    else:
        document.add(Missing(NO_OBJECTIVES))


def _signature(role: str, user: User | None, at: dt.datetime | None) -> Signature:
    # The display name carries the credentials (", ATR-BC"), as every signature line of the record shows them.
    return Signature(role, _name(user), timezone.localtime(at) if at else None)


def _plan_signatures(plan: TreatmentPlan) -> SignatureBlock:
    signatures = [_signature("Signed by", plan.signed_by, plan.signed_at)]
    if plan.cosigned_by is not None:
        signatures.append(_signature("Co-signed by", plan.cosigned_by, plan.cosigned_at))
    statement = f"The signed content's SHA-256 is {plan.content_hash}." if plan.content_hash else ""
    return SignatureBlock(tuple(signatures), statement)


# --- the progress report -----------------------------------------------------------------------------------


def progress_document(access: ClientAccess, *, by: User, start: dt.date, end: dt.date) -> Document:
    """A period's progress: attendance, goals and objectives with GAS, measures with their course, and the
    artworks of the period with the client's own words."""
    subtitle = f"Period: {long_date(start)} to {long_date(end)}"
    document = Document(_meta(access, by=by, title="Progress report", subtitle=subtitle))
    _attendance(document, access, start, end)
    _goals(document, access, start, end)
    _measures(document, access, start, end)
    _artworks(document, access, start, end)
    return document


def _bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = timezone.get_current_timezone()
    first = dt.datetime.combine(start, dt.time.min, tzinfo=zone)
    return first, dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)


def _attendance(document: Document, access: ClientAccess, start: dt.date, end: dt.date) -> None:
    document.add(Heading("Attendance"))
    first, after = _bounds(start, end)
    sessions = list(
        sessions_of_client(access)
        .exclude(kind=SessionKind.GROUP)
        .filter(starts_at__gte=first, starts_at__lt=after)
        .order_by("starts_at", "pk")
    )
    group = list(
        attendance_of(access)
        .filter(session__starts_at__gte=first, session__starts_at__lt=after)
        .select_related("session__directive")
    )
    if not sessions and not group:
        document.add(Missing(NO_SESSIONS))
        return
    by_status = Counter(s.status for s in sessions)
    rows = []
    if sessions:
        rows.append(
            (
                "Individual and family sessions",
                str(by_status[SessionStatus.COMPLETED]),
                str(by_status[SessionStatus.CANCELLED] + by_status[SessionStatus.NO_SHOW]),
                str(by_status[SessionStatus.SCHEDULED]),
            )
        )
    if group:
        marked = Counter(a.status for a in group)
        present = sum(marked[s] for s in PRESENT_STATUSES)
        missed = marked[AttendanceStatus.ABSENT] + marked[AttendanceStatus.EXCUSED]
        rows.append(("Group sessions", str(present), str(missed), "0"))
    document.add(
        Table(
            ("Sessions", "Attended", "Missed (cancelled, no-show, absent, excused)", "Not yet marked"),
            tuple(rows),
            widths=(4, 2, 3, 2),
        )
    )
    listed = [(s.starts_at, s.get_kind_display(), s.get_status_display(), s.directive) for s in sessions] + [
        (a.session.starts_at, f"Group: {a.session.group or 'unnamed'}", a.get_status_display(), a.session.directive)
        for a in group
    ]
    document.add(
        Table(
            ("Date", "Session", "Attendance", "Directive"),
            tuple(
                (_short(timezone.localtime(when).date()), kind, status, str(directive) if directive else "—")
                for when, kind, status, directive in sorted(listed, key=lambda row: row[0])
            ),
            caption="Sessions in this period",
            widths=(2, 3, 2, 4),
        )
    )


def _goals(document: Document, access: ClientAccess, start: dt.date, end: dt.date) -> None:
    document.add(Heading("Goals and objectives"))
    plan = active_plan(access) if access.may(Area.CLINICAL, Action.READ) else None
    if plan is None:
        document.add(Missing(NO_PLAN_IN_FORCE))
        return
    signed_on = timezone.localtime(plan.signed_at).date() if plan.signed_at else None
    # The plan is the one in force when the report is made; a reader must not take it for the period's own.
    later = " It was signed after this period ended." if signed_on is not None and signed_on > end else ""
    document.add(
        Paragraph(
            f"From the treatment plan in force when this report was produced: version {plan.version}, "
            f"signed {_day(plan.signed_at)}.{later}"
        )
    )
    in_period = {
        course.goal.pk: [r for r in course.ratings if start <= r.rated_on <= end]
        for course in attainment_of(access).goals
    }
    latest: list[tuple[int, float]] = []
    for problem in plan.problems.all():
        for goal in problem.goals.all():
            document.add(Heading(goal.statement, level=2))
            ratings = in_period.get(goal.pk, [])
            if ratings:
                latest.append((ratings[-1].level, goal.weight))
                document.add(
                    Paragraph(
                        "; ".join(f"{_short(r.rated_on)}: {level_label(r.level)}" for r in ratings)
                        + f". Latest: {dict(goal.gas_levels).get(level_label(ratings[-1].level), 'no description')}.",
                        label="GAS ratings in this period:",
                    )
                )
            else:
                document.add(Missing(NO_GAS_IN_PERIOD))
            objectives = list(goal.objectives.all())
            if objectives:
                document.add(
                    Table(
                        ("Objective", "Target date", "Progress"),
                        tuple(
                            (o.statement, long_date(o.target_date) if o.target_date else "—", o.get_status_display())
                            for o in objectives
                        ),
                        widths=(6, 2, 2),
                    )
                )
            else:
                document.add(Missing(NO_OBJECTIVES))
    if latest:
        t_score = outcomes.gas_t_score([level for level, _ in latest], [weight for _, weight in latest])
        words = (
            f"{t_score:.1f} (50 is the expected outcome on every goal; above 50, better than expected)"
            if isinstance(t_score, float)
            else f"not computed: {t_score.reason}"
        )
        document.add(
            Paragraph(f"{words}, over the latest rating of {len(latest)} goal(s) in this period.", label="GAS T-score:")
        )


def _measures(document: Document, access: ClientAccess, start: dt.date, end: dt.date) -> None:
    document.add(Heading("Measures"))
    trajectories = trajectories_of(access, since=start, until=end) if access.may(Area.CLINICAL, Action.READ) else []
    if not trajectories:
        document.add(Missing(NO_MEASURES))
        return
    rows = []
    for trajectory in trajectories:
        summary, _ = course_words(trajectory.course)
        points = trajectory.points
        rows.append(
            (
                trajectory.instrument.short_name,
                str(len(points)),
                f"{points[0].total:g} ({points[0].band or 'no band'}), {_short(points[0].administered_on)}",
                f"{points[-1].total:g} ({points[-1].band or 'no band'}), {_short(points[-1].administered_on)}",
                summary,
            )
        )
    document.add(
        Table(
            ("Measure", "Times", "First", "Last", "Change classification"),
            tuple(rows),
            widths=(2, 1, 3, 3, 5),
        )
    )
    for trajectory in trajectories:
        document.add(_trajectory_chart(trajectory))


def _trajectory_chart(trajectory: Trajectory) -> Chart:
    name = trajectory.instrument.short_name
    values = Table(
        ("Date", f"{name} total", "Band"),
        tuple((_short(p.administered_on), f"{p.total:g}", p.band or "—") for p in trajectory.points),
    )
    return Chart(str(trajectory_chart(trajectory)), f"{name} in this period, on its severity bands", values)


def _artworks(document: Document, access: ClientAccess, start: dt.date, end: dt.date) -> None:
    document.add(Heading("Artworks"))
    works = list(artworks_of(access).filter(made_on__gte=start, made_on__lte=end))
    if not works:
        document.add(Missing(NO_ARTWORKS))
        return
    # Checked at the moment of use: a consent revoked since the piece was photographed takes it out at once.
    if consent_in_force(access.client.pk, ConsentKind.RECORD) is None:
        document.add(Missing(NO_RECORD_CONSENT))
        return
    if not images_allowed(access):
        document.add(Missing(NO_SUPERVISION_CONSENT))
        return
    document.add(Paragraph(f"{len(works)} piece(s) made in this period, in the order they were made."))
    for artwork in works:
        document.add(_artwork_block(access, artwork))


def _artwork_caption(artwork: Artwork) -> str:
    parts = [artwork.title or "Untitled", f"made {long_date(artwork.made_on)}", artwork.get_media_display().lower()]
    if artwork.assessment is not None:
        parts.append(artwork.assessment.code.upper())
    return ", ".join(parts)


def _artwork_block(access: ClientAccess, artwork: Artwork) -> Image | Paragraph:
    caption = _artwork_caption(artwork)
    picture = _picture(access, primary_photo(artwork))
    if picture is None:
        words = f" In the client's words: “{artwork.statement}”" if artwork.statement else ""
        return Paragraph(f"{NO_PHOTO}{words}", label=f"{caption}.")
    return Image(picture, "image/jpeg", caption, alt=f"Artwork: {caption}", words=artwork.statement)


def _picture(access: ClientAccess, photo: Photo | None) -> bytes | None:
    """The straightened page where one was found (what was measured, without the table around it), else the
    photo at the size the pages show it large."""
    if photo is None:
        return None
    for variant in ("page", "large"):
        try:
            name = image_file(access, photo, variant)
        except Http404:
            continue
        try:
            with default_storage.open(name, "rb") as stored:
                data: bytes = stored.read()
        except OSError:
            # The row names a file storage no longer holds: the report says the picture is missing
            # rather than failing as a whole.
            return None
        return data
    return None


def document_for(access: ClientAccess, kind: str, *, by: User, start: dt.date, end: dt.date) -> Document:
    if kind == Kind.PLAN:
        return plan_document(access, by=by)
    return progress_document(access, by=by, start=start, end=end)
