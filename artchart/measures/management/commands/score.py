"""``artchart score INSTRUMENT --answers 1,0,2,… [--json]`` and ``artchart score --list``.

Scores answers with the instrument's own rules (the practice's instruments, as
the web uses them) and stores nothing: a quick check at the desk, or a step in
a script. Bad answers print the same message the web shows and exit with 2; a
form refused for blank items whose given answers carry a risk flag prints the
risk warning and exits with 3, so a script cannot mistake it for a typo.
"""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from artchart import outcomes
from artchart.measures import instruments

NAME_ONE = "Name an instrument to score, or use --list to see them."
ANSWERS_NEEDED = "Give the answers in item order: --answers 1,0,2,… (leave one empty for an unanswered item)."
LIST_WITH_ANSWERS = "--list takes no instrument or answers."
MISSING_MARKS = ("", "-", "na", "n/a", "none", "null")
BAD_INPUT = 2  # as argparse exits on a bad command line
REFUSED_WITH_RISK = 3  # refused for blank items, but an answer given carries a risk flag: act on it
RISK_WARNING = "Risk: YES — follow your safety protocol now. "
SCORED_RISK_NOTE = "In ArtChart this raises an alert; this command stores nothing."
REFUSED_RISK_NOTE = (
    "This form cannot be scored, but an answer given raises a risk flag ({flags}). "
    "In ArtChart the unscored form is kept and raises an alert; this command stores nothing."
)


def parse_answers(text: str) -> list:
    """ "1,0,,2" → [1, 0, None, 2]; anything that is not a number is passed on for the scorer to name."""
    answers: list = []
    for part in text.split(","):
        part = part.strip()
        if part.lower() in MISSING_MARKS:
            answers.append(None)
            continue
        try:
            answers.append(int(part))
        except ValueError:
            try:
                answers.append(float(part))
            except ValueError:
                answers.append(part)
    return answers


def _number(value: float) -> str:
    return f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


class Command(BaseCommand):
    help = "Score one administration of an instrument (nothing is stored), or list the instruments."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("instrument", nargs="?", help="id or short name: phq9, PHQ-9, gad7, rses…")
        parser.add_argument("--answers", help="the item answers in order, comma-separated (empty = unanswered)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
        parser.add_argument("--list", action="store_true", help="list the instruments and stop")

    def handle(self, *args, **options):
        if options["list"]:
            if options["instrument"] or options["answers"]:
                raise CommandError(LIST_WITH_ANSWERS, returncode=BAD_INPUT)
            return self.list_instruments(as_json=options["json"])
        if not options["instrument"]:
            raise CommandError(NAME_ONE, returncode=BAD_INPUT)
        if options["answers"] is None or not options["answers"].strip():
            raise CommandError(ANSWERS_NEEDED, returncode=BAD_INPUT)
        try:
            instrument = instruments.get(options["instrument"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=BAD_INPUT) from None
        answers = parse_answers(options["answers"])
        try:
            scored = outcomes.score(instrument, answers)
        except outcomes.ScoringError as exc:
            if exc.risk:
                raise self.refused_with_risk(instrument, exc, as_json=options["json"]) from None
            raise CommandError(str(exc), returncode=BAD_INPUT) from None
        given = [None if a is None else int(a) for a in answers]  # all whole numbers once scored
        if options["json"]:
            self.stdout.write(json.dumps(self.as_dict(instrument, scored, given), ensure_ascii=False))
        else:
            self.print_score(instrument, scored, given)

    @staticmethod
    def as_dict(instrument: outcomes.Instrument, scored: outcomes.Score, given: list) -> dict:
        return {
            "instrument": instrument.id,
            "short_name": instrument.short_name,
            "version": instrument.version,
            "total": scored.total,
            "score_min": instrument.score_min,
            "score_max": instrument.score_max,
            "subscales": scored.subscales,
            "band": scored.band,
            "flags": scored.flags,
            "risk": scored.risk,
            "prorated": scored.prorated,
            "answers": given,
            "keyed": list(scored.items),
        }

    def print_score(self, instrument: outcomes.Instrument, scored: outcomes.Score, given: list) -> None:
        write = self.stdout.write
        write(f"{instrument.short_name} — {instrument.name} (version {instrument.version})")
        prorated = " (prorated for unanswered items, as the authors allow)" if scored.prorated else ""
        write(
            f"Total:     {_number(scored.total)} "
            f"(range {_number(instrument.score_min)}–{_number(instrument.score_max)}){prorated}"
        )
        names = {s.id: s.name for s in instrument.subscales}
        for key, value in scored.subscales.items():
            shown = "not scored (an item is unanswered)" if value is None else _number(value)
            write(f"  {names.get(key, key)}: {shown}")
        write(f"Band:      {scored.band or 'none (the file defines no bands)'}")
        write(f"Flags:     {'; '.join(scored.flags) if scored.flags else 'none'}")
        if scored.risk:
            write(self.style.WARNING(f"Risk:      YES — follow your safety protocol now. ({SCORED_RISK_NOTE})"))
        else:
            write("Risk:      no")

        def shown(values) -> str:
            return " ".join("–" if a is None else str(a) for a in values)

        write(f"Answers:   {shown(given)}")
        if any(i.reverse for i in instrument.items):
            reversed_items = ", ".join(str(i.number) for i in instrument.items if i.reverse)
            write(f"Keyed:     {shown(scored.items)} (items {reversed_items} reverse-keyed)")

    def refused_with_risk(
        self, instrument: outcomes.Instrument, exc: outcomes.ScoringError, *, as_json: bool
    ) -> CommandError:
        """A refused form with a risk answer is not just bad input: it says so loudly, with its own exit status."""
        warning = RISK_WARNING + REFUSED_RISK_NOTE.format(flags="; ".join(exc.flags))
        if as_json:
            self.stdout.write(
                json.dumps(
                    {
                        "instrument": instrument.id,
                        "short_name": instrument.short_name,
                        "complete": False,
                        "error": str(exc),
                        "flags": exc.flags,
                        "risk": True,
                    },
                    ensure_ascii=False,
                )
            )
        return CommandError(f"{exc} {warning}", returncode=REFUSED_WITH_RISK)

    def list_instruments(self, *, as_json: bool) -> None:
        found = list(instruments.available().values())
        if as_json:
            self.stdout.write(
                json.dumps(
                    [
                        {
                            "id": i.id,
                            "short_name": i.short_name,
                            "name": i.name,
                            "items": len(i.items),
                            "score_min": i.score_min,
                            "score_max": i.score_max,
                            "licence": i.licence.text,
                            "score_only": i.score_only,
                        }
                        for i in found
                    ],
                    ensure_ascii=False,
                )
            )
            return
        rows = [
            (
                i.id,
                i.short_name,
                i.name,
                str(len(i.items)),
                f"{_number(i.score_min)}–{_number(i.score_max)}",
                "score-only (enter item scores from your licensed copy)" if i.score_only else "item text ships",
            )
            for i in found
        ]
        header = ("id", "short name", "name", "items", "range", "licence")
        widths = [max(len(row[c]) for row in [header, *rows]) for c in range(len(header) - 1)]
        for row in [header, *rows]:
            # Every column but the last is padded to its width; the last runs on unpadded.
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False)) + "  " + row[-1]
            )
        for instrument in found:
            self.stdout.write(f"\n{instrument.short_name}: {instrument.licence.text}")
