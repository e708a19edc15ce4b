"""``artchart demo``: load the demo practice into an empty database (once)."""

from django.core.management.base import BaseCommand, CommandError

from artchart.demo.practice import ALREADY_LOADED, DEMO_PASSWORD, DEMO_USERNAMES, DemoRefused, build_demo


class Command(BaseCommand):
    help = "Load the demo practice (synthetic clients, every role). Does nothing if it is already loaded."

    def handle(self, **options):
        try:
            result = build_demo()
        except DemoRefused as exc:
            raise CommandError(str(exc)) from None
        if not result.created:
            self.stdout.write(ALREADY_LOADED)
            return
        self.stdout.write(
            self.style.SUCCESS(f"Demo practice loaded: {result.clients} clients, {result.events} audit events.")
        )
        self.stdout.write(f"Sign in as {', '.join(DEMO_USERNAMES)} with the password {DEMO_PASSWORD}.")
