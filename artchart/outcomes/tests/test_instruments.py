"""Instrument files: the shipped set, add-ons, a practice's own folder, and files that are wrong."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from artchart.outcomes import (
    ADDONS_DIR,
    SHIPPED_DIR,
    InstrumentFileError,
    ScoringError,
    load_instrument_file,
    load_instruments,
    score,
)

PHQ9 = json.loads((SHIPPED_DIR / "phq9.json").read_text(encoding="utf-8"))


def write(folder: Path, name: str, data: object) -> Path:
    path = folder / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_default_install_ships_the_adult_scales_and_the_age_and_population_fitting_ones() -> None:
    assert sorted(load_instruments()) == [
        "csdd",
        "cssrs_screen",
        "gad7",
        "gds15",
        "phq9",
        "phqa",
        "rses",
        "scared_child",
        "scared_parent",
    ]


def test_core10_addon_loads_when_its_folder_is_given_and_carries_its_licence() -> None:
    instruments = load_instruments([ADDONS_DIR])
    core10 = instruments["core10"]
    assert core10.licence.name == "CC BY-NC-ND 4.0"
    assert "non-commercial" in core10.licence.text
    assert [item.number for item in core10.items if item.reverse] == [2, 3]
    assert core10.item(6).risk


def test_shipped_wording_and_response_options_are_the_standard_ones() -> None:
    phq9 = load_instruments()["phq9"]
    assert [o.label for o in phq9.items[0].options] == [
        "Not at all",
        "Several days",
        "More than half the days",
        "Nearly every day",
    ]
    text = phq9.item(9).text
    assert text is not None and text.startswith("Thoughts that you would be better off dead")
    assert phq9.item(9).risk
    assert [q.id for q in phq9.unscored_questions] == ["difficulty"]
    assert all(
        instrument.licence.item_text_may_ship
        for key, instrument in load_instruments().items()
        if key in ("phq9", "gad7", "rses", "gds15")
    )


def test_rosenberg_reverse_keys_items_2_5_6_8_9() -> None:
    rses = load_instruments()["rses"]
    assert [item.number for item in rses.items if item.reverse] == [2, 5, 6, 8, 9]
    assert not rses.higher_is_worse


def test_practice_folder_adds_a_score_only_instrument(tmp_path: Path) -> None:
    restricted = {
        "id": "k10-local",
        "name": "Practice copy of a licensed scale",
        "short_name": "LOCAL-3",
        "version": "1",
        "source": "The practice's licensed copy.",
        "licence": {"text": "Licensed to the practice; wording not reproduced.", "item_text_may_ship": False},
        "options": [{"value": 1, "label": "1"}, {"value": 2, "label": "2"}, {"value": 3, "label": "3"}],
        "items": [{"number": n, "text": None, "reverse": False} for n in (1, 2, 3)],
        "scoring": {
            "method": "sum",
            "min": 3,
            "max": 9,
            "missing": {"method": "refuse", "max_missing": 0, "rule": "All items.", "source": "Manual."},
        },
        "higher_is_worse": True,
    }
    write(tmp_path, "local.json", restricted)
    instrument = load_instruments([tmp_path])["k10-local"]
    assert instrument.score_only
    assert score(instrument, [1, 2, 3]).total == 6


def test_score_only_instrument_may_not_carry_item_text(tmp_path: Path) -> None:
    data = copy.deepcopy(PHQ9)
    data["licence"]["item_text_may_ship"] = False
    with pytest.raises(InstrumentFileError, match=r"^phq9\.json: items\[0\]\.text must be null"):
        load_instrument_file(write(tmp_path, "phq9.json", data))


def test_two_files_with_one_id_are_refused(tmp_path: Path) -> None:
    write(tmp_path, "again.json", PHQ9)
    with pytest.raises(InstrumentFileError, match="again.json: id 'phq9' is already used by phq9.json"):
        load_instruments([tmp_path])


def test_a_missing_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(InstrumentFileError, match="is not a folder"):
        load_instruments([tmp_path / "nowhere"])


def test_a_file_that_is_not_json_is_named(tmp_path: Path) -> None:
    with pytest.raises(InstrumentFileError, match=r"^broken\.json: is not valid JSON"):
        load_instrument_file(write(tmp_path, "broken.json", "{ not json"))


def _set(path: str, value: object) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        *parents, last = path.split(".")
        target = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


DELETE = object()

BAD_FILES = [
    ("items.3.reverse", "yes", "items[3].reverse must be true or false"),
    ("items.3.number", 7, "items[3].number must be 4"),
    ("items.0.text", "", "items[0].text must be non-empty text or null"),
    ("items", [], "items must list at least one item"),
    ("id", "PHQ 9!", "id must be lower-case letters"),
    ("name", DELETE, "name is missing"),
    ("licence.item_text_may_ship", "maybe", "licence.item_text_may_ship must be true or false"),
    ("options.1.value", "one", "options[1].value must be a whole number"),
    ("options.1.value", 0, "options has two options with the same value"),
    ("scoring.max", 30, "scoring.max is 30 but the items add up to a highest total of 27"),
    ("scoring.method", "mean", 'scoring.method must be "sum"'),
    ("scoring.missing.method", "guess", 'scoring.missing.method must be "refuse" or "prorate"'),
    ("scoring.missing.max_missing", 2, 'scoring.missing.max_missing must be 0 when the method is "refuse"'),
    ("bands.1.min", 6, "bands[1].min must follow the band before it"),
    ("bands.4.max", 26, "bands must cover the whole score range"),
    ("bands.0.min", 5, "bands[0].min must not be above its max"),
    ("flags.0.item", 12, "flags[0].item names item 12"),
    ("reliability.value", 1.4, "reliability.value must be between 0 and 1"),
    ("reliability.kind", "split-half", 'reliability.kind must be "alpha" or "test-retest"'),
    ("norms.general.sd", 0, "norms.general.sd must be above 0"),
    ("published_change.reliable_improvement", -6, "published_change.reliable_improvement must be above 0"),
    ("higher_is_worse", 1, "higher_is_worse must be true or false"),
    ("bandz", [], "bandz is not a field of an instrument file"),
    ("subscales", [{"id": "s", "name": "S", "items": [1, 10]}], "subscales[0].items names item 10"),
    ("age.min", "eleven", "age.min must be a whole number"),
    ("age.max", 130, "age.max must be between 0 and 120 years"),
    ("age", {"min": 18, "max": 11}, "age.min must not be above age.max"),
    ("age", {"from": 18}, "age.from is not a field of age"),
    ("respondent", "teacher", 'respondent must be one of "self", "parent_or_carer", "clinician"'),
    ("population", "", "population must be non-empty text"),
    ("licence.terms", "free", 'licence.terms must be one of "public_domain"'),
    ("licence.terms", "copyrighted", 'licence.item_text_may_ship must be false when licence.terms is "copyrighted"'),
    ("flags.0.severity", "urgent", 'flags[0].severity must be "high" or "moderate"'),
]


@pytest.mark.parametrize(("path", "value", "message"), BAD_FILES, ids=[case[2] for case in BAD_FILES])
def test_bad_instrument_file_names_file_and_field(tmp_path: Path, path: str, value: object, message: str) -> None:
    data = copy.deepcopy(PHQ9)
    _set(path, value)(data)
    with pytest.raises(InstrumentFileError) as error:
        load_instrument_file(write(tmp_path, "phq9.json", data))
    assert str(error.value).startswith(f"phq9.json: {message}")


def test_a_bad_file_in_a_practice_folder_stops_the_load(tmp_path: Path) -> None:
    data = copy.deepcopy(PHQ9)
    data["id"] = "mine"
    data["items"][3]["reverse"] = "no"
    write(tmp_path, "mine.json", data)
    with pytest.raises(InstrumentFileError, match=r"^mine\.json: items\[3\]\.reverse must be true or false$"):
        load_instruments([tmp_path])


def test_unknown_instrument_by_name_is_a_scoring_error() -> None:
    with pytest.raises(ScoringError, match="^Unknown instrument 'XYZ'.$"):
        score("XYZ", [0])
