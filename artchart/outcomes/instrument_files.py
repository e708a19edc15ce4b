"""Instrument definitions: data files, read and validated on load.

An instrument is one JSON file (see docs/outcomes.md for every field). A file
that is wrong fails loudly with an ``InstrumentFileError`` naming the file and
the field, so a practice adding its own instrument learns what to fix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NoReturn, overload

SHIPPED_DIR = Path(__file__).resolve().parent / "instruments"
# Optional add-ons (CORE-10): licensed for non-commercial use only, so they are
# loaded only when a practice passes this folder to load_instruments().
ADDONS_DIR = SHIPPED_DIR / "addons"

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MISSING_METHODS = ("refuse", "prorate")
RELIABILITY_KINDS = ("alpha", "test-retest")
# Who answers: the client, a parent or carer about the client, or the clinician rating what they observe.
RESPONDENTS = ("self", "parent_or_carer", "clinician")
# The terms an instrument is used under: public domain; free to use without asking (the PHQ family);
# free with a citation; non-commercial only; copyrighted, whose wording never ships (score-only entries).
LICENCE_TERMS = ("public_domain", "free_to_use", "free_with_citation", "non_commercial", "copyrighted")
ALERT_SEVERITIES = ("high", "moderate")
OLDEST_AGE = 120
TOP_LEVEL_FIELDS = frozenset(
    {
        "id",
        "name",
        "short_name",
        "version",
        "source",
        "licence",
        "instructions",
        "options",
        "items",
        "unscored_questions",
        "scoring",
        "subscales",
        "bands",
        "flags",
        "reliability",
        "norms",
        "published_change",
        "higher_is_worse",
        "age",
        "respondent",
        "population",
    }
)


class InstrumentFileError(ValueError):
    """An instrument file is unreadable or breaks the format; the message names file and field."""


@dataclass(frozen=True)
class Option:
    value: int
    label: str


@dataclass(frozen=True)
class Item:
    number: int
    text: str | None
    options: tuple[Option, ...]
    reverse: bool
    risk: bool = False

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(option.value for option in self.options)

    @property
    def lowest(self) -> int:
        return min(self.values)

    @property
    def highest(self) -> int:
        return max(self.values)


@dataclass(frozen=True)
class UnscoredQuestion:
    id: str
    text: str | None
    options: tuple[Option, ...]


@dataclass(frozen=True)
class MissingRule:
    method: str  # "refuse" or "prorate"
    max_missing: int
    rule: str
    source: str


@dataclass(frozen=True)
class Subscale:
    id: str
    name: str
    items: tuple[int, ...]


@dataclass(frozen=True)
class Band:
    min: float
    max: float
    label: str


@dataclass(frozen=True)
class Flag:
    item: int
    above: float
    label: str
    risk: bool
    # How urgent the alert a raised risk flag opens is: "high" unless the file says "moderate".
    severity: str = "high"


@dataclass(frozen=True)
class Reliability:
    kind: str
    value: float
    source: str


@dataclass(frozen=True)
class Norm:
    mean: float
    sd: float


@dataclass(frozen=True)
class Norms:
    clinical: Norm | None
    general: Norm | None
    source: str


@dataclass(frozen=True)
class PublishedChange:
    reliable_improvement: float
    caseness: float
    source: str


@dataclass(frozen=True)
class Licence:
    text: str
    item_text_may_ship: bool
    name: str | None = None
    url: str | None = None
    terms: str | None = None  # one of LICENCE_TERMS, or None where the file does not say


@dataclass(frozen=True)
class Instrument:
    id: str
    name: str
    short_name: str
    version: str
    source: str
    licence: Licence
    instructions: str | None
    items: tuple[Item, ...]
    unscored_questions: tuple[UnscoredQuestion, ...]
    score_min: float
    score_max: float
    missing: MissingRule
    subscales: tuple[Subscale, ...]
    bands: tuple[Band, ...]
    flags: tuple[Flag, ...]
    reliability: Reliability | None
    norms: Norms | None
    published_change: PublishedChange | None
    higher_is_worse: bool
    path: str
    age_min: int | None = None  # whole years, inclusive; None where the authors set no bound
    age_max: int | None = None
    respondent: str = "self"  # one of RESPONDENTS
    population: str | None = None

    @property
    def score_only(self) -> bool:
        """A restricted instrument: item scores from the practice's own copy, no wording shipped."""
        return not self.licence.item_text_may_ship

    def fits_age(self, years: int | None) -> bool:
        """Whether a client of ``years`` is within the ages the instrument was made for (unknown age fits)."""
        if years is None:
            return True
        return (self.age_min is None or years >= self.age_min) and (self.age_max is None or years <= self.age_max)

    @property
    def age_range(self) -> str:
        """The ages as words: "11–17", "65 and over", "under 18", "any age"."""
        if self.age_min is not None and self.age_max is not None:
            return f"{self.age_min}–{self.age_max}"
        if self.age_min is not None:
            return f"{self.age_min} and over"
        if self.age_max is not None:
            return f"{self.age_max} and under"
        return "any age"

    def item(self, number: int) -> Item:
        return self.items[number - 1]


