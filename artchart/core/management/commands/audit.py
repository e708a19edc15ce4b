"""``artchart audit verify`` and ``artchart audit checkpoint``."""

from django.core.management.base import BaseCommand, CommandError

from artchart.core import audit
from artchart.core.models import AuditCounter, AuditEvent


class Command(BaseCommand):
    help = "Check the audit chain end to end (verify), or record its head outside the database (checkpoint)."
    # Verifying the record must not wait on unrelated configuration checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,checkpoint}")
        actions.add_parser("verify", help="walk the whole chain; exit 1 at the first event that does not hold")
        actions.add_parser("checkpoint", help="write the current head to the checkpoint file")

    def handle(self, **options):
        if options["action"] == "verify":
            self.verify()
        else:
            self.checkpoint()

    def verify(self):
        try:
            result = audit.verify()
        except ValueError as exc:  # the checkpoint file itself was altered
            raise CommandError(f"Audit chain NOT verified: {exc}") from None
        if not result.ok:
            raise CommandError(f"Audit chain broken at event #{result.first_bad_seq}: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.events} events, head #{result.head_seq}"))
        if result.head_seq:
            # The head just verified (not the counter, which may have moved on
            # since) becomes the checkpoint: a later cut below it will be found.
            head_hash = AuditEvent.objects.filter(seq=result.head_seq).values_list("hash", flat=True).get()
            audit.write_checkpoint(seq=result.head_seq, hash=head_hash)

    def checkpoint(self):
        counter = AuditCounter.objects.filter(id=1).first()
        if counter is None or counter.last_seq == 0:
            raise CommandError("There are no audit events yet; nothing to checkpoint.")
        audit.write_checkpoint(seq=counter.last_seq, hash=counter.last_hash)
        self.stdout.write(f"Checkpoint written: head #{counter.last_seq}")
