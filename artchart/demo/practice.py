"""Synthetic practices: the demo (``artchart demo``) and bulk scale data (``artchart seed``).

The demo is built the way a practice would build itself, through the services,
so every row has its audit event and passes the same validation as the web.
Only the first admin is made directly: someone has to exist before anyone can
be invited. Everything is drawn from ``random.Random(seed)``, so two demo
databases built on the same day hold the same people.

``seed_clients`` is different on purpose: it writes thousands of client and
care-team rows with ``bulk_create`` for scale tests and benchmarks, and one
audit event that says how many. It never touches a real practice unless told.

No name, number or address here belongs to a real person: telephone numbers
are in the 555-01xx range kept for fiction, e-mail domains are example.org.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from artchart.artworks.demo import build_artworks_demo
from artchart.clients import services as client_services
from artchart.clients.models import (
    CareTeamMembership,
    Client,
    ClientStatus,
    ConsentKind,
    Contact,
    GatheredInfo,
    RestrictionCategory,
)
from artchart.core import audit
from artchart.core import services as core_services
from artchart.core.audit_actions import CoreAction
from artchart.core.mail import no_mail
from artchart.core.models import (
    AuditCounter,
    CareTeamRole,
    Organization,
    PopulationType,
    Role,
    Site,
    User,
)
from artchart.measures.demo import build_measures_demo
from artchart.plans import services as plan_services
from artchart.programs import services as program_services
from artchart.supervision.demo import build_supervision_demo
from artchart.supplies.demo import build_supplies_demo
from artchart.therapy.demo import build_therapy_demo

DEMO_ORGANIZATION = "Willow Creek Art Therapy (demo)"
DEMO_PASSWORD = "artchart-demo"  # noqa: S105 - the fictional demo's published sign-in
DEMO_SEED = 2026
SEED_ORGANIZATION = "Seed practice"

ALREADY_LOADED = "The demo practice is already loaded; nothing was changed."
REAL_PRACTICE = (
    "This database holds a practice that is not demo data ({name}). The demo loads only into an "
    "empty database; point ArtChart at a fresh one (ARTCHART_SQLITE_PATH or DATABASE_URL) and run it there."
)
REAL_USERS = (
    "This database holds user accounts that are not demo data ({names}). The demo loads only into an "
    "empty database; point ArtChart at a fresh one (ARTCHART_SQLITE_PATH or DATABASE_URL) and run it there."
)
SEED_REFUSED = (
    "This database holds a practice that is not demo data ({name}). seed writes thousands of synthetic "
    "clients; run it on a scratch database, or pass --force if that is really what you want."
)


class DemoRefused(Exception):
    """The database is not one the demo (or seed) may write to; the message says why."""


# --- the people of the demo practice ------------------------------------------------------

# username, first, last, role, credentials
DEMO_PEOPLE = [
    ("admin", "Ada", "Okonkwo", Role.ADMIN, ""),
    ("programadmin", "Priya", "Natarajan", Role.PROGRAM_ADMIN, "MPA"),
    ("therapist", "Tess", "Rivera", Role.THERAPIST, "ATR-BC, LCAT"),
    ("therapist2", "Theo", "Okafor", Role.THERAPIST, "ATR-BC, LPC"),
    ("supervisor", "Sam", "Lindqvist", Role.SUPERVISOR, "ATR-BC, ATCS"),
    ("intern", "Ian", "Novak", Role.INTERN, "MA art therapy practicum"),
    ("teamviewer", "Vera", "Nowak", Role.TEAM_MEMBER, "RN"),
]
DEMO_USERNAMES = [person[0] for person in DEMO_PEOPLE]

# name, population, address
DEMO_SITES = [
    ("Maple Grove Elementary", PopulationType.SCHOOL, "40 School Lane, Willow Creek"),
    ("Cedar House Memory Care", PopulationType.NURSING_HOME, "8 Orchard Road, Willow Creek"),
    ("Northfield Forensic Unit", PopulationType.FORENSIC, "1 Northfield Drive, Willow Creek"),
    ("Willow Creek Studio", PopulationType.OUTPATIENT, "212 Main Street, Suite 3, Willow Creek"),
]

FIRST_NAMES = [
    "Amara",
    "Ben",
    "Camila",
    "Dmitri",
    "Elif",
    "Farah",
    "Gabriel",
    "Hana",
    "Isaac",
    "Jalen",
    "Keiko",
    "Luca",
    "Maya",
    "Nadia",
    "Omar",
    "Priscilla",
    "Quinn",
    "Rosa",
    "Samuel",
    "Talia",
    "Umar",
    "Valentina",
    "Wesley",
    "Ximena",
    "Yusuf",
    "Zoe",
    "Arjun",
    "Bridget",
    "Chidi",
    "Delia",
    "Emeka",
    "Freya",
    "Gus",
    "Ingrid",
    "Joaquin",
    "Lena",
    "Malik",
    "Noor",
    "Oskar",
    "Pilar",
    "Rafael",
    "Sofia",
    "Tomas",
    "Wren",
    "Yara",
]
OLDER_FIRST_NAMES = [
    "Agnes",
    "Bernard",
    "Clara",
    "Doris",
    "Edmund",
    "Florence",
    "Harold",
    "Irene",
    "Leonard",
    "Mabel",
    "Norma",
    "Otis",
    "Ruth",
    "Stanley",
    "Walter",
    "Wilhelmina",
    "Yolanda",
    "Herbert",
]
NICKNAMES = {
    "Gabriel": "Gabe",
    "Samuel": "Sam",
    "Wesley": "Wes",
    "Priscilla": "Cilla",
    "Bridget": "Bridie",
    "Rafael": "Rafa",
    "Valentina": "Vale",
    "Wilhelmina": "Mina",
    "Leonard": "Len",
    "Florence": "Flo",
}
LAST_NAMES = [
    "Abernathy",
    "Baptiste",
    "Castellanos",
    "Delacroix",
    "Esposito",
    "Fairweather",
    "Grünewald",
    "Haddad",
    "Ibarra",
    "Jablonski",
    "Kowalczyk",
    "Lindgren",
    "Mbeki",
    "Nakamura",
    "O'Sullivan",
    "Petrakis",
    "Quintero",
    "Rasmussen",
    "Szabo",
    "Thibodeaux",
    "Underwood",
    "Vasquez",
    "Whitfield",
    "Xu",
    "Yilmaz",
    "Zielinski",
    "Achterberg",
    "Brannigan",
    "Cruz-Medina",
    "Dumont",
    "Eriksen",
    "Ferreira",
    "Gallagher",
    "Holloway",
]

# ICD-10-CM codes a practice in each setting commonly records.
DIAGNOSES = {
    PopulationType.SCHOOL: [
        ("F84.0", "Autistic disorder"),
        ("F90.2", "Attention-deficit hyperactivity disorder, combined type"),
        ("F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
        ("F41.1", "Generalized anxiety disorder"),
        ("F93.0", "Separation anxiety disorder of childhood"),
    ],
    PopulationType.NURSING_HOME: [
        ("F03.90", "Unspecified dementia without behavioral disturbance"),
        ("G30.9", "Alzheimer's disease, unspecified"),
        ("F32.1", "Major depressive disorder, single episode, moderate"),
        ("F41.1", "Generalized anxiety disorder"),
    ],
    PopulationType.FORENSIC: [
        ("F43.10", "Post-traumatic stress disorder, unspecified"),
        ("F32.1", "Major depressive disorder, single episode, moderate"),
        ("F60.3", "Borderline personality disorder"),
        ("F10.20", "Alcohol dependence, uncomplicated"),
        ("F33.1", "Major depressive disorder, recurrent, moderate"),
    ],
    PopulationType.OUTPATIENT: [
        ("F41.1", "Generalized anxiety disorder"),
        ("F43.10", "Post-traumatic stress disorder, unspecified"),
        ("F32.1", "Major depressive disorder, single episode, moderate"),
        ("F43.23", "Adjustment disorder with mixed anxiety and depressed mood"),
        ("F50.00", "Anorexia nervosa, unspecified"),
    ],
}
AGES = {
    PopulationType.SCHOOL: (6, 13),
    PopulationType.NURSING_HOME: (72, 96),
    PopulationType.FORENSIC: (19, 58),
    PopulationType.OUTPATIENT: (15, 67),
}
REFERRALS = {
    PopulationType.SCHOOL: ["School counsellor", "Special education team", "Parent request", "School psychologist"],
    PopulationType.NURSING_HOME: ["Activities director", "Attending physician", "Family request", "Social worker"],
    PopulationType.FORENSIC: ["Unit psychologist", "Treatment team", "Self-referral (sick call)", "Psychiatrist"],
    PopulationType.OUTPATIENT: ["Family physician", "Self-referral", "Psychiatrist", "Employee assistance programme"],
}
GUARDIAN_RELATIONSHIPS = ["Mother", "Father", "Grandmother", "Aunt", "Foster parent", "Stepfather"]
GATHERED = [
    (
        "case_document",
        "Referral letter",
        "Referral received with reason for referral, current supports and the referrer's contact details.",
    ),
    (
        "observation",
        "First studio observation",
        "Chose materials after a long look at the shelf; worked steadily for 30 minutes; left the room calmly.",
    ),
    (
        "family_interview",
        "Intake interview with family",
        "Family describes strengths, recent changes at home and what they hope therapy will help with.",
    ),
    (
        "client_interview",
        "Intake interview",
        "Client described what brings them, what has helped before and which materials they enjoy.",
    ),
    (
        "professional",
        "Call with the treatment team",
        "Team shared the current medication plan and asked for a summary after six sessions.",
    ),
]


@dataclass(frozen=True)
class DemoResult:
    created: bool
    clients: int = 0
    events: int = 0


def _refuse_unless_demo_only() -> None:
    real = Organization.objects.filter(is_demo=False).order_by("pk").first()
    if real is not None:
        raise DemoRefused(REAL_PRACTICE.format(name=real.name))
    outsiders = list(
        User.objects.exclude(organization__is_demo=True).order_by("username").values_list("username", flat=True)[:3]
    )
    if outsiders:
        raise DemoRefused(REAL_USERS.format(names=", ".join(outsiders)))


def demo_is_loaded() -> bool:
    return Organization.objects.filter(is_demo=True, name=DEMO_ORGANIZATION).exists()


def build_demo(*, seed: int = DEMO_SEED) -> DemoResult:
    """Load the demo practice once; refuse beside real records; do nothing the second time."""
    # The demo's people have made-up addresses: nothing it does (a risk alert, say) may send mail.
    with transaction.atomic(), no_mail():  # the checks too: two demos started at once must not both load
        _refuse_unless_demo_only()
        if demo_is_loaded():
            return DemoResult(created=False)
        before = AuditCounter.objects.filter(id=1).values_list("last_seq", flat=True).first() or 0
        rng = random.Random(seed)
        organization = core_services.organization_create(name=DEMO_ORGANIZATION, is_demo=True)
        people = _demo_people(organization)
        admin = people["admin"]
        sites = [
            core_services.site_create(by=admin, name=name, population_type=population, address=address)
            for name, population, address in DEMO_SITES
        ]
        core_services.supervision_link_create(by=admin, supervisor=people["supervisor"], supervisee=people["intern"])
        clients = _demo_clients(rng, sites=sites, people=people)
        _demo_privacy(admin=admin, people=people, clients=clients)
        _demo_amendments_and_disclosures(people=people, clients=clients)
        _demo_library_and_plans(people=people, sites=sites, clients=clients)
        build_therapy_demo(rng=rng, people=people, sites=sites, clients=clients)
        build_artworks_demo(rng=rng, people=people, clients=clients)
        build_measures_demo(rng=rng, people=people, clients=clients)
        build_supervision_demo(rng=rng, people=people)
        build_supplies_demo(rng=rng, people=people, sites=sites, clients=clients)
        after = AuditCounter.objects.get(id=1).last_seq
    return DemoResult(created=True, clients=len(clients), events=after - before)


def _demo_privacy(*, admin: User, people: dict[str, User], clients: list[Client]) -> None:
    """therapist2 may break the glass; one outpatient client, living at a shelter, is restricted to therapist."""
    client_services.break_glass_designation_set(by=admin, user=people["therapist2"], designated=True)
    therapist = people["therapist"]
    resident = next(
        c
        for c in clients
        if c.site.population_type == PopulationType.OUTPATIENT
        and c.care_team.filter(user=therapist, role=CareTeamRole.PRIMARY).exists()
    )
    client_services.client_restrict(
        by=therapist, client=resident, category=RestrictionCategory.SHELTER_RESIDENT, named_users=[therapist]
    )


def _demo_people(organization: Organization) -> dict[str, User]:
    username, first, last, role, credentials = DEMO_PEOPLE[0]
    # The first admin is made directly (nobody could invite them) and recorded
    # like any other account; the rest are invited by that admin.
    admin = User(
        organization=organization,
        username=username,
        first_name=first,
        last_name=last,
        role=role,
        credentials=credentials,
        email=f"{username}@willowcreek.example.org",
    )
    admin.set_password(DEMO_PASSWORD)
    admin.full_clean()
    admin.save()
    audit.record(actor=None, action=CoreAction.USER_CREATE, obj=admin, detail={"role": admin.role, "via": "demo"})
    people = {username: admin}
    for username, first, last, role, credentials in DEMO_PEOPLE[1:]:
        people[username] = core_services.user_create(
            by=admin,
            password=DEMO_PASSWORD,
            username=username,
            first_name=first,
            last_name=last,
            role=role,
            credentials=credentials,
            email=f"{username}@willowcreek.example.org",
        )
    return people


def _birth_date(rng: random.Random, today: dt.date, low: int, high: int) -> dt.date:
    age = rng.randint(low, high)
    return today.replace(day=1) - dt.timedelta(days=365 * age + rng.randint(40, 330))


def _demo_clients(rng: random.Random, *, sites: list[Site], people: dict[str, User]) -> list[Client]:
    today = timezone.localdate()
    therapist, therapist2 = people["therapist"], people["therapist2"]
    intern, teamviewer = people["intern"], people["teamviewer"]
    clients = []
    for index in range(30):
        site = sites[(index // 2) % len(sites)]  # each therapist works at every site
        population = site.population_type
        primary = therapist if index % 2 == 0 else therapist2
        first_names = OLDER_FIRST_NAMES if population == PopulationType.NURSING_HOME else FIRST_NAMES
        first, last = rng.choice(first_names), rng.choice(LAST_NAMES)
        date_of_birth = _birth_date(rng, today, *AGES[population])
        status = ClientStatus.ACTIVE
        if index in (21, 26):
            status = ClientStatus.ON_HOLD
        elif index == 29:
            status = ClientStatus.DISCHARGED
        client = client_services.client_create(
            by=primary,
            site=site,
            legal_first_name=first,
            legal_last_name=last,
            preferred_name=NICKNAMES.get(first, "") if rng.random() < 0.6 else "",
            pronouns=rng.choice(["she/her", "he/him", "they/them", ""]),
            date_of_birth=date_of_birth,
            phone=f"555-01{index:02d}" if population == PopulationType.OUTPATIENT else "",
            email=f"{first.lower()}.{index}@example.org" if population == PopulationType.OUTPATIENT else "",
            address=f"{10 + index} Birch Row, Willow Creek" if population == PopulationType.OUTPATIENT else "",
            status=status,
            referral_source=rng.choice(REFERRALS[population]),
            **_precautions(rng, population),
        )
        clients.append(client)
        _diagnoses(rng, client=client, by=primary, population=population)
        guardian = _contacts(rng, client=client, by=primary, population=population, index=index)
        _consents(rng, client=client, by=primary, guardian=guardian, today=today, index=index)
        if index % 4 == 0:
            _gathered(rng, client=client, by=primary, today=today)
        # The intern works with the school and outpatient caseload of the first
        # therapist; the nurse sits on the teams at the memory-care and forensic sites.
        if primary == therapist and population in (PopulationType.SCHOOL, PopulationType.OUTPATIENT):
            client_services.care_team_add(by=primary, client_id=client.pk, user=intern, role=CareTeamRole.INTERN)
        if population in (PopulationType.NURSING_HOME, PopulationType.FORENSIC) and index % 3 != 2:
            client_services.care_team_add(by=primary, client_id=client.pk, user=teamviewer, role=CareTeamRole.VIEWER)
    return clients


def _precautions(rng: random.Random, population: str) -> dict:
    flags = {
        "latex_allergy": rng.random() < 0.1,
        "allergies": rng.choice(["", "", "", "", "Wheat (flour paste)", "Wool", "Tree nuts (nut oils)"]),
        "sharps_restriction": False,
        "ligature_risk": False,
        "choking_risk": False,
        "self_harm_risk": False,
        "precautions_note": "",
    }
    if population == PopulationType.FORENSIC:
        flags.update(
            sharps_restriction=True,
            ligature_risk=rng.random() < 0.6,
            self_harm_risk=rng.random() < 0.4,
            precautions_note="Count scissors and wire out and back in; no cord or yarn.",
        )
    elif population == PopulationType.NURSING_HOME:
        flags.update(
            choking_risk=rng.random() < 0.7, precautions_note="No small beads or buttons; offer large-grip brushes."
        )
    elif population == PopulationType.SCHOOL:
        flags.update(choking_risk=rng.random() < 0.2)
    else:
        flags.update(self_harm_risk=rng.random() < 0.2)
    return flags


def _diagnoses(rng: random.Random, *, client: Client, by: User, population: str) -> None:
    options = DIAGNOSES[population]
    for position, (code, label) in enumerate(rng.sample(options, k=rng.choice([1, 1, 2]))):
        client_services.diagnosis_add(by=by, client=client, icd10_code=code, label=label, is_primary=position == 0)


def _contacts(rng: random.Random, *, client: Client, by: User, population: str, index: int) -> Contact | None:
    """A guardian for every minor (and for some memory-care residents); an emergency contact otherwise."""
    last = client.legal_last_name
    guardian_needed = client.is_minor or (population == PopulationType.NURSING_HOME and index % 2 == 1)
    if guardian_needed:
        relationship = (
            "Daughter (court-appointed guardian)" if not client.is_minor else rng.choice(GUARDIAN_RELATIONSHIPS)
        )
        return client_services.contact_add(
            by=by,
            client=client,
            relationship=relationship,
            name=f"{rng.choice([n for n in FIRST_NAMES if n != client.legal_first_name])} {last}",
            is_guardian=True,
            is_emergency=True,
            phone=f"555-01{(index + 50) % 100:02d}",
            email=f"family.{index}@example.org",
        )
    if population != PopulationType.FORENSIC:
        client_services.contact_add(
            by=by,
            client=client,
            name=f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
            relationship=rng.choice(["Partner", "Sister", "Son", "Friend"]),
            is_emergency=True,
            phone=f"555-01{(index + 50) % 100:02d}",
        )
    return None


def _consents(
    rng: random.Random, *, client: Client, by: User, guardian: Contact | None, today: dt.date, index: int
) -> None:
    signed_on = today - dt.timedelta(days=rng.randint(14, 300))
    signer = (
        {"signer": "guardian", "guardian": guardian, "signer_name": guardian.name}
        if guardian
        else {"signer": "client", "signer_name": f"{client.legal_first_name} {client.legal_last_name}"}
    )

    def consent(kind: str, decision: str = "granted", **extra):
        client_services.consent_record(
            by=by,
            client=client,
            kind=kind,
            decision=decision,
            signed_on=signed_on,
            signature_kind="typed",
            signature_typed=signer["signer_name"],
            **signer,
            **extra,
        )

    consent("treatment")
    consent("record")
    if index % 3 == 0:
        consent("supervision")
    if index % 5 == 0:
        consent("teaching")
    if index % 7 == 0:
        consent("exhibit", exhibit_with_name=not client.is_minor and index % 14 == 0)
    if index % 6 == 1:
        consent("publication", decision="refused")
    if index == 3:
        consent(
            "release",
            recipient="Dr. Alicia Moreno, Willow Creek Family Medicine",
            purpose="Coordination of care with the client's physician",
            information="Attendance, treatment plan goals and the discharge summary; no session notes or artwork.",
            expires_on=signed_on + dt.timedelta(days=365),
            right_to_revoke_explained=True,
        )


def _gathered(rng: random.Random, *, client: Client, by: User, today: dt.date) -> None:
    for source, title, body in rng.sample(GATHERED, k=2):
        client_services.gathered_info_add(
            by=by,
            client=client,
            source=source,
            title=title,
            body=body,
            occurred_on=today - dt.timedelta(days=rng.randint(1, 60)),
        )


# --- bulk scale data ------------------------------------------------------------------------

SEED_THERAPISTS = 10
# Fixed, so that the same seed gives the same birth dates whatever the day.
SEED_REFERENCE_DATE = dt.date(2025, 1, 1)
SEED_BATCH = 1000


@dataclass(frozen=True)
class SeedResult:
    organization: Organization
    clients: int


def seed_clients(*, count: int, seed: int, force: bool = False) -> SeedResult:
    """Add ``count`` synthetic clients, each with a primary therapist, in one transaction.

    Goes straight to ``bulk_create``: thousands of rows through the services
    would take minutes and write thousands of audit events, and seed data is
    for measuring scale, not for clinical use. One audit event records the load.
    """
    rng = random.Random(seed)
    with transaction.atomic():
        real = Organization.objects.filter(is_demo=False).order_by("pk").first()
        if real is not None and not force:
            raise DemoRefused(SEED_REFUSED.format(name=real.name))
        organization = (
            Organization.objects.filter(is_demo=True).order_by("pk").first()
            or (real if force else None)
            or core_services.organization_create(name=SEED_ORGANIZATION, is_demo=True)
        )
        sites = _seed_sites(organization)
        therapists = _seed_therapists(organization)
        interns = list(User.objects.filter(organization=organization, role=Role.INTERN, is_active=True).order_by("pk"))
        now = timezone.now()
        rows = []
        for _ in range(count):
            site = rng.choice(sites)
            rows.append(
                Client(
                    organization=organization,
                    site=site,
                    legal_first_name=rng.choice(FIRST_NAMES + OLDER_FIRST_NAMES),
                    legal_last_name=rng.choice(LAST_NAMES),
                    date_of_birth=SEED_REFERENCE_DATE - dt.timedelta(days=rng.randint(6 * 365, 90 * 365)),
                    status=rng.choices(ClientStatus.values, weights=[8, 1, 1])[0],
                    referral_source=rng.choice(REFERRALS[PopulationType.OUTPATIENT]),
                    latex_allergy=rng.random() < 0.05,
                    sharps_restriction=rng.random() < 0.1,
                    choking_risk=rng.random() < 0.1,
                    self_harm_risk=rng.random() < 0.1,
                    created_at=now,
                    updated_at=now,
                )
            )
        clients = Client.objects.bulk_create(rows, batch_size=SEED_BATCH)
        team = []
        for position, client in enumerate(clients):
            team.append(
                CareTeamMembership(
                    client_id=client.pk,
                    user=therapists[position % len(therapists)],
                    role=CareTeamRole.PRIMARY,
                    added_at=now,
                )
            )
            if interns and position % 10 == 0:
                team.append(
                    CareTeamMembership(client_id=client.pk, user=interns[0], role=CareTeamRole.INTERN, added_at=now)
                )
        CareTeamMembership.objects.bulk_create(team, batch_size=SEED_BATCH)
        audit.record(
            actor=None,
            action=CoreAction.SEED_LOAD,
            obj=organization,
            detail={"clients": count, "care_team_rows": len(team), "seed": seed},
        )
    return SeedResult(organization=organization, clients=len(clients))


def _seed_sites(organization: Organization) -> list[Site]:
    sites = list(Site.objects.filter(organization=organization, is_active=True).order_by("pk"))
    if not sites:
        sites = Site.objects.bulk_create(
            [
                Site(organization=organization, name=f"Seed site: {population.label}", population_type=population)
                for population in (
                    PopulationType.SCHOOL,
                    PopulationType.NURSING_HOME,
                    PopulationType.FORENSIC,
                    PopulationType.OUTPATIENT,
                )
            ]
        )
    return sites


def _seed_therapists(organization: Organization) -> list[User]:
    therapists = list(
        User.objects.filter(organization=organization, role=Role.THERAPIST, is_active=True).order_by("pk")
    )
    if therapists:
        return therapists
    made = []
    for number in range(1, SEED_THERAPISTS + 1):
        user = User(
            organization=organization,
            username=f"seed-therapist-{number:02d}",
            first_name="Seed",
            last_name=f"Therapist {number:02d}",
            role=Role.THERAPIST,
            credentials="ATR",
        )
        user.set_unusable_password()  # synthetic accounts: nobody signs in as them
        made.append(user)
    User.objects.bulk_create(made)
    return list(User.objects.filter(organization=organization, role=Role.THERAPIST).order_by("pk"))


# --- amendments and disclosures ------------------------------------------------------------------


def _demo_amendments_and_disclosures(*, people: dict[str, User], clients: list[Client]) -> None:
    """One denied amendment with the client's disagreement; a release on authorization and a court-ordered one."""
    today = timezone.localdate()
    therapist = people["therapist"]
    # The oldest entry, so the request can come after it and the decision after that.
    entry = GatheredInfo.objects.filter(client=clients[0]).order_by("occurred_on", "pk").first()
    received = min(entry.occurred_on + dt.timedelta(days=3), today - dt.timedelta(days=2)) if entry else today
    amendment = client_services.amendment_request_record(
        by=therapist,
        client=clients[0],
        part="gathered_info",
        gathered_info=entry,
        requested_change="Please remove the part saying I left the room calmly: I was upset and nobody asked me.",
        received_on=received,
        received_via="in_writing",
    )
    client_services.amendment_decide(
        by=therapist,
        amendment=amendment,
        decision="denied",
        decided_on=min(received + dt.timedelta(days=10), today),
        denial_reason="The entry records what the therapist observed at the time and is accurate and complete.",
    )
    client_services.amendment_disagreement_record(
        by=therapist,
        amendment=amendment,
        received_on=min(received + dt.timedelta(days=15), today),
        statement="I still disagree: I was upset when I left and the note should say so.",
    )
    released = clients[3]
    release = released.consents.get(kind=ConsentKind.RELEASE)
    client_services.disclosure_record(
        by=people["therapist2"],
        client=released,
        kind="report",
        consent=release,
        disclosed_on=min(release.signed_on + dt.timedelta(days=10), today),
        recipient=release.recipient,
        purpose=release.purpose,
        description="Attendance and the current treatment plan goals.",
    )
    court = clients[4]
    court = client_services.client_update(by=therapist, client=court, part2_substance_use=True)
    client_services.disclosure_record(
        by=therapist,
        client=court,
        kind="records_request",
        legal_basis="judicial",
        disclosed_on=today - dt.timedelta(days=12),
        recipient="Willow County Court, Family Division",
        purpose="Court order for attendance records",
        description="Dates of sessions attended in the last 90 days.",
    )