# --- reading one file -------------------------------------------------------------------------------------


class _Fields:
    """Typed access to one JSON object, raising errors that name the file and the field path."""

    def __init__(self, filename: str, data: Any, path: str = ""):
        self.filename = filename
        self.path = path
        if not isinstance(data, dict):
            self.fail(path or "the file", "must be an object")
        self.data: dict[str, Any] = data

    def fail(self, field: str, problem: str) -> NoReturn:
        raise InstrumentFileError(f"{self.filename}: {field} {problem}")

    def name(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def get(self, key: str) -> Any:
        if key not in self.data:
            self.fail(self.name(key), "is missing")
        return self.data[key]

    @overload
    def text(self, key: str, *, optional: Literal[False] = False) -> str: ...

    @overload
    def text(self, key: str, *, optional: bool) -> str | None: ...

    def text(self, key: str, *, optional: bool = False) -> str | None:
        if optional and not self.has(key):
            return None
        value = self.get(key)
        if not isinstance(value, str) or not value.strip():
            self.fail(self.name(key), "must be non-empty text")
        return value

    def boolean(self, key: str, *, default: bool | None = None) -> bool:
        if default is not None and key not in self.data:
            return default
        value = self.get(key)
        if not isinstance(value, bool):
            self.fail(self.name(key), "must be true or false")
        return value

    def integer(self, key: str) -> int:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(self.name(key), "must be a whole number")
        return value

    def number(self, key: str) -> float:
        value = self.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(self.name(key), "must be a number")
        return value

    def objects(self, key: str, *, optional: bool = False) -> list[_Fields]:
        if optional and key not in self.data:
            return []
        value = self.get(key)
        if not isinstance(value, list):
            self.fail(self.name(key), "must be a list")
        return [_Fields(self.filename, entry, f"{self.name(key)}[{i}]") for i, entry in enumerate(value)]

    @overload
    def obj(self, key: str, *, optional: Literal[False] = False) -> _Fields: ...

    @overload
    def obj(self, key: str, *, optional: bool) -> _Fields | None: ...

    def obj(self, key: str, *, optional: bool = False) -> _Fields | None:
        if optional and not self.has(key):
            return None
        return _Fields(self.filename, self.get(key), self.name(key))


def _options(fields: list[_Fields], where: str, root: _Fields) -> tuple[Option, ...]:
    if not fields:
        root.fail(where, "must list at least one option")
    options = tuple(Option(value=f.integer("value"), label=f.text("label")) for f in fields)
    if len({o.value for o in options}) != len(options):
        root.fail(where, "has two options with the same value")
    return options


def _items(root: _Fields, default_options: tuple[Option, ...] | None) -> tuple[Item, ...]:
    entries = root.objects("items")
    if not entries:
        root.fail("items", "must list at least one item")
    items = []
    for index, f in enumerate(entries, start=1):
        if f.integer("number") != index:
            f.fail(f.name("number"), f"must be {index} (items are numbered 1, 2, 3 … in order)")
        if "options" in f.data:
            options = _options(f.objects("options"), f.name("options"), root)
        elif default_options is None:
            f.fail(f.name("options"), "is missing and the file has no shared options")
        else:
            options = default_options
        text = f.data.get("text")
        if text is not None and (not isinstance(text, str) or not text.strip()):
            f.fail(f.name("text"), "must be non-empty text or null")
        items.append(
            Item(
                number=index,
                text=text,
                options=options,
                reverse=f.boolean("reverse"),
                risk=f.boolean("risk", default=False),
            )
        )
    return tuple(items)


def _unscored(root: _Fields, default_options: tuple[Option, ...] | None) -> tuple[UnscoredQuestion, ...]:
    questions = []
    for f in root.objects("unscored_questions", optional=True):
        options = _options(f.objects("options"), f.name("options"), root) if "options" in f.data else default_options
        if options is None:
            f.fail(f.name("options"), "is missing and the file has no shared options")
        questions.append(UnscoredQuestion(id=f.text("id"), text=f.text("text", optional=True), options=options))
    return tuple(questions)


def _check_licence(
    root: _Fields, licence: Licence, items: tuple[Item, ...], questions: tuple[UnscoredQuestion, ...]
) -> None:
    if licence.item_text_may_ship:
        return
    for i, item in enumerate(items):
        if item.text is not None:
            root.fail(f"items[{i}].text", "must be null: licence.item_text_may_ship is false (score-only instrument)")
    for i, question in enumerate(questions):
        if question.text is not None:
            root.fail(
                f"unscored_questions[{i}].text",
                "must be null: licence.item_text_may_ship is false (score-only instrument)",
            )


def _scoring(root: _Fields, items: tuple[Item, ...]) -> tuple[float, float, MissingRule]:
    scoring = root.obj("scoring")
    if scoring.get("method") != "sum":
        scoring.fail("scoring.method", 'must be "sum"')
    low, high = scoring.number("min"), scoring.number("max")
    expected_low = sum(item.lowest for item in items)
    expected_high = sum(item.highest for item in items)
    if low != expected_low:
        scoring.fail("scoring.min", f"is {low} but the items add up to a lowest total of {expected_low}")
    if high != expected_high:
        scoring.fail("scoring.max", f"is {high} but the items add up to a highest total of {expected_high}")
    missing = scoring.obj("missing")
    method = missing.get("method")
    if method not in MISSING_METHODS:
        missing.fail("scoring.missing.method", 'must be "refuse" or "prorate"')
    max_missing = missing.integer("max_missing")
    if method == "refuse" and max_missing != 0:
        missing.fail("scoring.missing.max_missing", 'must be 0 when the method is "refuse"')
    if method == "prorate" and not 1 <= max_missing < len(items):
        missing.fail("scoring.missing.max_missing", f"must be between 1 and {len(items) - 1} for prorating")
    rule = MissingRule(method=method, max_missing=max_missing, rule=missing.text("rule"), source=missing.text("source"))
    return low, high, rule


def _subscales(root: _Fields, items: tuple[Item, ...]) -> tuple[Subscale, ...]:
    subscales = []
    for f in root.objects("subscales", optional=True):
        numbers = f.get("items")
        if not isinstance(numbers, list) or not numbers:
            f.fail(f.name("items"), "must be a non-empty list of item numbers")
        for number in numbers:
            if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= len(items):
                f.fail(f.name("items"), f"names item {number!r}, which is not an item of this instrument")
        subscales.append(Subscale(id=f.text("id"), name=f.text("name"), items=tuple(numbers)))
    return tuple(subscales)


def _bands(root: _Fields, low: float, high: float) -> tuple[Band, ...]:
    bands = tuple(
        Band(min=f.number("min"), max=f.number("max"), label=f.text("label"))
        for f in root.objects("bands", optional=True)
    )
    for i, band in enumerate(bands):
        if band.min > band.max:
            root.fail(f"bands[{i}].min", "must not be above its max")
        if i and not 0 < band.min - bands[i - 1].max <= 1:
            root.fail(f"bands[{i}].min", "must follow the band before it (no gap, no overlap)")
    if bands and (bands[0].min != low or bands[-1].max != high):
        root.fail("bands", f"must cover the whole score range {low}–{high}")
    return bands


def _flags(root: _Fields, items: tuple[Item, ...]) -> tuple[Flag, ...]:
    flags = []
    for f in root.objects("flags", optional=True):
        number = f.integer("item")
        if not 1 <= number <= len(items):
            f.fail(f.name("item"), f"names item {number}, which is not an item of this instrument")
        risk = f.boolean("risk", default=False)
        severity = f.data.get("severity", "high")
        if "severity" in f.data and not risk:
            f.fail(f.name("severity"), "is only for a risk flag (risk: true)")
        if severity not in ALERT_SEVERITIES:
            f.fail(f.name("severity"), 'must be "high" or "moderate"')
        flags.append(Flag(item=number, above=f.number("above"), label=f.text("label"), risk=risk, severity=severity))
    return tuple(flags)


def _age(root: _Fields) -> tuple[int | None, int | None]:
    f = root.obj("age", optional=True)
    if f is None:
        return None, None
    for key in f.data:
        if key not in ("min", "max"):
            f.fail(f.name(key), "is not a field of age (min, max)")
    bounds: list[int | None] = []
    for key in ("min", "max"):
        if not f.has(key):
            bounds.append(None)
            continue
        years = f.integer(key)
        if not 0 <= years <= OLDEST_AGE:
            f.fail(f.name(key), f"must be between 0 and {OLDEST_AGE} years")
        bounds.append(years)
    low, high = bounds
    if low is not None and high is not None and low > high:
        f.fail("age.min", "must not be above age.max")
    return low, high


def _respondent(root: _Fields) -> str:
    if "respondent" not in root.data:
        return "self"
    value = root.data["respondent"]
    if value not in RESPONDENTS:
        root.fail("respondent", "must be one of " + ", ".join(f'"{r}"' for r in RESPONDENTS))
    return str(value)


def _licence(root: _Fields) -> Licence:
    f = root.obj("licence")
    licence = Licence(
        text=f.text("text"),
        item_text_may_ship=f.boolean("item_text_may_ship"),
        name=f.text("name", optional=True),
        url=f.text("url", optional=True),
        terms=f.data.get("terms"),
    )
    if licence.terms is not None and licence.terms not in LICENCE_TERMS:
        f.fail("licence.terms", "must be one of " + ", ".join(f'"{t}"' for t in LICENCE_TERMS))
    if licence.terms == "copyrighted" and licence.item_text_may_ship:
        f.fail("licence.item_text_may_ship", 'must be false when licence.terms is "copyrighted"')
    return licence


def _reliability(root: _Fields) -> Reliability | None:
    f = root.obj("reliability", optional=True)
    if f is None:
        return None
    if f.get("kind") not in RELIABILITY_KINDS:
        f.fail("reliability.kind", 'must be "alpha" or "test-retest"')
    value = f.number("value")
    if not 0 < value < 1:
        f.fail("reliability.value", "must be between 0 and 1")
    return Reliability(kind=f.data["kind"], value=value, source=f.text("source"))


def _norm(f: _Fields | None) -> Norm | None:
    if f is None:
        return None
    sd = f.number("sd")
    if sd <= 0:
        f.fail(f.name("sd"), "must be above 0")
    return Norm(mean=f.number("mean"), sd=sd)


def _norms(root: _Fields) -> Norms | None:
    f = root.obj("norms", optional=True)
    if f is None:
        return None
    clinical, general = _norm(f.obj("clinical", optional=True)), _norm(f.obj("general", optional=True))
    if clinical is None and general is None:
        f.fail("norms", "must give clinical or general norms (or be null)")
    return Norms(clinical=clinical, general=general, source=f.text("source"))


def _published_change(root: _Fields) -> PublishedChange | None:
    f = root.obj("published_change", optional=True)
    if f is None:
        return None
    threshold = f.number("reliable_improvement")
    if threshold <= 0:
        f.fail("published_change.reliable_improvement", "must be above 0")
    return PublishedChange(reliable_improvement=threshold, caseness=f.number("caseness"), source=f.text("source"))


def parse_instrument(data: Any, filename: str) -> Instrument:
    """Build an Instrument from decoded JSON, or raise InstrumentFileError naming ``filename`` and the field."""
    root = _Fields(filename, data)
    for key in data:
        if key not in TOP_LEVEL_FIELDS:
            root.fail(key, "is not a field of an instrument file")
    identifier = root.text("id")
    if not ID_PATTERN.match(identifier):
        root.fail("id", "must be lower-case letters, digits, '-' or '_'")
    default_options = _options(root.objects("options"), "options", root) if "options" in data else None
    items = _items(root, default_options)
    questions = _unscored(root, default_options)
    licence = _licence(root)
    _check_licence(root, licence, items, questions)
    low, high, missing = _scoring(root, items)
    age_min, age_max = _age(root)
    return Instrument(
        id=identifier,
        name=root.text("name"),
        short_name=root.text("short_name"),
        version=root.text("version"),
        source=root.text("source"),
        licence=licence,
        instructions=root.text("instructions", optional=True),
        items=items,
        unscored_questions=questions,
        score_min=low,
        score_max=high,
        missing=missing,
        subscales=_subscales(root, items),
        bands=_bands(root, low, high),
        flags=_flags(root, items),
        reliability=_reliability(root),
        norms=_norms(root),
        published_change=_published_change(root),
        higher_is_worse=root.boolean("higher_is_worse"),
        path=filename,
        age_min=age_min,
        age_max=age_max,
        respondent=_respondent(root),
        population=root.text("population", optional=True),
    )


def load_instrument_file(path: Path | str) -> Instrument:
    """Read and validate one instrument file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InstrumentFileError(f"{path.name}: cannot be read ({error.strerror})") from error
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InstrumentFileError(f"{path.name}: is not valid JSON ({error})") from error
    return parse_instrument(data, path.name)


def _files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise InstrumentFileError(f"{folder}: is not a folder of instrument files")
    return sorted(folder.glob("*.json"))


def load_instruments(extra_dirs: Iterable[Path | str] = ()) -> dict[str, Instrument]:
    """The shipped instruments plus every ``*.json`` in ``extra_dirs`` (add-ons, a practice's score-only entries)."""
    instruments: dict[str, Instrument] = {}
    for folder in (SHIPPED_DIR, *map(Path, extra_dirs)):
        for path in _files(folder):
            instrument = load_instrument_file(path)
            if instrument.id in instruments:
                raise InstrumentFileError(
                    f"{path.name}: id '{instrument.id}' is already used by {instruments[instrument.id].path}"
                )
            instruments[instrument.id] = instrument
    return instruments
