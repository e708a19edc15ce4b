"""``artchart audit verify [--records] [--witness FILE]`` and ``artchart audit witness``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from artchart.core import audit, signed_records
from artchart.core.models import AuditCounter


class Command(BaseCommand):
    help = (
        "Check the audit chain end to end against its witness (verify, with --records also every signed "
        "record against its sign event), or append the current head to the witness now (witness)."
    )
    # Verifying the record must not wait on unrelated configuration checks.
    requires_system_checks = []

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,witness}")
        verify = actions.add_parser(
            "verify", help="walk the whole chain and compare it with the witness; exit 1 at the first event that fails"
        )
        verify.add_argument(
            "--records",
            action="store_true",
            help="also re-check every signed note, addendum, plan, rating and safety plan against its sign event",
        )
        verify.add_argument(
            "--witness",
            type=Path,
            help="compare with this copy of the witness (the syslog collector's file, say), not the configured one",
        )
        actions.add_parser("witness", help="append the current head to the witness now (after a restore, say)")

    def handle(self, **options):
        if options["action"] == "verify":
            self.verify(records=options["records"], witness_path=options["witness"])
        else:
            self.witness()

    def verify(self, *, records: bool, witness_path: Path | None):
        if witness_path is not None and not witness_path.is_file():
            raise CommandError(f"There is no witness file at {witness_path}.")
        try:
            result = audit.verify(witness_path=witness_path)
        except audit.WitnessAltered as exc:
            raise CommandError(f"Audit chain NOT verified: {exc}") from None
        if not result.ok:
            raise CommandError(f"Audit chain broken at event #{result.first_bad_seq}: {result.problem}")
        self.stdout.write(self.style.SUCCESS(f"Audit chain intact: {result.events} events, head #{result.head_seq}"))
        where = witness_path or audit.witness_file()
        if where is None:
            self.stdout.write(
                "Witness: syslog; give the collector's copy with --witness FILE to compare the chain with it."
            )
        elif result.witnessed_seq:
            self.stdout.write(f"Witness: {where} holds heads up to #{result.witnessed_seq}, all in the chain.")
        else:
            self.stdout.write(f"Witness: nothing witnessed yet in {where}.")
        if records:
            self.verify_records()

    def verify_records(self):
        checked, problems = signed_records.verify_records()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Signed records NOT verified: {len(problems)} of {checked} changed (listed above).")
        self.stdout.write(self.style.SUCCESS(f"Signed records intact: {checked}, each as its sign event recorded it"))

    def witness(self):
        counter = AuditCounter.objects.filter(id=1).first()
        if counter is None or counter.last_seq == 0:
            raise CommandError("There are no audit events yet; nothing to witness.")
        audit.witness(counter.last_seq, counter.last_hash)
        self.stdout.write(f"Witnessed: head #{counter.last_seq}")