# --- the directive library, programs and treatment plans -----------------------------------------

# Names and materials only: the library says what a directive is, not what it achieves.
DEMO_DIRECTIVES = [
    ("Bridge drawing", "Drawing paper, pencils, coloured markers"),
    ("Safe-place drawing", "Drawing paper, oil pastels"),
    ("Mandala", "Paper with a printed circle, coloured pencils, compass"),
    ("Magazine collage", "Card, pre-cut magazine images, glue sticks (no scissors where sharps are restricted)"),
    ("Scribble chase", "Large paper, two colours of crayon"),
    ("Clay pinch pot", "Air-dry clay, water, wooden tools"),
    ("Container box", "Small cardboard box, paint, collage papers, glue"),
    ("Inside/outside mask", "Papier-mache mask blank, acrylic paint, brushes"),
]
DEMO_GOALS = [
    (
        "Expresses feelings through art rather than withdrawal",
        (
            "Leaves or refuses every session",
            "Participates in some sessions without naming a feeling",
            "Names a feeling linked to the artwork in 2 of 4 sessions",
            "Names a feeling in 3 of 4 sessions",
            "Names feelings in every session and uses art to settle unprompted",
        ),
        "Names a feeling linked to the artwork in 2 of 4 sessions",
        "0 of 4 sessions",
    ),
    (
        "Tolerates an unfinished or imperfect piece",
        (
            "Destroys work when it goes wrong",
            "Stops and needs prompting to continue",
            "Continues after a mistake with one prompt",
            "Continues after a mistake without a prompt",
            "Talks about a mistake and reworks it on their own",
        ),
        "Continues after a mistake with no more than one prompt in 3 of 4 sessions",
        "Destroys work in most sessions",
    ),
]


