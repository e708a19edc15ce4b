"""Factories for domain data. Named people for roles live in conftest.py."""

from __future__ import annotations

import datetime as dt

import factory

from artchart.clients.models import CareTeamMembership, Client, Consent, Contact, GatheredInfo
from artchart.core import mfa
from artchart.core.models import MfaDevice, Organization, PopulationType, Role, Site, SupervisionLink, User

PASSWORD = "correct-horse-battery"


def with_second_factor(user: User) -> User:
    """Give the user a confirmed authenticator, as Django admin's operators must have."""
    MfaDevice.objects.create(user=user, secret_encrypted=mfa.encrypt_secret(mfa.new_secret()))
    return user


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Practice {n}")


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Site {n}")
    population_type = PopulationType.OUTPATIENT


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    organization = factory.SubFactory(OrganizationFactory)
    role = Role.THERAPIST

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        # A cheap hasher is configured for tests (see conftest), so this is fast.
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class ClientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Client

    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    legal_first_name = factory.Sequence(lambda n: f"Client{n}")
    legal_last_name = factory.Sequence(lambda n: f"Family{n}")
    date_of_birth = dt.date(1990, 5, 17)


class CareTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CareTeamMembership

    client = factory.SubFactory(ClientFactory)
    user = factory.SubFactory(UserFactory)
    role = "primary"


class SupervisionLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupervisionLink

    supervisor = factory.SubFactory(UserFactory, role=Role.SUPERVISOR)
    supervisee = factory.SubFactory(UserFactory, role=Role.INTERN)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    client = factory.SubFactory(ClientFactory)
    name = factory.Sequence(lambda n: f"Contact {n}")
    relationship = "Parent"


class ConsentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consent

    client = factory.SubFactory(ClientFactory)
    kind = "treatment"
    decision = "granted"
    signed_on = dt.date(2026, 1, 5)
    signer = "client"
    signer_name = factory.LazyAttribute(lambda o: o.client.display_name)
    signature_kind = "typed"
    signature_typed = factory.LazyAttribute(lambda o: o.client.display_name)
    recorded_by = factory.SubFactory(UserFactory)


class GatheredInfoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GatheredInfo

    client = factory.SubFactory(ClientFactory)
    source = "observation"
    occurred_on = dt.date(2026, 2, 1)
    author = factory.SubFactory(UserFactory)
    title = "Observed in the studio"


# --- therapy ---------------------------------------------------------------------


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "therapy.Room"

    site = factory.SubFactory(SiteFactory)
    name = factory.Sequence(lambda n: f"Studio {n}")


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "therapy.Group"
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    organization = factory.SelfAttribute("site.organization")
    name = factory.Sequence(lambda n: f"Open studio {n}")

    @factory.post_generation
    def facilitators(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.facilitators.set(extracted)


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "therapy.GroupMembership"

    group = factory.SubFactory(GroupFactory)
    client = factory.SubFactory(ClientFactory, site=factory.SelfAttribute("..group.site"))
    joined_on = dt.date(2026, 1, 5)


class SessionFactory(factory.django.DjangoModelFactory):
    """An individual session of ``client`` with ``therapist`` (pass either; the other follows)."""

    class Meta:
        model = "therapy.Session"

    kind = "individual"
    client = factory.SubFactory(ClientFactory)
    site = factory.LazyAttribute(lambda o: o.client.site if o.client else o.group.site)
    organization = factory.SelfAttribute("site.organization")
    therapist = factory.SubFactory(UserFactory, organization=factory.SelfAttribute("..organization"))
    # One day after another, wrapping after 240 days so a long test run never books one in the future.
    starts_at = factory.Sequence(lambda n: _at(dt.date(2026, 3, 2) + dt.timedelta(days=n % 240)))
    duration_minutes = 50
    status = "completed"
    created_by = factory.SelfAttribute("therapist")


class AttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "therapy.Attendance"

    session = factory.SubFactory(SessionFactory)
    client = factory.SubFactory(ClientFactory)
    status = "present"
    recorded_by = factory.SelfAttribute("session.therapist")


class NoteFactory(factory.django.DjangoModelFactory):
    """A draft progress note by the session's therapist."""

    class Meta:
        model = "therapy.Note"

    session = factory.SubFactory(SessionFactory)
    client = factory.SelfAttribute("session.client")
    author = factory.SelfAttribute("session.therapist")
    kind = "progress"
    format = "soap"
    subjective = "Said the week had been hard."
    objective = "Worked with oil pastels for 40 minutes."
    assessment = "Engaged; mood brighter by the end."
    plan = "Continue weekly."


# --- artworks ------------------------------------------------------------------------------


def jpeg_bytes(width: int = 320, height: int = 240, colour=(200, 60, 40), *, seed: int = 0) -> bytes:
    """A small real JPEG: a coloured block on paper-white (``seed`` moves the block, so bytes differ)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (245, 242, 235))
    left = 20 + (seed * 7) % max(1, width // 3)
    ImageDraw.Draw(image).rectangle((left, 30, left + width // 3, height - 30), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


# Where the sheet lies in ``sheet_at_edge_jpeg``'s photo: top-left, top-right, bottom-right, bottom-left.
SHEET_AT_EDGE_CORNERS = [[0, 150], [600, 150], [600, 550], [0, 550]]


def sheet_at_edge_jpeg() -> bytes:
    """A drawing on a wood table (1000 × 700), its sheet touching the photo's left edge, so the page
    finder gives up; its corners are ``SHEET_AT_EDGE_CORNERS``."""
    import io

    from PIL import Image

    from artchart.imaging import synthetic

    photo = Image.new("RGB", (1000, 700), synthetic.TABLE_WOOD)
    photo.paste(synthetic.drawing(3, width=600, height=400, style="colourful"), (0, 150))
    out = io.BytesIO()
    photo.save(out, "JPEG", quality=92)
    return out.getvalue()


def photo_upload(name: str = "drawing.jpg", data: bytes | None = None, **kwargs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data if data is not None else jpeg_bytes(**kwargs), content_type="image/jpeg")


class ArtworkFactory(factory.django.DjangoModelFactory):
    """An artwork row with no photo (use ``artwork_with_photo`` for one that has a stored, analysed photo)."""

    class Meta:
        model = "artworks.Artwork"

    client = factory.SubFactory(ClientFactory)
    title = factory.Sequence(lambda n: f"Drawing {n}")
    made_on = dt.date(2026, 2, 10)
    media = "marker"
    created_by = factory.SubFactory(UserFactory)


def record_consent(client, by):
    """The consent to photograph artwork for the record, which photo uploads need."""
    return ConsentFactory(client=client, kind="record", recorded_by=by)


def artwork_with_photo(*, by, client, seed: int = 0, **fields):
    """An artwork made through the service, with one photo (analysed at once: the tests run tasks immediately)."""
    from artchart.artworks.services.artworks import artwork_create

    if not client.consents.filter(kind="record", decision="granted", revoked_on__isnull=True).exists():
        record_consent(client, by)
    fields.setdefault("made_on", dt.date(2026, 2, 10))
    return artwork_create(by=by, client=client, photos=[photo_upload(seed=seed)], **fields)
