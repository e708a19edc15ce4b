"""The credentialing board's hour requirements as versioned data, and progress toward them.

Pure: plain values in, dataclasses out, no Django. ``Standards`` is one version of the
board's standards, in force from its effective date, holding a ``RuleSet`` per credential;
each logged entry is counted under the version in force on its date (``standards_on``), and
the entry keeps that version's code.

The figures come from the practice's domain notes: registered art therapist credentials
(ATR-P, then ATR) need post-graduate direct client-contact hours and supervision hours, a
share of the supervision with a board-certified supervisor — at least 100 supervision hours,
at least 50 of them with an ATR-BC or certified supervisor, and 1,000 to 1,500 direct hours
depending on the degree — and new standards from 2026. Where the notes are silent the data
says so beside the value, and the value stays a field of the rule set so a practice can set
its own (``STANDARDS`` is the one place to change; the functions take the versions as an
argument).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Credential(StrEnum):
    ATR_P = "ATR-P"
    ATR = "ATR"


class Degree(StrEnum):
    ART_THERAPY = "art_therapy"  # a master's in art therapy
    RELATED = "related"  # a master's in a related field (counselling, social work…) with art therapy courses


DEGREE_LABELS = {Degree.ART_THERAPY: "Master's in art therapy", Degree.RELATED: "Master's in a related field"}


class SupervisorCredential(StrEnum):
    """What the supervisor held on the day of the hours (kept on each entry, chosen from this list)."""

    ATR_BC = "ATR-BC"
    ATCS = "ATCS"
    ATR = "ATR"
    LICENSED = "licensed"
    OTHER = "other"


SUPERVISOR_CREDENTIAL_LABELS = {
    SupervisorCredential.ATR_BC: "ATR-BC (board-certified art therapist)",
    SupervisorCredential.ATCS: "ATCS (art therapy certified supervisor)",
    SupervisorCredential.ATR: "ATR (registered art therapist)",
    SupervisorCredential.LICENSED: "Licensed mental health professional (LCAT, LPC, LMFT, LCSW, psychologist)",
    SupervisorCredential.OTHER: "Other",
}


def credential_from_text(text: str) -> SupervisorCredential | None:
    """The strongest listed credential named in a person's free-text credentials ("ATR-BC, ATCS" → ATR-BC)."""
    words = {word.strip().upper() for word in text.replace(";", ",").replace("/", ",").split(",")}
    words |= {part for word in list(words) for part in word.split()}
    for credential in (SupervisorCredential.ATR_BC, SupervisorCredential.ATCS, SupervisorCredential.ATR):
        if credential.value in words:
            return credential
    if words & {"LCAT", "LPC", "LMFT", "LCSW", "LMHC", "PSYD", "PHD"}:
        return SupervisorCredential.LICENSED
    return None


@dataclass(frozen=True)
class RuleSet:
    """One credential's requirements within one version of the board's standards."""

    credential: Credential
    # Post-graduate direct client-contact hours, by degree.
    direct_hours: dict[Degree, Decimal]
    supervision_hours: Decimal
    # Of the supervision hours, at least this many with a supervisor holding one of ``board_certified``.
    board_certified_hours: Decimal
    board_certified: frozenset[SupervisorCredential]
    # Optional limits (None: no limit). The domain notes are silent on each; see STANDARDS.
    individual_supervision_min: Decimal | None = None
    group_supervision_max: Decimal | None = None
    window_years: int | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Standards:
    """One version of the board's standards: in force from ``effective_from`` until the next version."""

    code: str  # stored on each entry counted under it; never changed once entries carry it
    title: str
    effective_from: dt.date
    rule_sets: dict[Credential, RuleSet]


BOARD_CERTIFIED = frozenset({SupervisorCredential.ATR_BC, SupervisorCredential.ATCS})
_SILENT = (
    "The domain notes set no minimum of individual supervision, no cap on group supervision and no time "
    "window within which the hours must fall; none is applied until the practice sets one here."
)
_SAME_FIGURES = "The domain notes give no figures of their own for ATR-P; the registered credential's apply."
_NO_2026_FIGURES = (
    "The domain notes name new standards from 2026 without their figures; the earlier figures carry over."
)


def _rule_set(credential: Credential, *notes: str) -> RuleSet:
    return RuleSet(
        credential=credential,
        # "1,000 to 1,500 direct hours depending on the degree": 1,000 with a master's in art therapy,
        # 1,500 with a related degree.
        direct_hours={Degree.ART_THERAPY: Decimal(1000), Degree.RELATED: Decimal(1500)},
        # "at least 100 supervision hours, at least 50 of them with an ATR-BC or certified supervisor".
        supervision_hours=Decimal(100),
        board_certified_hours=Decimal(50),
        board_certified=BOARD_CERTIFIED,
        individual_supervision_min=None,  # silent in the domain notes
        group_supervision_max=None,  # silent in the domain notes
        window_years=None,  # silent in the domain notes
        notes=(*notes, _SILENT),
    )


