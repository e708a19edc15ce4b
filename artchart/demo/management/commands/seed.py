"""``artchart seed``: thousands of synthetic clients for scale tests and benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from artchart.demo.practice import DemoRefused, seed_clients


class Command(BaseCommand):
    help = "Add N synthetic clients (deterministic for a given --seed) to the demo or a new 'Seed practice'."

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=1000, help="how many clients to add (default 1000)")
        parser.add_argument("--seed", type=int, default=1, help="random seed: the same seed gives the same names")
        parser.add_argument(
            "--force", action="store_true", help="write even though the database holds a practice that is not demo data"
        )

    def handle(self, **options):
        if options["clients"] < 0:
            raise CommandError("--clients must be zero or more.")
        try:
            result = seed_clients(count=options["clients"], seed=options["seed"], force=options["force"])
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {result.clients} synthetic clients to {result.organization.name} (seed {options['seed']})."
            )
        )
