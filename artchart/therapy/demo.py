"""The demo practice's clinical work: sessions, a school group, notes and the rest, so every page has data.

Called once from ``artchart.demo.practice.build_demo`` after the clients and their
signed plans exist. Everything goes through the therapy and plans services, so
each write is validated and audited, and everything is drawn from the demo's
``random.Random(seed)``, so two demos built on the same day read the same.

Dates are relative to the day the demo is built: each client's weekly series
started about eleven weeks ago, on a weekday chosen so that ``therapist`` has
sessions today and on each of the next days. Sessions that have ended are
completed (a few cancelled with a reason, a few no-shows) and documented, except
``therapist``'s sessions of today: whatever the hour the demo is built, at least two
of them have begun and wait to be documented (the latest left scheduled, the others
completed without a note), so a first look at the demo has today's work to do. When
too few of the weekly sessions have begun yet, one-off sessions are booked earlier
in the day, back to back before the first that has (from 01:45 on, two fit).

The services sign a note "now". A note signed today for a session of last month
would be a late entry, and every demo note would say so; the demo's story is
that each was signed on the day of its session. So, after the services have
written and audited everything, the notes of past sessions are placed at that
time (``created_at``/``signed_at``) in one update, recorded by one audit event
(``demo.backdate``, counts only), as ``seed_clients`` records its bulk load.
The signature's content hash does not cover these times and stays valid. One
note is left as it really was written, days after its session: the demo's late
entry.
"""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from artchart.clients.models import Client, ClientStatus
from artchart.core import audit
from artchart.core.audit_actions import CoreAction
from artchart.core.models import CareTeamRole, Organization, PopulationType, Site, User
from artchart.core.permissions import Action, Area, allows, relations_of
from artchart.plans import services as plan_services
from artchart.plans.models import Goal, PlanStatus, TreatmentPlan
from artchart.programs.models import Directive, Program
from artchart.therapy import billing_rules
from artchart.therapy.models import AttendanceStatus, Note, NoteKind, Session, SessionKind, SessionStatus
from artchart.therapy.services import billing, confidential, groups, notes, sessions

WEEKS = 11  # weeks of history before today
RISK_CLIENT_NOTES = (
    "Spoke of passive thoughts that things would be easier if they were not here; denies intent "
    "or plan. Safety plan written together; knows the crisis line number."
)
SLOTS = [(9, 0), (11, 0), (15, 30)]  # individual session times, local
GROUP_TIME = (13, 30)
GROUP_DAY_OFFSET = 2  # the school group meets two days after the demo's build day, every week
TO_DOCUMENT_TODAY = 2  # today's sessions of ``therapist`` that have begun and wait for their note
ONE_OFF_STEP = dt.timedelta(minutes=50)  # one-off sessions of today, back to back: the longest lasts 45 minutes
LATE_ENTRY_DAYS = (4, 12)  # the late entry's session ended this many days ago (range)

ROOMS = {
    PopulationType.SCHOOL: "Art room",
    PopulationType.NURSING_HOME: "Activity room",
    PopulationType.FORENSIC: "Group room B",
    PopulationType.OUTPATIENT: "Studio 1",
}
# (CPT, place of service, minutes) per setting.
BILLING = {
    PopulationType.SCHOOL: ("90832", "03", 30),
    PopulationType.NURSING_HOME: ("90832", "32", 30),
    PopulationType.FORENSIC: ("90834", "09", 45),
    PopulationType.OUTPATIENT: ("90834", "11", 45),
}

TEMPLATES = [
    dict(
        name="Progress note (SOAP, risk screen)",
        kind=NoteKind.PROGRESS,
        format="soap",
        required_fields=["subjective", "objective", "assessment", "plan", "media", "engagement", "risk_level"],
        is_default=True,
    ),
    dict(
        name="Intake assessment (DAP)",
        kind=NoteKind.INTAKE,
        format="dap",
        required_fields=["data", "assessment", "plan"],
        extra_fields=[{"label": "Formal elements of the first drawing", "required": False}],
        is_default=True,
    ),
    dict(
        name="Discharge summary (BIRP)",
        kind=NoteKind.DISCHARGE,
        format="birp",
        required_fields=["behavior", "intervention", "response", "plan"],
        is_default=True,
    ),
]

