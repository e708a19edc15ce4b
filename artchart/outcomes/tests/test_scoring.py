"""Scoring answers: totals, bands, keying, flags, missing items and bad answers."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from artchart.outcomes import (
    ADDONS_DIR,
    SHIPPED_DIR,
    Instrument,
    ScoringError,
    find_instrument,
    load_instruments,
    parse_instrument,
    score,
)

INSTRUMENTS = load_instruments([ADDONS_DIR])
PHQ9, GAD7, RSES, CORE10 = (INSTRUMENTS[key] for key in ("phq9", "gad7", "rses", "core10"))


def answers_totalling(total: int, count: int, top: int = 3) -> list[int]:
    answers = []
    for _ in range(count):
        answers.append(min(top, total))
        total -= answers[-1]
    assert total == 0
    return answers


PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately severe"),
    (19, "moderately severe"),
    (20, "severe"),
    (27, "severe"),
]
GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_band_boundaries(total: int, band: str) -> None:
    # Item 9 stays 0 so the boundary test is about the total alone.
    answers = answers_totalling(total, 8) + [0] if total <= 24 else answers_totalling(total, 9)
    result = score(PHQ9, answers)
    assert (result.total, result.band) == (total, band)


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_band_boundaries(total: int, band: str) -> None:
    result = score(GAD7, answers_totalling(total, 7))
    assert (result.total, result.band) == (total, band)


def test_phq9_item_9_above_0_raises_a_risk_flag() -> None:
    result = score(PHQ9, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.risk
    assert result.flags == ["Thoughts of being better off dead or of self-harm (item 9)"]


def test_phq9_without_item_9_raises_no_flag() -> None:
    result = score(PHQ9, [3, 3, 3, 3, 3, 3, 3, 3, 0])
    assert (result.total, result.band, result.risk, result.flags) == (24, "severe", False, [])


def test_rosenberg_reverse_keying() -> None:
    # Strongly agree (3) to every item: positive items score 3, items 2, 5, 6, 8, 9 score 0.
    result = score(RSES, [3] * 10)
    assert result.items == (3, 0, 3, 3, 0, 0, 3, 0, 0, 3)
    assert result.total == 15


def test_rosenberg_high_self_esteem_pattern_scores_the_maximum() -> None:
    # Agree strongly with the positive items, disagree strongly with the negative ones.
    answers = [0 if number in (2, 5, 6, 8, 9) else 3 for number in range(1, 11)]
    assert score(RSES, answers).total == 30


def test_rosenberg_under_15_is_low_self_esteem() -> None:
    # "Agree" (2) throughout: 5 positive items × 2 + 5 reversed items × 1 = 15, the lowest normal score.
    at_15 = score(RSES, [2] * 10)
    at_14 = score(RSES, [1] + [2] * 9)
    assert (at_15.total, at_15.band) == (15, "within the normal range")
    assert (at_14.total, at_14.band) == (14, "low self-esteem")


def test_core10_reverse_keys_items_2_and_3_and_flags_item_6() -> None:
    result = score(CORE10, [0, 0, 0, 0, 0, 1, 0, 0, 0, 0])
    assert result.items[1:3] == (4, 4)
    assert result.total == 9
    assert result.risk


def test_phq9_refuses_to_score_with_an_item_missing() -> None:
    with pytest.raises(ScoringError) as error:
        score(PHQ9, [1, 1, 1, 1, None, 1, 1, 1, 0])
    assert str(error.value) == (
        "PHQ-9 cannot be scored with 1 of its 9 items unanswered. The PHQ-9 is scored "
        "only when all nine items are answered; ArtChart does not prorate it."
    )
    assert not error.value.risk


def test_refused_phq9_still_reports_item_9_risk() -> None:
    with pytest.raises(ScoringError) as error:
        score(PHQ9, [1, None, 1, 1, 1, 1, 1, 1, 2])
    assert error.value.risk
    assert error.value.flags == ["Thoughts of being better off dead or of self-harm (item 9)"]


def test_gad7_and_rosenberg_refuse_missing_items() -> None:
    with pytest.raises(ScoringError, match="GAD-7 cannot be scored"):
        score(GAD7, [None, 1, 1, 1, 1, 1, 1])
    with pytest.raises(ScoringError, match="RSES cannot be scored"):
        score(RSES, [None] + [1] * 9)


def test_core10_prorates_one_missing_item() -> None:
    result = score(CORE10, [2, 2, 2, 2, 2, None, 2, 2, 2, 2])
    assert result.prorated
    assert result.total == pytest.approx(20.0)
    assert result.band == "moderate to severe"


def test_core10_prorated_total_between_integer_bands_stays_in_the_band_reached() -> None:
    # Nine answers summing to 13 (keyed): 13 × 10 / 9 = 14.44, in the mild band 11–14.
    result = score(CORE10, [3, 4, 4, 3, 1, 0, 2, 2, 2, None])
    assert result.total == pytest.approx(130 / 9)
    assert result.band == "mild"


def test_core10_refuses_two_missing_items() -> None:
    with pytest.raises(ScoringError, match="CORE-10 cannot be scored with 2 of its 10 items unanswered"):
        score(CORE10, [None, None, 2, 2, 2, 2, 2, 2, 2, 2])


def test_wrong_number_of_answers_is_named() -> None:
    with pytest.raises(ScoringError, match="^PHQ-9 has 9 items; 8 answers were given.$"):
        score(PHQ9, [0] * 8)


def test_answer_outside_the_options_is_named() -> None:
    with pytest.raises(ScoringError, match="^Answer 4 to item 3 is outside 0–3.$"):
        score(PHQ9, [0, 0, 4, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ScoringError, match="^Answer -1 to item 1 is outside 0–3.$"):
        score(GAD7, [-1, 0, 0, 0, 0, 0, 0])


def test_text_where_a_number_belongs_is_named() -> None:
    # Answers as an import or a careless caller may hand them over, before any checking.
    with_text: list[Any] = [0, "two", 0, 0, 0, 0, 0, 0, 0]
    with_fraction: list[Any] = [1.5, 0, 0, 0, 0, 0, 0]
    one_string: Any = "0000000"
    with pytest.raises(ScoringError, match="^Answer 'two' to item 2 is not a number.$"):
        score(PHQ9, with_text)
    with pytest.raises(ScoringError, match="^Answer True to item 1 is not a number.$"):
        score(GAD7, [True, 0, 0, 0, 0, 0, 0])
    with pytest.raises(ScoringError, match="^Answer 1.5 to item 1 is not a whole number.$"):
        score(GAD7, with_fraction)
    with pytest.raises(ScoringError, match="must be a list of numbers"):
        score(GAD7, one_string)


def test_instrument_found_by_short_name_or_id() -> None:
    assert find_instrument("PHQ-9").id == "phq9"
    assert find_instrument("gad7").short_name == "GAD-7"
    assert score("phq9", [1] * 9).total == 9


def test_answer_between_options_of_a_gappy_scale_lists_the_options() -> None:
    data = json.loads((SHIPPED_DIR / "gad7.json").read_text(encoding="utf-8"))
    data = copy.deepcopy(data)
    data["options"] = [{"value": 0, "label": "No"}, {"value": 3, "label": "Yes"}]
    data["bands"] = []
    instrument = parse_instrument(data, "gappy.json")
    with pytest.raises(ScoringError, match="^Answer 2 to item 1 is not one of 0, 3.$"):
        score(instrument, [2, 0, 0, 0, 0, 0, 0])


def test_subscales_sum_their_items_and_skip_when_one_is_missing() -> None:
    data = json.loads((SHIPPED_DIR / "phq9.json").read_text(encoding="utf-8"))
    data["subscales"] = [
        {"id": "core", "name": "PHQ-2", "items": [1, 2]},
        {"id": "rest", "name": "Rest", "items": [3, 4]},
    ]
    data["scoring"]["missing"] = {"method": "prorate", "max_missing": 1, "rule": "test", "source": "test"}
    instrument = parse_instrument(data, "sub.json")
    assert score(instrument, [2, 3, 1, 0, 0, 0, 0, 0, 0]).subscales == {"core": 5, "rest": 1}
    assert score(instrument, [2, 3, None, 0, 0, 0, 0, 0, 0]).subscales == {"core": 5, "rest": None}


@st.composite
def valid_answers(draw: st.DrawFn, instrument: Instrument) -> list[int]:
    return [draw(st.sampled_from(item.values)) for item in instrument.items]


@pytest.mark.parametrize("key", sorted(INSTRUMENTS))
def test_totals_stay_in_range_for_any_valid_answers(key: str) -> None:
    instrument = INSTRUMENTS[key]

    @given(valid_answers(instrument))
    def check(answers: list[int]) -> None:
        result = score(instrument, answers)
        assert instrument.score_min <= result.total <= instrument.score_max
        assert result.band is not None or not instrument.bands
        assert all(
            value is not None and item.lowest <= value <= item.highest
            for item, value in zip(instrument.items, result.items, strict=True)
        )

    check()


@pytest.mark.parametrize("key", ["core10"])
def test_prorated_totals_stay_in_range(key: str) -> None:
    instrument = INSTRUMENTS[key]

    @given(valid_answers(instrument), st.integers(0, len(instrument.items) - 1))
    def check(answers: list[int], blank: int) -> None:
        with_blank: list[int | None] = list(answers)
        with_blank[blank] = None
        result = score(instrument, with_blank)
        assert result.prorated
        assert instrument.score_min <= result.total <= instrument.score_max

    check()
