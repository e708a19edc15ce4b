"""``artchart setup``: a new practice's organization, first site and first admin.

Asks for each in turn; with ``--no-input`` every answer comes from the options,
and the password from ``ARTCHART_SETUP_PASSWORD`` (as Django's ``createsuperuser``
reads ``DJANGO_SUPERUSER_PASSWORD``) or ``--password-file``, never from the
command line, where other users of the machine could read it. Refused, with
nothing changed, once the practice has an organization or anyone in it.
"""

from __future__ import annotations

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from artchart.core import selectors, services
from artchart.core.models import PopulationType

PASSWORD_ENV = "ARTCHART_SETUP_PASSWORD"  # noqa: S105 - the variable's name, not a password
# (option, prompt, required): the order the questions are asked in.
QUESTIONS = (
    ("organization", "Organization (the practice's name)", True),
    ("site", "First site (where clients are seen)", True),
    ("population_type", "Population served at this site", True),
    ("site_address", "Site address (optional)", False),
    ("username", "Your username (the first admin)", True),
    ("first_name", "Your first name", True),
    ("last_name", "Your last name", True),
    ("email", "Your e-mail (optional; security notices go there)", False),
)
FIELD_NAMES = {
    "organization_name": "organization",
    "site_name": "site",
    "site_population_type": "population type",
    "site_address": "site address",
    "first_name": "first name",
    "last_name": "last name",
}


class Command(BaseCommand):
    stealth_options = ("stdin",)
    help = "Start a new practice: its organization, first site and first admin (who sets up two-step sign-in)."

    def add_arguments(self, parser):
        for option, prompt, _ in QUESTIONS:
            kinds = f": one of {', '.join(PopulationType.values)}" if option == "population_type" else ""
            help_text = f"{prompt}{kinds}."
            parser.add_argument(f"--{option.replace('_', '-')}", dest=option, default=None, help=help_text)
        parser.add_argument(
            "--password-file", default=None, help=f"Read the admin's password from this file (or set {PASSWORD_ENV})."
        )
        parser.add_argument("--no-input", action="store_false", dest="interactive", help="Ask nothing.")

    def handle(self, *args, interactive: bool, password_file: str | None, **options):
        self.stdin = options.get("stdin") or sys.stdin
        if not selectors.practice_needs_setup():
            raise CommandError(services.ALREADY_SET_UP)
        answers = {option: options.get(option) for option, _, _ in QUESTIONS}
        if interactive:
            self._ask(answers)
        missing = [option for option, _, required in QUESTIONS if required and not answers[option]]
        if missing:
            raise CommandError("Missing: " + ", ".join(f"--{m.replace('_', '-')}" for m in missing))
        password = self._password(interactive, password_file)
        try:
            admin = services.practice_setup(
                organization_name=answers["organization"],
                site_name=answers["site"],
                population_type=answers["population_type"],
                site_address=answers["site_address"] or "",
                username=answers["username"],
                password=password,
                first_name=answers["first_name"],
                last_name=answers["last_name"],
                email=answers["email"] or "",
            )
        except ValidationError as exc:
            raise CommandError(_describe(exc)) from exc
        self.stdout.write(
            f"The practice {admin.organization} is set up, with the site {answers['site']}. "
            f"Sign in as {admin.username}: you will set up two-step sign-in first, "
            "then the dashboard lists what to do next."
        )

    def _ask(self, answers: dict) -> None:
        for option, prompt, required in QUESTIONS:
            while not answers[option]:
                if option == "population_type":
                    answers[option] = self._ask_population()
                else:
                    answers[option] = self._line(f"{prompt}: ")
                if not required:
                    break

    def _ask_population(self) -> str:
        choices = list(PopulationType.choices)
        for number, (_, label) in enumerate(choices, start=1):
            self.stdout.write(f"  {number}. {label}")
        answer = self._line(f"Population served at this site (1–{len(choices)}): ")
        values = {value for value, _ in choices}
        if answer in values:
            return answer
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1][0]
        self.stdout.write(f"Type a number from 1 to {len(choices)}.")
        return ""

    def _line(self, prompt: str) -> str:
        self.stdout.write(prompt, ending="")
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            raise CommandError("No answer (end of input); nothing was changed.")
        return line.strip()

    def _password(self, interactive: bool, password_file: str | None) -> str:
        if password_file:
            with open(password_file, encoding="utf-8") as handle:
                return handle.readline().rstrip("\n")
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if not interactive:
            raise CommandError(f"No password: set {PASSWORD_ENV} or give --password-file.")
        first = self._secret("Password: ")
        if first != self._secret("Password again: "):
            raise CommandError("The two passwords differ; nothing was changed.")
        return first

    def _secret(self, prompt: str) -> str:
        if self.stdin.isatty():
            return getpass.getpass(prompt)
        return self._line(prompt)


def _describe(exc: ValidationError) -> str:
    if not hasattr(exc, "error_dict"):
        return " ".join(exc.messages)
    lines = ["Nothing was changed:"]
    for field, messages in exc.message_dict.items():
        name = FIELD_NAMES.get(field, field.replace("_", " "))
        lines.extend(f"  {name}: {message}" for message in messages)
    return "\n".join(lines)
