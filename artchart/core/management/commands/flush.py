"""Django's flush, guarded: it never removes audit events outside a test database."""

from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as DjangoFlush

from artchart.core.models import AuditEvent
from artchart.core.testing import audit_triggers_lifted, may_reset_audit

REFUSED = (
    "The database holds audit events, which are never removed. flush runs only on a "
    "test database with ARTCHART_TESTING set (see artchart/core/testing.py)."
)


class Command(DjangoFlush):
    def handle(self, **options):
        alias = options["database"]
        if may_reset_audit(alias):
            # Lifted even when no event exists: PostgreSQL's TRUNCATE trigger
            # fires on an empty table too.
            with audit_triggers_lifted(alias):
                return super().handle(**options)
        if AuditEvent.objects.using(alias).exists():
            raise CommandError(REFUSED)
        return super().handle(**options)