CANCEL_REASONS = {
    PopulationType.SCHOOL: [
        "School closed for a snow day.",
        "Class field trip to the science museum.",
        "Client absent from school (ill).",
    ],
    PopulationType.NURSING_HOME: [
        "Resident unwell; on bed rest per nursing.",
        "Family visit at the same time.",
        "Facility-wide flu precautions: group activities paused.",
    ],
    PopulationType.FORENSIC: [
        "Unit on lockdown; no movement off the unit.",
        "Client at a court hearing.",
        "Staffing: no escort available.",
    ],
    PopulationType.OUTPATIENT: [
        "Client cancelled: child sick at home.",
        "Therapist ill.",
        "Client cancelled: work shift changed.",
    ],
}

# --- what the notes say, by setting -------------------------------------------------------------------

# directive name (from the demo library), what was asked, media, the client's titles, the client's words:
# one directive's session reads as one piece of work.
DIRECTIVES = {
    PopulationType.SCHOOL: [
        (
            "Scribble chase",
            "Warm-up scribble chase with the therapist, then find and finish a picture hidden in the scribble.",
            "Crayons on 18x24 paper",
            ["The Volcano Day", "Dragon in the Lines"],
            ["The volcano is mad but the lava is cooling now.", "I found a dragon! He's friendly if you feed him."],
        ),
        (
            "Safe-place drawing",
            "Draw a place where you feel safe and calm, and add who or what helps you feel that way.",
            "Oil pastels on 12x18 paper",
            ["Secret Fort", "My Dog and Me", "The Quiet Corner"],
            ["Nobody can come in the fort unless I say.", "This is me when I'm not scared any more."],
        ),
        (
            "Container box",
            "Decorate the outside of a box with how others see you; write worries on slips for inside.",
            "Small cardboard box, tempera paint, collage papers",
            ["Worry Box", "Rainbow Road"],
            ["The worries go in here and they can't get out.", "Outside is happy, inside is a little bit sad."],
        ),
        (
            "Clay pinch pot",
            "Make a small pot to hold something that helps you feel brave.",
            "Air-dry clay, wooden tools",
            ["Brave Pot", "Tiny Nest"],
            ["It's lumpy but it's strong.", "I want to take it home and show my grandma."],
        ),
    ],
    PopulationType.NURSING_HOME: [
        (
            "Mandala",
            "Colour a printed mandala from the centre outward, choosing colours that feel calm.",
            "Coloured pencils, printed mandala",
            ["Blue", "Sunday Best"],
            ["I don't know what it is, but I like it.", "I used to sew dresses this colour."],
        ),
        (
            "Magazine collage",
            "Choose pictures that bring back a good memory and talk about it while gluing.",
            "Pre-cut images (no small parts), glue stick, card",
            ["The Old Kitchen", "Harvest"],
            ["That's like our kitchen, with the big stove.", "We brought the hay in every August."],
        ),
        (
            "Clay pinch pot",
            "Shape a small dish from warm clay, noticing the texture in the hands.",
            "Air-dry clay",
            ["A Dish for Sweets", "Bread Dough"],
            ["It feels like making bread.", "It's for my daughter."],
        ),
        (
            "Safe-place drawing",
            "Paint a favourite place from earlier life.",
            "Watercolour on heavy paper, large-grip brushes",
            ["Mother's Roses", "The Lake House"],
            ["We had roses like these by the porch.", "That's the lake. My brother could swim right across it."],
        ),
    ],
    PopulationType.FORENSIC: [
        (
            "Bridge drawing",
            "Draw a bridge from where you are now to where you want to be; mark where you stand on it.",
            "Coloured pencils (counted out and back in), paper",
            ["The Long Way Round", "Half Way"],
            ["The bridge is broken in the middle, but there's a rope.", "I'm not at the start any more."],
        ),
        (
            "Inside/outside mask",
            "Paint the outside of the mask as others see you and the inside as you see yourself.",
            "Papier-mache mask, acrylic paint",
            ["Two Faces", "Inside"],
            ["Inside is just tired.", "Outside is the face for the unit."],
        ),
        (
            "Container box",
            "Make a container for what you need to put down between sessions.",
            "Cardboard box, collage papers, glue (no scissors)",
            ["Lockbox"],
            ["I'd put my temper in the box and lose the key.", "It's the first thing I've finished in here."],
        ),
        (
            "Mandala",
            "Fill a circle with pattern and colour at your own pace.",
            "Oil pastels on paper",
            ["Low Tide", "Outside"],
            ["The tide goes out, it comes back. Same as me.", "Round and round, but it settles you."],
        ),
    ],
    PopulationType.OUTPATIENT: [
        (
            "Bridge drawing",
            "Draw a bridge from where you are now to where you want to be.",
            "Soft pastels and charcoal",
            ["Home, Eventually", "Holding Pattern"],
            ["I kept putting myself further back on the bridge.", "I want to keep this one where I can see it."],
        ),
        (
            "Safe-place drawing",
            "Draw or paint a place, real or imagined, where you feel settled.",
            "Watercolour and fine liner",
            ["The Kitchen Table", "Porch Light"],
            ["It's messy, but it's honest.", "Nobody needs anything from me there."],
        ),
        (
            "Inside/outside mask",
            "Paint the outside of the mask as others see you and the inside as you see yourself.",
            "Papier-mache mask, acrylic paint",
            ["Knot", "Untitled (Grey)"],
            ["I didn't know I was this angry until the red.", "The inside is quieter than I thought."],
        ),
        (
            "Magazine collage",
            "Make a collage of what the week has felt like, without words.",
            "Magazine images, glue stick, card",
            ["Weather Report"],
            ["That's how the week felt: a lot of weather.", "I kept wanting to fix it, and then I didn't."],
        ),
        (
            "Scribble chase",
            "Two-colour scribble with the non-dominant hand, then find an image in it.",
            "Two crayons on large paper",
            ["Found Bird", "Tangle"],
            ["I hated not being in control of the line, then I didn't.", "There was a bird in there the whole time."],
        ),
    ],
}
ENGAGEMENT = {
    PopulationType.SCHOOL: [
        "Chose materials quickly and worked for 25 minutes with two short breaks; one prompt to return to the table.",
        (
            "Tested every colour on the edge of the page, then settled into a large central figure; "
            "pressed hard when talking about recess."
        ),
        "Asked for help twice and accepted it; tore a corner by accident and carried on after a short pause.",
        "Worked quietly, humming; layered colour until the paper pilled, then asked to stop and tidy up.",
        "Left the table for the window three times and came back each time with one prompt; finished the piece.",
    ],
    PopulationType.NURSING_HOME: [
        "Oriented to the room with one reminder; worked for 20 minutes while reminiscing about a family garden.",
        "Needed hand-over-hand to start, then continued alone; smiled and hummed along to the radio.",
        "Briefly unsure of the time of day; the familiar materials helped, and the resident returned to the work.",
        "Tired today and dozed once; engaged for about 10 minutes, mostly choosing colours for the therapist to apply.",
        "Talked throughout about a late spouse; tearful for a moment, then laughed at a shared memory.",
    ],
    PopulationType.FORENSIC: [
        "Sustained focus for 40 minutes; looked to the door twice when the unit alarm sounded, then resumed.",
        "Declined at first ('art is for kids'), agreed to try, became absorbed and asked for more time.",
        "Worked in silence, with small controlled marks; covered part of the image when staff walked past.",
        "Talked freely while working; returned all materials at the count without reminder.",
        "Restless at first, pacing; settled once the mask was in hand and worked steadily to the end.",
    ],
    PopulationType.OUTPATIENT: [
        "Arrived tense; started with broad dark strokes and slowed down over the session; breathing eased.",
        "Reworked one area many times, then chose to leave it unfinished and said so with a laugh.",
        "Worked quickly and talked little; reflected at length once the piece was finished.",
        "Tearful while choosing images; kept going and described each choice when done.",
        "Planned the layout carefully, then let the paint run and followed where it went.",
    ],
}
SUBJECTIVE = {
    PopulationType.SCHOOL: [
        "Teacher reports a calmer week, with one tearful morning drop-off.",
        "Client said recess was 'boring' and that a classmate would not share.",
        "Arrived smiling and described a good weekend with family.",
        "Counsellor reports two refusals to start written work this week.",
    ],
    PopulationType.NURSING_HOME: [
        "Staff report poor sleep and a refused breakfast twice this week.",
        "Resident greeted the therapist and asked for 'the painting'.",
        "Daughter visited at the weekend; staff note brighter mood since.",
        "Nursing reports more afternoon restlessness.",
    ],
    PopulationType.FORENSIC: [
        "Client reports poor sleep since a court date was set.",
        "Said the week on the unit was 'quiet, which is good'.",
        "Reports a difficult phone call with family; wanted to 'do something with my hands'.",
        "Unit staff report no incidents; client attending education classes.",
    ],
    PopulationType.OUTPATIENT: [
        "Client reports a stressful week at work and two nights of poor sleep.",
        "Says the breathing practice helped before a hard conversation.",
        "Reports low mood at the weekend; went for a walk as planned.",
        "Client describes feeling 'flat' but came to the session on time.",
    ],
}
ASSESSMENT = {
    PopulationType.SCHOOL: [
        "Used the image to name frustration with support; tolerated an imperfect part without destroying it.",
        "Regulation improved over the session; art making eased the move back to class.",
        "Still relies on prompts to name feelings but linked one feeling to the artwork unprompted.",
    ],
    PopulationType.NURSING_HOME: [
        "Reminiscence through the image lifted mood; engagement longer than last month.",
        "Sensory work with clay reduced restlessness for the length of the session.",
        "Orientation fluctuates; familiar materials and routine support participation.",
    ],
    PopulationType.FORENSIC: [
        "Contained strong feeling within the image; used the directive to reflect on next steps.",
        "Growing tolerance of an unfinished piece; named shame linked to the mask's inside.",
        "Engagement steady; imagery suggests hope alongside ongoing hypervigilance.",
    ],
    PopulationType.OUTPATIENT: [
        "Anxiety visible early in mark-making and eased through the session; reflected with insight.",
        "Allowed the piece to stay imperfect, an aim of the plan; linked the image to a recent conflict.",
        "Mood low but engaged; art making gave words to what was hard to say.",
    ],
}
PLAN = {
    PopulationType.SCHOOL: [
        "Continue weekly; offer a choice between two directives.",
        "Continue weekly; share the clay squeeze strategy with the teacher (guardian consented).",
    ],
    PopulationType.NURSING_HOME: [
        "Continue weekly; keep sessions before lunch when the resident is most alert.",
        "Continue weekly; offer reminiscence collage again with family photographs.",
    ],
    PopulationType.FORENSIC: [
        "Continue weekly; review the mask's inside next session if the client wishes.",
        "Continue weekly; share attendance (not content) with the treatment team.",
    ],
    PopulationType.OUTPATIENT: [
        "Continue weekly; practise the container image between sessions.",
        "Continue weekly; revisit the bridge drawing at the plan review.",
    ],
}
RATINGS_EARLY = ["no_change", "some", "some", "regressed"]
RATINGS_LATE = ["some", "good", "good", "met", "no_change"]

