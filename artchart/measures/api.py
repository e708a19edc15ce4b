"""API for measures: the instruments, a client's administrations and outcomes, and program figures.

``POST /clients/{client_id}/measures`` scores the answers with the instrument's
own rules before anything is stored and returns the scored result (with the
risk alert it raised, if any). Item text is listed only where the instrument's
licence lets it ship; a score-only instrument lists its items without wording.
Statistics on too little data come back as ``{"insufficient": reason}``, never
as a number.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Query, Router, Schema, Status
from pydantic import Field

from artchart import outcomes
from artchart.core.access import require_role
from artchart.core.api import Day, Id, paginated
from artchart.core.messages import UserMessage
from artchart.core.models import PopulationType
from artchart.core.permissions import Action
from artchart.measures import instruments, selectors
from artchart.measures.models import Administration, Mode
from artchart.measures.services.administrations import (
    administration_record,
    incomplete_message,
)

router = Router(tags=["measures"])

POPULATION_UNKNOWN = UserMessage("population_unknown", "Choose one of: {names}.")
INCOMPLETE_KEPT_AS = UserMessage("incomplete_kept_as_administration", "{message} (Kept as administration {id}.)")


# --- instruments ------------------------------------------------------------------------------------------


class OptionOut(Schema):
    value: int
    label: str


class ItemOut(Schema):
    number: int
    text: str | None = Field(description="Null where the licence does not let the wording ship (score-only)")
    options: list[OptionOut]
    reverse: bool
    risk: bool


class QuestionOut(Schema):
    id: str
    text: str | None
    options: list[OptionOut]


class BandOut(Schema):
    min: float
    max: float
    label: str


class LicenceOut(Schema):
    text: str
    name: str | None
    url: str | None
    item_text_may_ship: bool


class InstrumentOut(Schema):
    id: str
    name: str
    short_name: str
    version: str
    source: str
    licence: LicenceOut
    score_only: bool
    instructions: str | None
    score_min: float
    score_max: float
    higher_is_worse: bool
    bands: list[BandOut]
    flags: list[str]
    items: list[ItemOut]
    unscored_questions: list[QuestionOut]


def _options(options) -> list[dict]:
    return [{"value": o.value, "label": o.label} for o in options]


def _instrument(instrument: outcomes.Instrument) -> dict:
    ships = instrument.licence.item_text_may_ship
    return {
        "id": instrument.id,
        "name": instrument.name,
        "short_name": instrument.short_name,
        "version": instrument.version,
        "source": instrument.source,
        "licence": {
            "text": instrument.licence.text,
            "name": instrument.licence.name,
            "url": instrument.licence.url,
            "item_text_may_ship": ships,
        },
        "score_only": instrument.score_only,
        "instructions": instrument.instructions if ships else None,
        "score_min": instrument.score_min,
        "score_max": instrument.score_max,
        "higher_is_worse": instrument.higher_is_worse,
        "bands": [{"min": b.min, "max": b.max, "label": b.label} for b in instrument.bands],
        "flags": [f.label for f in instrument.flags],
        "items": [
            {
                "number": i.number,
                "text": i.text if ships else None,
                "options": _options(i.options),
                "reverse": i.reverse,
                "risk": i.risk,
            }
            for i in instrument.items
        ],
        "unscored_questions": [
            {"id": q.id, "text": q.text if ships else None, "options": _options(q.options)}
            for q in instrument.unscored_questions
        ],
    }


@router.get("/measures/instruments", response=list[InstrumentOut], url_name="instruments_list")
@paginated
def instruments_list(request):
    """The practice's instruments, with item wording only where the licence allows it."""
    return [_instrument(instrument) for instrument in instruments.available().values()]


# --- administrations -------------------------------------------------------------------------------------


class MeasureIn(Schema):
    instrument: str = Field(max_length=40, description="Id or short name: phq9, PHQ-9, gad7, rses…")
    answers: list = Field(max_length=200, description="One option value (or null) per scored item, in order")
    date: Day = Field(description="The day the measure was completed (not in the future)")
    session: Id | None = Field(None, description="One of the client's sessions")
    respondent: Literal["client", "guardian"] = "client"
    extra_answers: dict[str, int | None] = Field(
        default_factory=dict, description="Answers to unscored questions, by id"
    )
    fit_reason: str = Field(
        "",
        max_length=500,
        description="Why an instrument made for another age range is used "
        "for this client; required then, kept with the measure",
    )


class AdministrationOut(Schema):
    id: int
    client: int
    instrument: str
    instrument_version: str
    date: dt.date
    session: int | None
    mode: str
    respondent: str
    answers: list[int | None] = Field(description="The item answers, as scored (reverse-keyed items keyed)")
    extra_answers: dict
    complete: bool = Field(description="False for a form kept unfinished: never scored, total null")
    incomplete_reason: str = Field(description="Why an incomplete form could not be scored")
    total: float | None
    subscales: dict
    band: str
    flags: list[str]
    risk: bool
    prorated: bool
    alert: int | None = Field(description="The risk alert this administration raised")
    recorded_by: int | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_client(item: Administration) -> int:
        return item.client_id

    @staticmethod
    def resolve_date(item: Administration) -> dt.date:
        return item.administered_on

    @staticmethod
    def resolve_session(item: Administration) -> int | None:
        return item.session_id

    @staticmethod
    def resolve_complete(item: Administration) -> bool:
        return item.is_complete

    @staticmethod
    def resolve_recorded_by(item: Administration) -> int | None:
        return item.recorded_by_id

    @staticmethod
    def resolve_alert(item: Administration) -> int | None:
        alert = getattr(item, "alert", None)
        return alert.pk if alert is not None else None