# The domain notes give one set of figures for the registered credentials and do not say how
# ATR-P's differ from ATR's, so both carry those figures; nor do they give the 2026 standards'
# figures, only that new standards apply from 2026 (taken as 1 January 2026, the day itself
# being unstated). The 2026 standards are their own version, so entries from 2026 on are
# counted and stamped under them, and their figures can change without touching earlier ones.
STANDARDS_2026_FROM = dt.date(2026, 1, 1)

STANDARDS: tuple[Standards, ...] = (
    Standards(
        code="before-2026",
        title="Standards before 2026",
        effective_from=dt.date(1900, 1, 1),
        rule_sets={
            Credential.ATR_P: _rule_set(Credential.ATR_P, _SAME_FIGURES),
            Credential.ATR: _rule_set(Credential.ATR),
        },
    ),
    Standards(
        code="2026",
        title="2026 standards",
        effective_from=STANDARDS_2026_FROM,
        rule_sets={
            Credential.ATR_P: _rule_set(Credential.ATR_P, _SAME_FIGURES, _NO_2026_FIGURES),
            Credential.ATR: _rule_set(Credential.ATR, _NO_2026_FIGURES),
        },
    ),
)


def standards_on(day: dt.date, standards: Sequence[Standards] = STANDARDS) -> Standards:
    """The version in force on ``day``: the latest that took effect by then."""
    in_force = [s for s in standards if s.effective_from <= day]
    if not in_force:
        raise LookupError(f"No standards in force on {day}")
    return max(in_force, key=lambda s: s.effective_from)


def standards_by_code(code: str, standards: Sequence[Standards] = STANDARDS) -> Standards:
    return next(s for s in standards if s.code == code)


@dataclass(frozen=True)
class Hours:
    """One confirmed entry as the progress sees it."""

    day: dt.date
    direct: Decimal
    individual: Decimal
    group: Decimal
    supervisor_credential: str


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    required: Decimal
    done: Decimal
    # For a cap (group supervision at most…): met while done stays within it.
    cap: bool = False

    @property
    def met(self) -> bool:
        return self.done <= self.required if self.cap else self.done >= self.required

    @property
    def remaining(self) -> Decimal:
        return Decimal(0) if self.cap else max(Decimal(0), self.required - self.done)

    @property
    def percent(self) -> int:
        if self.cap or not self.required:
            return 100 if self.met else 0
        return min(100, int(self.done * 100 / self.required))


@dataclass(frozen=True)
class Progress:
    credential: Credential
    degree: Degree
    standards: Standards  # the version in force on the as-of day, whose figures the requirements show
    direct: Decimal
    individual: Decimal
    group: Decimal
    board_certified: Decimal
    requirements: tuple[Requirement, ...]
    # Hours counted under each version of the standards (code → direct + supervision hours).
    by_version: dict[str, Decimal]

    @property
    def supervision(self) -> Decimal:
        return self.individual + self.group

    @property
    def board_certified_share(self) -> Decimal:
        """The share of supervision hours with a board-certified supervisor, 0 to 1."""
        return (self.board_certified / self.supervision).quantize(Decimal("0.001")) if self.supervision else Decimal(0)

    @property
    def met(self) -> bool:
        return all(r.met for r in self.requirements)


def progress(
    entries: Iterable[Hours],
    *,
    credential: Credential,
    degree: Degree = Degree.ART_THERAPY,
    as_of: dt.date,
    standards: Sequence[Standards] = STANDARDS,
) -> Progress:
    """Hours per category, the board-certified share, and each requirement met or not.

    Each entry is counted under the version in force on its own date: whether its supervisor
    counts as board-certified and whether it falls inside that version's time window are that
    version's to say. The requirements shown are those of the version in force on ``as_of``.
    """
    current_standards = standards_on(as_of, standards)
    current = current_standards.rule_sets[credential]
    direct = individual = group = board = Decimal(0)
    by_version: dict[str, Decimal] = {}
    for entry in entries:
        if entry.day > as_of:
            continue
        version = standards_on(entry.day, standards)
        rules = version.rule_sets[credential]
        window = current.window_years
        if window is not None and entry.day < _years_before(as_of, window):
            continue
        direct += entry.direct
        individual += entry.individual
        group += entry.group
        if entry.supervisor_credential in rules.board_certified:
            board += entry.individual + entry.group
        by_version[version.code] = by_version.get(version.code, Decimal(0)) + (
            entry.direct + entry.individual + entry.group
        )
    supervision = individual + group
    requirements = [
        Requirement("direct", "Direct client-contact hours", current.direct_hours[degree], direct),
        Requirement("supervision", "Supervision hours", current.supervision_hours, supervision),
        Requirement(
            "board_certified", "Supervision with a board-certified supervisor", current.board_certified_hours, board
        ),
    ]
    if current.individual_supervision_min is not None:
        requirements.append(
            Requirement("individual", "Individual supervision", current.individual_supervision_min, individual)
        )
    if current.group_supervision_max is not None:
        requirements.append(
            Requirement("group", "Group supervision (at most)", current.group_supervision_max, group, cap=True)
        )
    return Progress(
        credential=credential,
        degree=degree,
        standards=current_standards,
        direct=direct,
        individual=individual,
        group=group,
        board_certified=board,
        requirements=tuple(requirements),
        by_version=by_version,
    )


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)
