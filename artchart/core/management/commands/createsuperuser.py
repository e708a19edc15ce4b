"""``artchart createsuperuser``: Django's command, for an operator who will also run the practice.

The account it makes takes the admin role in the practice's organization, so it
signs in to the admin pages rather than as a therapist with nothing to open, and
must set up two-step sign-in like every admin (``mfa.required_for``), for
``/django-admin/`` too. A new install starts with ``artchart setup`` instead,
which makes the organization and its first site with the first admin. (This
command replaces Django's because ``artchart.core`` is listed before
``django.contrib.auth`` in ``INSTALLED_APPS``.)
"""

from __future__ import annotations

from django.contrib.auth.management.commands import createsuperuser
from django.core.management.base import CommandError
from django.db import transaction

from artchart.core import services
from artchart.core.models import Organization, User

NO_ORGANIZATION = (
    "This install has no organization yet. Run `artchart setup` first: it creates the organization, "
    "its first site and the first admin. Nothing was changed."
)


class Command(createsuperuser.Command):
    help = "Create an operator's account with the admin role (after `artchart setup`)."

    def handle(self, *args, **options):
        if not Organization.objects.exists():
            raise CommandError(NO_ORGANIZATION)
        with transaction.atomic():
            before = set(User.objects.filter(is_superuser=True).values_list("pk", flat=True))
            super().handle(*args, **options)
            for user in User.objects.filter(is_superuser=True).exclude(pk__in=before):
                services.superuser_adopted(user=user)