def _demo_library_and_plans(*, people: dict[str, User], sites: list[Site], clients: list[Client]) -> None:
    """A bare directive library, a program per site, a signed plan for every client, and an intern's plan to co-sign."""
    today = timezone.localdate()
    therapist = people["therapist"]
    directives = [
        program_services.directive_create(by=therapist, name=name, materials=materials)
        for name, materials in DEMO_DIRECTIVES
    ]
    for site in sites:
        program_services.program_create(by=people["programadmin"], name=f"{site.name} art therapy program", site=site)
    for index, client in enumerate(clients):
        primary = client.care_team.get(role=CareTeamRole.PRIMARY).user
        plan = plan_services.plan_create(
            by=primary, client=client, review_date=today + dt.timedelta(days=5 + (index * 7) % 90)
        )
        problem = plan_services.problem_add(
            by=primary, plan=plan, statement="Difficulty putting feelings into words; withdraws when frustrated."
        )
        for statement, levels, objective, baseline in DEMO_GOALS[: 1 + index % 2]:
            goal = plan_services.goal_add(
                by=primary,
                problem=problem,
                statement=statement,
                **dict(
                    zip(
                        ("level_minus_2", "level_minus_1", "level_0", "level_plus_1", "level_plus_2"),
                        levels,
                        strict=True,
                    )
                ),
            )
            plan_services.objective_add(
                by=primary,
                goal=goal,
                statement=objective,
                baseline=baseline,
                target_date=today + dt.timedelta(days=90),
                status="in_progress",
            )
        plan_services.intervention_add(
            by=primary,
            plan=plan,
            directive=directives[index % len(directives)],
            media="Dry media",
            frequency="Weekly, 45 minutes",
            delivered_by=primary,
        )
        plan_services.plan_sign(by=primary, plan=plan)
    intern = people["intern"]
    client = next(c for c in clients if c.care_team.filter(user=intern).exists())
    revision = plan_services.plan_create(by=intern, client=client)
    goal = revision.problems.first().goals.first()
    plan_services.objective_add(
        by=intern,
        goal=goal,
        statement="Chooses a directive from two offered in 3 of 4 sessions",
        baseline="Needs the therapist to choose",
        target_date=today + dt.timedelta(days=60),
    )
    plan_services.plan_submit(by=intern, plan=revision)
