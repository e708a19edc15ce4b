"""Service codes, places of service and modifiers, and the rules a session's service lines keep.

A pure module: plain values in, plain-words refusals out; no Django. The services in
``artchart/therapy/services/billing.py`` (and the session services) build the
``SessionFacts`` of a session and ask ``problems`` before anything is written.

The time rules are the CPT ones for psychotherapy: a code is reported when the
face-to-face time reaches its midpoint (90832 16-37 minutes, 90834 38-52, 90837
53 or more); crisis psychotherapy is 90839 for the first 30-74 minutes and one
90840 for each further 30 minutes (75-104 minutes: one, 105-134: two, ...).
ArtChart records codes; it does not submit claims.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

INDIVIDUAL, FAMILY, GROUP = "individual", "family", "group"

# code -> what it is, as a biller reads it
CODES: dict[str, str] = {
    "90791": "Psychiatric diagnostic evaluation (intake)",
    "90832": "Psychotherapy, 30 minutes (16-37)",
    "90834": "Psychotherapy, 45 minutes (38-52)",
    "90837": "Psychotherapy, 60 minutes (53 or more)",
    "90839": "Psychotherapy for crisis, first 60 minutes (30-74)",
    "90840": "Psychotherapy for crisis, each additional 30 minutes",
    "90785": "Interactive complexity (add-on)",
    "90846": "Family psychotherapy without the client",
    "90847": "Family psychotherapy with the client",
    "90853": "Group psychotherapy",
}

# The individual psychotherapy codes by their face-to-face minutes: (first minute, last minute or None).
TIMED_PSYCHOTHERAPY: dict[str, tuple[int, int | None]] = {
    "90832": (16, 37),
    "90834": (38, 52),
    "90837": (53, None),
}
CRISIS_FIRST, CRISIS_MORE = "90839", "90840"
CRISIS_FIRST_MINUTES = (30, 74)
CRISIS_MORE_STEP = 30
FAMILY_CODES = ("90846", "90847")
FAMILY_MIN_MINUTES = 26
GROUP_CODE = "90853"
INTAKE_CODE = "90791"
INTERACTIVE_COMPLEXITY = "90785"
# What 90785 may be added to: psychotherapy (individual or group) and the diagnostic evaluation.
INTERACTIVE_COMPLEXITY_WITH = (*TIMED_PSYCHOTHERAPY, GROUP_CODE, INTAKE_CODE)
MAX_UNITS = 16

PLACES_OF_SERVICE: dict[str, str] = {
    "02": "Telehealth, not in the client's home",
    "03": "School",
    "04": "Homeless shelter",
    "09": "Prison or correctional facility",
    "10": "Telehealth in the client's home",
    "11": "Office",
    "12": "Home",
    "13": "Assisted living facility",
    "21": "Inpatient hospital",
    "22": "Outpatient hospital",
    "31": "Skilled nursing facility",
    "32": "Nursing facility",
    "33": "Custodial care facility",
    "51": "Inpatient psychiatric facility",
    "52": "Psychiatric facility, partial hospitalization",
    "53": "Community mental health center",
    "99": "Other place of service",
}
TELEHEALTH_POS = ("02", "10")

MODIFIERS: dict[str, str] = {
    "95": "Synchronous telehealth, audio and video",
    "GT": "Telehealth, audio and video (older payers)",
    "93": "Audio-only telehealth",
}
TELEHEALTH_MODIFIERS = ("95", "GT", "93")
MAX_MODIFIERS = 4

CODE_RE = re.compile(r"^\d{5}$")


@dataclass(frozen=True)
class SessionFacts:
    """What the rules need to know of a session."""

    kind: str  # individual, family or group
    minutes: int  # face-to-face minutes
    telehealth: bool
    place_of_service: str = ""
    is_intake: bool = False


@dataclass(frozen=True)
class Line:
    code: str
    units: int = 1
    modifiers: tuple[str, ...] = ()


def parse_modifiers(text: str) -> tuple[str, ...]:
    """'95, gt' -> ('95', 'GT'): split on commas and spaces, upper-cased, in the order given."""
    return tuple(part for part in re.split(r"[\s,]+", (text or "").strip().upper()) if part)


def line_problems(line: Line) -> list[str]:
    """What is wrong with one line on its own: the code, its units, its modifiers."""
    problems: list[str] = []
    if not line.code:
        named = f" for the modifier {' '.join(line.modifiers)}" if line.modifiers else ""
        return [f"Choose a service code{named}."]
    if not CODE_RE.match(line.code):
        return [f"A service code is five digits, such as 90834; “{line.code}” is not."]
    if line.code not in CODES:
        known = ", ".join(sorted(CODES))
        return [f"ArtChart does not know the code {line.code}; it records {known}."]
    if not 1 <= line.units <= MAX_UNITS:
        problems.append(f"Units are between 1 and {MAX_UNITS}; {line.code} has {line.units}.")
    elif line.units != 1 and line.code != CRISIS_MORE:
        problems.append(f"{line.code} is reported once per session (1 unit), not {line.units}.")
    if len(line.modifiers) > MAX_MODIFIERS:
        problems.append(f"A line takes at most {MAX_MODIFIERS} modifiers.")
    for modifier in line.modifiers:
        if modifier not in MODIFIERS:
            problems.append(f"The modifier {modifier} is not one ArtChart records (95, GT or 93).")
    if len(set(line.modifiers)) != len(line.modifiers):
        problems.append(f"A modifier is named twice on {line.code}.")
    if sum(1 for m in line.modifiers if m in TELEHEALTH_MODIFIERS) > 1:
        problems.append(f"{line.code} takes one telehealth modifier (95, GT or 93), not several.")
    return problems


def place_of_service_problems(place_of_service: str) -> list[str]:
    if place_of_service and place_of_service not in PLACES_OF_SERVICE:
        return [f"{place_of_service} is not a place of service ArtChart records; choose one from the list."]
    return []


def _a_session(kind: str) -> str:
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind} session"


def timed_code(minutes: int) -> str:
    """The individual psychotherapy code these face-to-face minutes report ('' below 16)."""
    for code, (first, last) in TIMED_PSYCHOTHERAPY.items():
        if first <= minutes and (last is None or minutes <= last):
            return code
    return ""


def _timed_problems(code: str, minutes: int) -> list[str]:
    first, last = TIMED_PSYCHOTHERAPY[code]
    if minutes < first:
        return [f"{code} needs {first} or more face-to-face minutes; this session has {minutes}."]
    if last is not None and minutes > last:
        return [
            f"{code} covers {first} to {last} face-to-face minutes; this session has {minutes}, "
            f"which is {timed_code(minutes)}."
        ]
    return []


def crisis_units_allowed(minutes: int) -> int:
    """How many 90840 units the minutes support: none below 75, then one more for each further 30."""
    if minutes <= CRISIS_FIRST_MINUTES[1]:
        return 0
    return 1 + (minutes - CRISIS_FIRST_MINUTES[1] - 1) // CRISIS_MORE_STEP


def _timed_fits(line: Line, facts: SessionFacts) -> list[str]:
    if facts.kind == GROUP:
        return [f"{line.code} is individual psychotherapy; a group session takes 90853."]
    return _timed_problems(line.code, facts.minutes)


def _group_fits(line: Line, facts: SessionFacts) -> list[str]:
    if facts.kind != GROUP:
        return [f"90853 is group psychotherapy; this is {_a_session(facts.kind)}."]
    return []


def _family_fits(line: Line, facts: SessionFacts) -> list[str]:
    if facts.kind != FAMILY:
        return [f"{line.code} is family psychotherapy; this is {_a_session(facts.kind)}."]
    if facts.minutes < FAMILY_MIN_MINUTES:
        return [
            f"{line.code} needs {FAMILY_MIN_MINUTES} or more face-to-face minutes; this session has {facts.minutes}."
        ]
    return []


def _intake_fits(line: Line, facts: SessionFacts) -> list[str]:
    if facts.kind == GROUP:
        return ["90791 is an individual evaluation; a group session takes 90853."]
    if not facts.is_intake:
        return ["90791 is for the intake: the client's first session, or the session an intake note names."]
    return []


def _crisis_first_fits(line: Line, facts: SessionFacts) -> list[str]:
    low = CRISIS_FIRST_MINUTES[0]
    if facts.kind == GROUP:
        return ["90839 is crisis psychotherapy with one client or family; this is a group session."]
    if facts.minutes < low:
        return [f"90839 needs {low} or more face-to-face minutes of crisis care; this session has {facts.minutes}."]
    return []


def _crisis_more_fits(line: Line, facts: SessionFacts) -> list[str]:
    allowed = crisis_units_allowed(facts.minutes)
    if allowed == 0:
        return [f"90840 needs 75 or more face-to-face minutes of crisis care; this session has {facts.minutes}."]
    if line.units > allowed:
        return [
            f"{facts.minutes} face-to-face minutes support {allowed} unit{'s' if allowed != 1 else ''} "
            f"of 90840 (one per 30 minutes past the first 74), not {line.units}."
        ]
    return []


def _code_fits_session(line: Line, facts: SessionFacts) -> list[str]:
    if line.code in TIMED_PSYCHOTHERAPY:
        return _timed_fits(line, facts)
    if line.code in FAMILY_CODES:
        return _family_fits(line, facts)
    check = {
        GROUP_CODE: _group_fits,
        INTAKE_CODE: _intake_fits,
        CRISIS_FIRST: _crisis_first_fits,
        CRISIS_MORE: _crisis_more_fits,
    }.get(line.code)
    return check(line, facts) if check else []


def _modifiers_fit_session(line: Line, facts: SessionFacts) -> list[str]:
    telehealth = [m for m in line.modifiers if m in TELEHEALTH_MODIFIERS]
    if telehealth and not facts.telehealth:
        return [f"The telehealth modifier {telehealth[0]} is only for telehealth sessions; this one is in person."]
    if facts.place_of_service in TELEHEALTH_POS and not telehealth:
        return [
            f"Place of service {facts.place_of_service} is telehealth, so {line.code} needs a telehealth "
            "modifier (95, GT, or 93 for audio only)."
        ]
    return []


def _lines_agree(lines: Sequence[Line]) -> list[str]:
    """Rules across the lines of one session."""
    problems: list[str] = []
    codes = [line.code for line in lines]
    for code in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(f"{code} is on this session twice; one line with its units is enough.")
    present = set(codes)
    timed = sorted(present & set(TIMED_PSYCHOTHERAPY))
    if len(timed) > 1:
        problems.append(f"A session takes one psychotherapy time code, not {' and '.join(timed)}.")
    crisis = present & {CRISIS_FIRST, CRISIS_MORE}
    if CRISIS_MORE in present and CRISIS_FIRST not in present:
        problems.append("90840 is an add-on: it needs 90839 (the first 30-74 minutes of crisis) on the same session.")
    if crisis and timed:
        problems.append(f"Crisis psychotherapy (90839) is not reported with {timed[0]} on the same session.")
    if INTAKE_CODE in present and (timed or crisis):
        other = (timed or sorted(crisis))[0]
        problems.append(f"90791 (the intake evaluation) is not reported with {other} on the same session.")
    if INTERACTIVE_COMPLEXITY in present:
        if crisis:
            problems.append("90785 (interactive complexity) is not reported with crisis psychotherapy (90839).")
        elif not present & set(INTERACTIVE_COMPLEXITY_WITH):
            problems.append(
                "90785 (interactive complexity) is an add-on: it needs a psychotherapy code "
                "(90832, 90834, 90837 or 90853) or 90791 on the same session."
            )
    return problems


def problems(facts: SessionFacts, lines: Sequence[Line]) -> list[str]:
    """Every reason these lines cannot stand on this session, in plain words; empty when they can."""
    found = place_of_service_problems(facts.place_of_service)
    for line in lines:
        own = line_problems(line)
        found.extend(own)
        if not own:
            found.extend(_code_fits_session(line, facts))
            found.extend(_modifiers_fit_session(line, facts))
    found.extend(_lines_agree(lines))
    return list(dict.fromkeys(found))  # the same refusal once