GROUP_NAME = "Feelings Through Art (grades 2–5)"
GROUP_PART = [
    "Check-in with a feelings colour on the group's chart, then a shared directive: {directive} "
    "Group closed with each member showing their work and one compliment from a peer.",
    "Warm-up: a one-minute scribble passed around the table. Main directive: {directive} "
    "Members negotiated shared materials with one reminder; closing circle with a breathing exercise.",
    "Check-in, then {directive_lower} Two members chose to work side by side; the group tidied up together "
    "and named one thing they were proud of.",
]

PROCESS_NOTE = (
    "Noticed a strong pull to rescue when the client talked about the court date, and spoke more than usual. "
    "The mask's painted-over inside brought back my own early supervision; take to supervision on Thursday. "
    "Hypothesis to hold lightly: the covering-over repeats what happens on the unit when staff walk past."
)


def _aware(day: dt.date, hour: int, minute: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _primary(client: Client) -> User:
    return client.care_team.select_related("user").get(role=CareTeamRole.PRIMARY).user


def risk_client_of(clients: list[Client], therapist: User) -> Client:
    """The demo's one client with a risk answer: the first active, unrestricted outpatient client of
    ``therapist``. The measures demo raises their alert; their notes of the last week already say why."""
    return next(
        c
        for c in clients
        if c.status == ClientStatus.ACTIVE
        and c.site.population_type == PopulationType.OUTPATIENT
        and not hasattr(c, "restriction")
        and _primary(c) == therapist
    )


def _plan_items(client: Client) -> tuple[TreatmentPlan | None, list[tuple[Goal, object]]]:
    plan = TreatmentPlan.objects.filter(client=client, status=PlanStatus.SIGNED).order_by("-version").first()
    if plan is None:
        return None, []
    goals = Goal.objects.filter(problem__plan=plan).prefetch_related("objectives").order_by("pk")
    return plan, [(goal, next(iter(goal.objectives.all()), None)) for goal in goals]


class _Writer:
    """Writes the notes of one demo, remembering which ones to place at their session's time."""

    def __init__(self, rng: random.Random, directives: dict[str, Directive]):
        self.rng = rng
        self.directives = directives
        self.backdate: dict[int, dt.datetime] = {}

    def fields(self, population: str, progress: float, goals, directive: tuple | None = None) -> dict:
        rng = self.rng
        name, asked, media, titles, words = directive or rng.choice(DIRECTIVES[population])
        risk, risk_notes = "none", ""
        if population == PopulationType.FORENSIC and rng.random() < 0.3:
            risk, risk_notes = "low", "Denies thoughts of self-harm; nightmares continue. Safety plan reviewed."
        elif population == PopulationType.OUTPATIENT and rng.random() < 0.15:
            risk, risk_notes = "low", "Passive low mood, denies intent or plan; knows the crisis line number."
        ratings = RATINGS_LATE if progress > 0.5 else RATINGS_EARLY
        return dict(
            subjective=rng.choice(SUBJECTIVE[population]),
            objective=f"Attended on time; {rng.choice(['settled', 'alert', 'quiet', 'talkative'])} on arrival.",
            assessment=rng.choice(ASSESSMENT[population]),
            plan=rng.choice(PLAN[population]),
            directive_notes=asked,
            media=media,
            engagement=rng.choice(ENGAGEMENT[population]),
            client_title=rng.choice(titles),
            client_words=f'"{rng.choice(words)}"',
            risk_level=risk,
            risk_notes=risk_notes,
            directives=[self.directives[name]] if name in self.directives else [],
            goal_progress=[
                {"goal": goal, "objective": objective, "rating": rng.choice(ratings)} for goal, objective in goals[:1]
            ],
        )

    def place(self, note: Note, session) -> None:
        """Remember to show the note as signed on the day of its session (if that is in the past)."""
        at = session.ends_at + dt.timedelta(minutes=self.rng.randint(15, 180))
        if at < timezone.now():
            self.backdate[note.pk] = at


def build_therapy_demo(
    *, rng: random.Random, people: dict[str, User], sites: list[Site], clients: list[Client]
) -> None:
    """Sessions, the school group, notes, templates and the rest of the demo's clinical record."""
    admin, therapist, supervisor = people["admin"], people["therapist"], people["supervisor"]
    today = timezone.localdate()
    for template in TEMPLATES:
        notes.note_template_create(by=admin, **template)
    rooms = {site.pk: sessions.room_create(by=admin, site=site, name=ROOMS[site.population_type]) for site in sites}
    directives = {d.name: d for d in Directive.objects.filter(organization_id=admin.organization_id)}
    writer = _Writer(rng, directives)

    school = next(site for site in sites if site.population_type == PopulationType.SCHOOL)
    members = [c for c in clients if c.site_id == school.pk and _primary(c) == therapist][:4]
    group_sessions = _school_group(
        writer, therapist=therapist, school=school, room=rooms[school.pk], members=members, today=today
    )

    positions: dict[int, int] = {}
    documented: dict[int, list] = {}
    at_risk = risk_client_of(clients, therapist)
    for client in clients:
        if client in members:
            continue
        primary = _primary(client)
        position = positions.get(primary.pk, 0)
        positions[primary.pk] = position + 1
        documented[client.pk] = _individual(
            writer,
            client=client,
            primary=primary,
            position=position,
            room=rooms[client.site_id],
            today=today,
            at_risk=client == at_risk,
            keep_today=primary == therapist,
        )

    late = _extras(
        writer, people=people, clients=clients, documented=documented, group_sessions=group_sessions, today=today
    )
    _intern(
        writer,
        intern=people["intern"],
        supervisor=supervisor,
        therapist=therapist,
        clients=clients,
        rooms=rooms,
        today=today,
        at_risk=at_risk,
    )
    _today_to_document(
        therapist=therapist,
        clients=[c for c in clients if c not in members and c != at_risk],
        rooms=rooms,
        now=timezone.now(),
    )
    writer.backdate.pop(late, None)
    _backdate(writer.backdate, organization_id=admin.organization_id)


def _series_sessions(series) -> list:
    return list(series.sessions.order_by("starts_at"))


def _individual(
    writer: _Writer,
    *,
    client: Client,
    primary: User,
    position: int,
    room,
    today: dt.date,
    at_risk: bool = False,
    keep_today: bool = False,
) -> list:
    """A weekly series (open-ended for most, ending for some); its past sessions held and documented
    (today's left as they are when ``keep_today``: see :func:`_today_to_document`).
    The risk client's notes of the last week record the risk they spoke of."""
    rng, now = writer.rng, timezone.now()
    population = client.site.population_type
    cpt, pos, minutes = BILLING[population]
    offset = position % 5
    hour, minute = SLOTS[(position // 5) % len(SLOTS)]
    first = _aware(today + dt.timedelta(days=offset - 7 * WEEKS), hour, minute)
    modality, modifier = "in_person", ""
    if population == PopulationType.OUTPATIENT and position % 2 == 1:
        modality, modifier, pos = "telehealth", "95", "10"
    until = None
    if client.status == ClientStatus.ON_HOLD:
        until = today - dt.timedelta(days=21)
    elif client.status == ClientStatus.DISCHARGED:
        until = today - dt.timedelta(days=35)
    elif position % 3 == 2:
        until = today + dt.timedelta(days=28)  # a course of sessions ending next month
    series = sessions.series_create(
        by=primary,
        kind=SessionKind.INDIVIDUAL,
        client=client,
        therapist=primary,
        site=client.site,
        room=room,
        first_starts_at=first,
        duration_minutes=minutes,
        modality=modality,
        cpt_code=cpt,
        place_of_service=pos,
        modifier=modifier,
        until=until,
        today=today,
    )
    _, goals = _plan_items(client)
    held = []
    past = [s for s in _series_sessions(series) if s.ends_at < now]
    if keep_today:
        past = [s for s in past if timezone.localtime(s.starts_at).date() < today]
    for number, session in enumerate(past):
        roll = rng.random()
        if roll < 0.05:
            sessions.session_cancel(by=primary, session=session, reason=rng.choice(CANCEL_REASONS[population]))
            continue
        if roll < 0.09 and number < len(past) - 1:
            sessions.session_no_show(by=primary, session=session)
            continue
        sessions.session_complete(by=primary, session=session)
        _extra_service_lines(primary, session, population, number)
        fields = writer.fields(population, number / max(len(past), 1), goals)
        if at_risk and timezone.localtime(session.starts_at).date() > today - dt.timedelta(days=7):
            fields.update(risk_level="moderate", risk_notes=RISK_CLIENT_NOTES)
        note = notes.note_create(by=primary, client=client, session=session, **fields)
        notes.note_sign(by=primary, note=note)
        writer.place(note, session)
        held.append((session, note))
    if client.status == ClientStatus.DISCHARGED:
        discharge = notes.note_create(
            by=primary,
            client=client,
            kind=NoteKind.DISCHARGE,
            behavior=f"Attended {len(held)} of {len(past)} scheduled sessions.",
            intervention="Weekly individual art therapy: bridge drawing, container and mask directives.",
            response="Met the plan's goal of naming feelings linked to the artwork; uses drawing to settle at home.",
            plan="Discharged by mutual agreement; may self-refer again. Artwork returned to the client.",
        )
        notes.note_sign(by=primary, note=discharge)
    return held


def _extra_service_lines(by: User, session: Session, population: str, number: int) -> None:
    """What a biller would see beyond the series' own code: the first session billed as the intake
    evaluation (90791), and interactive complexity (90785) on a child's session at school every
    fourth week, when a teacher or parent in the room shaped how the session went."""
    if number == 0:
        for line in session.service_lines.all():
            billing.service_line_remove(by=by, line=line)
        billing.service_line_add(
            by=by, session=session, code=billing_rules.INTAKE_CODE, modifiers=" ".join(_telehealth_modifier(session))
        )
    elif population == PopulationType.SCHOOL and number % 4 == 2:
        billing.service_line_add(by=by, session=session, code=billing_rules.INTERACTIVE_COMPLEXITY)


def _telehealth_modifier(session: Session) -> list[str]:
    return ["95"] if session.place_of_service in billing_rules.TELEHEALTH_POS else []


def _school_group(
    writer: _Writer, *, therapist: User, school: Site, room, members: list[Client], today: dt.date
) -> list:
    """The weekly group of four at the school: attendance, group notes (shared + individual), the series ahead."""
    rng, now = writer.rng, timezone.now()
    program = Program.objects.filter(site=school).order_by("pk").first()
    group = groups.group_create(
        by=therapist,
        name=GROUP_NAME,
        site=school,
        facilitators=[therapist],
        program=program,
        description="Weekly small group for social-emotional skills through art.",
    )
    first_day = today + dt.timedelta(days=GROUP_DAY_OFFSET - 7 * WEEKS)
    for client in members:
        groups.member_add(by=therapist, group=group, client=client, joined_on=first_day - dt.timedelta(days=3))
    series = sessions.series_create(
        by=therapist,
        kind=SessionKind.GROUP,
        group=group,
        therapist=therapist,
        site=school,
        room=room,
        first_starts_at=_aware(first_day, *GROUP_TIME),
        duration_minutes=45,
        modality="in_person",
        cpt_code="90853",
        place_of_service="03",
        today=today,
    )
    goals = {client.pk: _plan_items(client)[1] for client in members}
    held = []
    past = [s for s in _series_sessions(series) if s.ends_at < now]
    for number, session in enumerate(past):
        if number == 4:
            sessions.session_cancel(by=therapist, session=session, reason=CANCEL_REASONS[PopulationType.SCHOOL][0])
            continue
        sessions.session_complete(by=therapist, session=session)
        marks = {c.pk: rng.choices(["present", "late", "absent", "excused"], weights=[14, 2, 1, 1])[0] for c in members}
        groups.attendance_record(by=therapist, session=session, marks=marks)
        directive = rng.choice(DIRECTIVES[PopulationType.SCHOOL])
        asked = directive[1]
        shared = rng.choice(GROUP_PART).format(directive=asked, directive_lower=asked[0].lower() + asked[1:])
        individual = {}
        for client_id, mark in marks.items():
            if mark not in (AttendanceStatus.PRESENT, AttendanceStatus.LATE):
                continue
            fields = writer.fields(PopulationType.SCHOOL, number / len(past), goals[client_id], directive)
            if mark == AttendanceStatus.LATE:
                fields["objective"] = "Arrived 10 minutes late from class; joined the directive already under way."
            individual[client_id] = fields
        for note in notes.group_notes_save(
            by=therapist, session=session, group_part=shared, individual=individual, finish=True
        ):
            writer.place(note, session)
        held.append(session)
    return held


def _extras(
    writer: _Writer,
    *,
    people: dict[str, User],
    clients: list[Client],
    documented: dict[int, list],
    group_sessions: list,
    today: dt.date,
) -> int | None:
    """A conference, an incident, a process note, an addendum and a late entry; returns the late note's id."""
    therapist = people["therapist"]
    mine = [c for c in clients if c.pk in documented and documented[c.pk] and _primary(c) == therapist]
    forensic = next(c for c in mine if c.site.population_type == PopulationType.FORENSIC)
    plan, _ = _plan_items(forensic)
    plan_services.conference_record(
        by=therapist,
        client=forensic,
        held_on=today - dt.timedelta(days=10),
        discussion="Reviewed six weeks of art therapy attendance and the unit's observations; client attended.",
        decisions="Keep weekly individual art therapy; continue sharps precautions; review the plan next month.",
        attendees=[
            {"user": therapist},
            {"name": "Dr. Helen Marsh", "discipline": "Psychiatry"},
            {"name": "Marcus Bell", "discipline": "Unit social worker"},
        ],
        plan_versions=[plan],
    )
    session, _note = documented[forensic.pk][-3] if len(documented[forensic.pk]) >= 3 else documented[forensic.pk][0]
    confidential.incident_record(
        by=therapist,
        client=forensic,
        kind="materials",
        session=session,
        occurred_at=session.starts_at + dt.timedelta(minutes=35),
        description="At the count-in, one coloured pencil was missing. The client turned out a sleeve on request "
        "and the pencil was found under the table.",
        action_taken="Session ended five minutes early; unit officer informed; all materials accounted for.",
    )
    confidential.process_note_create(by=therapist, client=forensic, session=session, text=PROCESS_NOTE)
    first_session, first_note = documented[mine[0].pk][0]
    notes.addendum_add(
        by=therapist,
        note=first_note,
        reason="Information received after signing",
        text="The guardian called the next day: the client had slept poorly the night before the "
        "session, which may explain the early restlessness noted.",
    )
    # The late entry: a note written days after its session, left as it really was.
    for client in mine[1:]:
        for session, note in reversed(documented[client.pk]):
            age = (timezone.now() - session.ends_at).days
            if LATE_ENTRY_DAYS[0] <= age <= LATE_ENTRY_DAYS[1] and note.late_entry:
                return note.pk
    return None


def _intern(
    writer: _Writer,
    *,
    intern: User,
    supervisor: User,
    therapist: User,
    clients: list[Client],
    rooms: dict,
    today: dt.date,
    at_risk: Client,
) -> None:
    """The intern's two recent sessions: one note waiting for co-signature, one returned with comments
    (the risk client's records the risk they spoke of)."""
    theirs = [
        c
        for c in clients
        if c.status == ClientStatus.ACTIVE
        and c.site.population_type == PopulationType.OUTPATIENT
        and allows(relations_of(intern, c.pk), Area.NOTES, Action.WRITE)
    ]
    for days_ago, client in zip((1, 2), theirs[:2], strict=False):
        session = sessions.session_create(
            by=intern,
            kind=SessionKind.INDIVIDUAL,
            client=client,
            therapist=intern,
            site=client.site,
            room=rooms[client.site_id],
            starts_at=_aware(today - dt.timedelta(days=days_ago), 17, 0),
            duration_minutes=45,
            modality="in_person",
            cpt_code="90834",
            place_of_service="11",
        )
        sessions.session_complete(by=intern, session=session)
        _, goals = _plan_items(client)
        fields = writer.fields(PopulationType.OUTPATIENT, 0.6, goals)
        if client == at_risk:
            fields.update(risk_level="moderate", risk_notes=RISK_CLIENT_NOTES)
        note = notes.note_create(by=intern, client=client, session=session, **fields)
        notes.note_submit(by=intern, note=note)
        if days_ago == 2:
            notes.note_return(
                by=supervisor,
                note=note,
                comment="Good observations. Separate what you saw from what you concluded, and say how the "
                "session addressed the plan's goal.",
                field_comments={
                    "assessment": "Which goal does this speak to? Name it.",
                    "engagement": "Describe the process (order, pace, changes), not only the result.",
                },
            )


def one_off_starts(now: dt.datetime, begun: list[dt.datetime], *, wanted: int = TO_DOCUMENT_TODAY) -> list[dt.datetime]:
    """When one-off sessions start so that ``wanted`` of today's sessions have begun by ``now``.

    ``begun`` holds the starts of today's sessions that already have. The one-off sessions go back to
    back before the first of them (or before ``now``, on the quarter hour), never before midnight."""
    local = timezone.localtime(now)
    midnight = timezone.make_aware(dt.datetime.combine(local.date(), dt.time.min))
    before = min(begun, default=local.replace(minute=local.minute - local.minute % 15, second=0, microsecond=0))
    starts: list[dt.datetime] = []
    while len(begun) + len(starts) < wanted and before - ONE_OFF_STEP >= midnight:
        before -= ONE_OFF_STEP
        starts.append(before)
    return sorted(starts)


def _today_to_document(*, therapist: User, clients: list[Client], rooms: dict, now: dt.datetime) -> None:
    """Leave ``therapist`` today's work to do: the sessions of today that have begun wait for their note.

    One-off sessions are booked (for clients not seen today) when fewer than two have begun; of those
    that have, the latest stays scheduled and the others are marked completed, without a note."""
    today = timezone.localtime(now).date()
    midnight = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    today_of = Session.objects.filter(
        therapist=therapist, status=SessionStatus.SCHEDULED, starts_at__gte=midnight, starts_at__lte=now
    )
    begun = list(today_of.order_by("starts_at", "client__legal_last_name", "client__legal_first_name"))
    seen_today = set(
        Session.objects.filter(
            therapist=therapist, starts_at__gte=midnight, starts_at__lt=midnight + dt.timedelta(days=1)
        ).values_list("client_id", flat=True)
    )
    free = [
        c
        for c in clients
        if c.status == ClientStatus.ACTIVE
        and c.pk not in seen_today
        and _primary(c) == therapist
        and not hasattr(c, "restriction")
    ]
    for start, client in zip(one_off_starts(now, [s.starts_at for s in begun]), free, strict=False):
        _cpt, pos, _minutes = BILLING[client.site.population_type]
        begun.append(
            sessions.session_create(
                by=therapist,
                kind=SessionKind.INDIVIDUAL,
                client=client,
                therapist=therapist,
                site=client.site,
                room=rooms[client.site_id],
                starts_at=start,
                duration_minutes=45,
                modality="in_person",
                cpt_code=billing_rules.timed_code(45),
                place_of_service=pos,
            )
        )
    begun.sort(key=lambda s: s.starts_at)
    for session in begun[:-1]:
        sessions.session_complete(by=therapist, session=session)


def _backdate(placed: dict[int, dt.datetime], *, organization_id: int) -> None:
    """Show the demo's past notes as signed on the day of their session (one audited update, counts only)."""
    if not placed:
        return
    rows = list(Note.objects.filter(pk__in=placed))
    for note in rows:
        at = placed[note.pk]
        note.created_at = at - dt.timedelta(minutes=20)
        note.updated_at = note.signed_at = at
        note.late_entry = False
    Note.objects.bulk_update(rows, ["created_at", "updated_at", "signed_at", "late_entry"], batch_size=500)

    audit.record(
        actor=None,
        action=CoreAction.DEMO_BACKDATE,
        obj=Organization.objects.get(pk=organization_id),
        detail={"notes": len(rows), "via": "demo"},
    )