def _with_alert(queryset):
    return queryset.select_related("alert")


@router.post("/clients/{client_id}/measures", response={201: AdministrationOut}, url_name="measures_create")
def measures_create(request, client_id: Id, payload: MeasureIn):
    """Score and record one completed measure; a risk answer (PHQ-9 item 9 above 0) raises an alert.

    Answers with items left blank that the instrument's rule does not allow get a 400, and what was
    answered is still kept as an incomplete administration (listed with ``complete: false``), raising
    the alert on a risk answer; sending the completed form again with the same date and session
    completes that administration."""
    access = selectors.measures_access(request.user, client_id, action=Action.WRITE)
    try:
        administration = administration_record(
            by=request.user,
            client=access.client,
            instrument=payload.instrument,
            answers=payload.answers,
            administered_on=payload.date,
            session=payload.session,
            mode=Mode.API,
            respondent=payload.respondent,
            extra_answers=payload.extra_answers,
            fit_reason=payload.fit_reason,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        # The service names its date "administered_on"; the API calls it "date".
        raise ValidationError(
            {("date" if field == "administered_on" else field): errors for field, errors in exc.error_dict.items()}
        ) from None
    if not administration.is_complete:
        raise ValidationError(
            {"answers": INCOMPLETE_KEPT_AS.format(message=incomplete_message(administration), id=administration.pk)}
        )
    return Status(201, _with_alert(selectors.administrations_of(access)).get(pk=administration.pk))


@router.get("/clients/{client_id}/measures", response=list[AdministrationOut], url_name="measures_list")
@paginated
def measures_list(request, client_id: Id, instrument: str = Query("", max_length=40)):
    """The client's administrations with their item answers, newest first."""
    access = selectors.measures_access(request.user, client_id)
    key = instruments.get(instrument).id if instrument else ""
    return list(
        _with_alert(selectors.administrations_of(access, instrument=key)).order_by(
            "-administered_on", "-recorded_at", "-pk"
        )
    )


# --- outcomes --------------------------------------------------------------------------------------------


class InsufficientOut(Schema):
    insufficient: str = Field(description="Why there is no figure, in words")
    n: int


def _insufficient(value: outcomes.Insufficient) -> dict:
    return {"insufficient": value.reason, "n": value.n}


class PointOut(Schema):
    id: int
    date: dt.date
    total: float
    band: str
    flags: list[str]
    risk: bool
    answers: list[int | None]
    session: int | None


class CourseOut(Schema):
    classification: str = Field(description="recovered, improved, unchanged or deteriorated")
    first: float
    last: float
    n: int
    change: float = Field(description="last − first")
    rc: float | None = Field(description="Jacobson & Truax reliable change index, where the file allows it")
    reliable: bool
    direction: str
    cutoff: float | None
    cutoff_kind: str | None
    crossed: bool
    smallest_reliable_change: float
    method: str
    rule: str = Field(description="The rule the classification used")


class TrajectoryOut(Schema):
    instrument: str
    short_name: str
    name: str
    higher_is_worse: bool
    bands: list[BandOut]
    points: list[PointOut]
    course: CourseOut | InsufficientOut
    cutoff: float | None
    reliable_band: list[float] | None = Field(description="The first score ± the smallest reliable change")


class RatingOut(Schema):
    id: int
    level: int
    rated_on: dt.date
    session: int | None
    note: str


class GoalOut(Schema):
    goal: int
    statement: str
    weight: int
    latest_level: int | None
    latest_rated_on: dt.date | None
    ratings: list[RatingOut]


class AttainmentOut(Schema):
    goals: list[GoalOut]
    t_score: float | InsufficientOut = Field(description="Kiresuk & Sherman T over each goal's latest rating")


class OutcomesOut(Schema):
    client: int
    instruments: list[TrajectoryOut]
    goal_attainment: AttainmentOut


def _course(course) -> dict:
    if isinstance(course, outcomes.Insufficient):
        return _insufficient(course)
    change = course.change
    return {
        "classification": change.classification,
        "first": course.first,
        "last": course.last,
        "n": course.n,
        "change": course.last - course.first,
        "rc": change.rc,
        "reliable": change.reliable,
        "direction": change.direction,
        "cutoff": change.cutoff,
        "cutoff_kind": change.cutoff_kind,
        "crossed": change.crossed,
        "smallest_reliable_change": change.smallest_reliable_change,
        "method": change.method,
        "rule": change.rule,
    }


def _trajectory(trajectory: selectors.Trajectory) -> dict:
    instrument = trajectory.instrument
    return {
        "instrument": instrument.id,
        "short_name": instrument.short_name,
        "name": instrument.name,
        "higher_is_worse": instrument.higher_is_worse,
        "bands": [{"min": b.min, "max": b.max, "label": b.label} for b in instrument.bands],
        "points": [
            {
                "id": p.pk,
                "date": p.administered_on,
                "total": p.total,
                "band": p.band,
                "flags": p.flags,
                "risk": p.risk,
                "answers": p.answers,
                "session": p.session_id,
            }
            for p in trajectory.points
        ],
        "course": _course(trajectory.course),
        "cutoff": trajectory.cutoff,
        "reliable_band": list(trajectory.reliable_band) if trajectory.reliable_band else None,
    }


def _attainment(attainment: selectors.Attainment) -> dict:
    goals = []
    for course in attainment.goals:
        latest = course.latest
        goals.append(
            {
                "goal": course.goal.pk,
                "statement": course.goal.statement,
                "weight": course.goal.weight,
                "latest_level": latest.level if latest else None,
                "latest_rated_on": latest.rated_on if latest else None,
                "ratings": [
                    {"id": r.pk, "level": r.level, "rated_on": r.rated_on, "session": r.session_id, "note": r.note}
                    for r in course.ratings
                ],
            }
        )
    t_score = attainment.t_score
    return {
        "goals": goals,
        "t_score": _insufficient(t_score) if isinstance(t_score, outcomes.Insufficient) else t_score,
    }


@router.get("/clients/{client_id}/outcomes", response=OutcomesOut, url_name="outcomes_of_client")
def outcomes_of_client(request, client_id: Id):
    """Each instrument over time with its course classified (and the rule used), and Goal Attainment Scaling."""
    access = selectors.measures_access(request.user, client_id)
    return {
        "client": access.client.pk,
        "instruments": [_trajectory(t) for t in selectors.trajectories_of(access)],
        "goal_attainment": _attainment(selectors.attainment_of(access)),
    }


# --- program effectiveness ---------------------------------------------------------------------------------


class CohortIn(Schema):
    instrument: str = Field("phq9", max_length=40)
    program: Id | None = None
    population: str = Field("", max_length=40, description="school, nursing_home, forensic, outpatient…")
    site: Id | None = None
    directive: Id | None = None
    therapist: Id | None = None
    date_from: Day | None = None
    date_to: Day | None = None


class EffectOut(Schema):
    n: int
    mean_change: float
    ci_low: float
    ci_high: float
    d_z: float
    g_z: float = Field(description="d_z with Hedges' correction")
    g_ci_low: float
    g_ci_high: float
    confidence: float


class SharesOut(Schema):
    recovered: float
    improved: float
    unchanged: float
    deteriorated: float


class EffectivenessOut(Schema):
    instrument: str
    filters: dict
    n: int = Field(description="Clients with a first and a last score on different days")
    minimum: int
    hidden: bool
    message: str = Field(description="Why figures are missing, or empty")
    mean_pre: float | None
    mean_post: float | None
    effect: EffectOut | InsufficientOut | None
    shares: SharesOut | None
    rule: str


def _cohort_filter(query: CohortIn) -> selectors.CohortFilter:
    errors = {}
    populations = [value for value, _ in PopulationType.choices]
    if query.population and query.population not in populations:
        errors["population"] = POPULATION_UNKNOWN.format(names=", ".join(populations))
    if query.date_from and query.date_to and query.date_to < query.date_from:
        errors["date_to"] = selectors.PERIOD_BACKWARDS
    if errors:
        raise ValidationError(errors)
    return selectors.CohortFilter(
        instrument=instruments.get(query.instrument).id,
        program_id=query.program,
        population=query.population,
        site_id=query.site,
        directive_id=query.directive,
        therapist_id=query.therapist,
        date_from=query.date_from,
        date_to=query.date_to,
    )


@router.get("/measures/programs", response=EffectivenessOut, url_name="program_effectiveness")
def program_effectiveness(request, query: Query[CohortIn]):
    """Pre–post figures for a cohort: program admins see the organization's clients (aggregates only),
    clinicians their own; no figure for fewer clients than the practice's minimum."""
    require_role(request.user, *selectors.PROGRAM_ROLES)
    filters = _cohort_filter(query)
    result = selectors.program_effectiveness(request.user, filters)
    effect = result.effect
    if isinstance(effect, outcomes.Insufficient):
        effect = _insufficient(effect)
    elif effect is not None:
        effect = {name: getattr(effect, name) for name in EffectOut.model_fields}
    return {
        "instrument": result.instrument.id,
        "filters": {name: value for name, value in query.dict().items() if value not in (None, "")},
        "n": result.n,
        "minimum": result.minimum,
        "hidden": result.hidden,
        "message": selectors.TOO_FEW.format(minimum=result.minimum, n=result.n) if result.hidden else "",
        "mean_pre": result.mean_pre,
        "mean_post": result.mean_post,
        "effect": effect,
        "shares": result.shares or None,
        "rule": result.rule,
    }
