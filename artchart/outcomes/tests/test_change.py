"""Reliable and clinically significant change, and the course classification."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from artchart.outcomes import (
    ADDONS_DIR,
    SHIPPED_DIR,
    ClinicalNormsMissing,
    Course,
    Instrument,
    Insufficient,
    ScoringError,
    classify_course,
    clinical_cutoff,
    cutoff_c,
    difference_se,
    load_instruments,
    parse_instrument,
    reliable_change,
    standard_error,
)
from artchart.outcomes.change import CLASSIFICATIONS, NO_CLINICAL_NORMS

INSTRUMENTS = load_instruments([ADDONS_DIR])
PHQ9, GAD7, RSES, CORE10 = (INSTRUMENTS[key] for key in ("phq9", "gad7", "rses", "core10"))


def with_norms(clinical: dict[str, float] | None, general: dict[str, float] | None) -> Instrument:
    data = json.loads((ADDONS_DIR / "core10.json").read_text(encoding="utf-8"))
    data["norms"] = {"clinical": clinical, "general": general, "source": "test"}
    return parse_instrument(data, "test.json")


# --- a worked example by hand (CORE-10, the figures in docs/outcomes.md) -------------------------------------


def test_core10_worked_example_cutoff_c() -> None:
    norms = CORE10.norms
    assert norms is not None and norms.clinical is not None and norms.general is not None
    assert round(cutoff_c(norms.clinical, norms.general), 2) == 10.46


def test_core10_worked_example_standard_errors() -> None:
    se = standard_error(7.7, 0.90)
    assert round(se, 3) == 2.435
    assert round(difference_se(se), 3) == 3.444


def test_core10_worked_example_20_to_9_is_recovered() -> None:
    result = reliable_change(CORE10, 20, 9)
    assert result.method == "jacobson_truax"
    assert round(result.smallest_reliable_change, 2) == 6.75
    assert result.rc is not None and round(result.rc, 2) == -3.19
    assert result.reliable
    assert result.cutoff is not None and (result.cutoff_kind, round(result.cutoff, 2)) == ("c", 10.46)
    assert result.crossed
    assert result.direction == "improved"
    assert result.classification == "recovered"
    assert "Jacobson & Truax" in result.rule and "6.75" in result.rule and "10.46" in result.rule


# --- classification ----------------------------------------------------------------------------------------


def test_reliable_improvement_that_stays_above_c_is_improved() -> None:
    result = reliable_change(CORE10, 30, 20)
    assert (result.reliable, result.crossed, result.classification) == (True, False, "improved")


def test_small_change_is_unchanged_even_across_the_cutoff() -> None:
    result = reliable_change(CORE10, 12, 9)
    assert (result.reliable, result.crossed, result.direction, result.classification) == (
        False,
        True,
        "improved",
        "unchanged",
    )


def test_reliable_worsening_is_deteriorated() -> None:
    result = reliable_change(CORE10, 8, 20)
    assert (result.reliable, result.direction, result.classification) == (True, "deteriorated", "deteriorated")
    assert not result.crossed


def test_no_change_is_unchanged() -> None:
    result = reliable_change(CORE10, 15, 15)
    assert (result.rc, result.direction, result.classification) == (0, "unchanged", "unchanged")


# --- published thresholds ------------------------------------------------------------------------------------


def test_phq9_uses_its_published_threshold_by_default() -> None:
    result = reliable_change(PHQ9, 16, 10)
    assert result.method == "published"
    assert result.reliable
    assert (result.cutoff, result.cutoff_kind) == (10, "published")
    assert result.smallest_reliable_change == 6
    # 10 is still caseness (score ≥ 10), so the client improved without recovering.
    assert (result.crossed, result.classification) == (False, "improved")
    assert result.rule.startswith("PHQ-9 published threshold: a drop of 6 or more; caseness 10 (")


def test_phq9_drop_of_6_to_below_caseness_is_recovered() -> None:
    assert reliable_change(PHQ9, 15, 9).classification == "recovered"


def test_phq9_drop_of_5_is_not_reliable() -> None:
    result = reliable_change(PHQ9, 15, 10)
    assert (result.reliable, result.classification) == (False, "unchanged")


def test_phq9_rise_of_6_is_deteriorated() -> None:
    assert reliable_change(PHQ9, 4, 10).classification == "deteriorated"


def test_gad7_drop_of_4_from_caseness_8_is_recovered() -> None:
    result = reliable_change(GAD7, 10, 6)
    assert (result.reliable, result.cutoff, result.classification) == (True, 8, "recovered")
    assert reliable_change(GAD7, 11, 7).classification == "recovered"
    assert reliable_change(GAD7, 12, 8).classification == "improved"
    assert reliable_change(GAD7, 10, 7).classification == "unchanged"
    assert reliable_change(GAD7, 10, 7.5).reliable is False


def test_published_method_shows_no_computed_index_without_clinical_norms() -> None:
    # The general-population SD (3.52) would give an index beside the published one; it is not worked out.
    result = reliable_change(PHQ9, 16, 10)
    assert result.rc is None and result.smallest_reliable_change == 6


def test_published_method_shows_the_computed_index_beside_it_where_clinical_norms_exist() -> None:
    data = json.loads((SHIPPED_DIR / "phq9.json").read_text(encoding="utf-8"))
    data["norms"]["clinical"] = {"mean": 17.0, "sd": 5.0}
    result = reliable_change(parse_instrument(data, "phq9.json"), 16, 10)
    assert result.method == "published"
    assert result.rc == pytest.approx((10 - 16) / (math.sqrt(2) * 5.0 * math.sqrt(1 - 0.89)))


# --- the computed method needs clinical norms ------------------------------------------------------------------


def test_phq9_smallest_reliable_change_is_the_published_6_not_a_computed_3() -> None:
    assert PHQ9.norms is not None and PHQ9.norms.clinical is None
    assert reliable_change(PHQ9, 15, 9).smallest_reliable_change == 6
    message = NO_CLINICAL_NORMS.format(name="PHQ-9")
    with pytest.raises(ClinicalNormsMissing) as refused:
        reliable_change(PHQ9, 15, 9, method="jacobson_truax")
    assert str(refused.value) == message
    with pytest.raises(ClinicalNormsMissing):
        reliable_change(PHQ9, 15, 9, method="se")


def test_gad7_from_12_to_8_is_improved_not_recovered() -> None:
    # A drop of 4 is reliable (published), but 8 is still at caseness: not recovered. The computed method, which
    # called it "recovered" against a cut-off from general-population norms, is refused.
    result = reliable_change(GAD7, 12, 8)
    assert (result.method, result.classification, result.cutoff) == ("published", "improved", 8)
    with pytest.raises(ClinicalNormsMissing, match="^GAD-7 has no published clinical norms"):
        reliable_change(GAD7, 12, 8, method="jacobson_truax")


def test_rosenberg_course_is_refused_with_the_reason_and_its_cutoff_is_still_known() -> None:
    course = classify_course(RSES, [9, 14, 20])
    assert isinstance(course, Insufficient) and course.n == 3
    assert course.reason == NO_CLINICAL_NORMS.format(name="RSES")
    value, kind, _ = clinical_cutoff(RSES)
    assert kind == "b" and value == pytest.approx(22.62 - 2 * 5.80)


def test_jacobson_truax_can_be_asked_for_where_a_published_threshold_exists() -> None:
    result = reliable_change(PHQ9, 16, 10, method="jacobson_truax", sd_pre=6.0)
    s_diff = math.sqrt(2) * 6.0 * math.sqrt(1 - 0.89)
    assert result.rc == pytest.approx(-6 / s_diff)
    assert result.smallest_reliable_change == pytest.approx(1.96 * s_diff)
    assert "SD 6 (given)" in result.rule


def test_standard_error_method_has_no_root_two() -> None:
    result = reliable_change(CORE10, 20, 15, method="se")
    assert result.rc == pytest.approx(-5 / (7.7 * math.sqrt(0.1)))
    assert result.reliable  # 5 / 2.435 = 2.05 > 1.96, where the √2 index gives 1.45
    assert not reliable_change(CORE10, 20, 15).reliable
    assert "Jacobson, Follette & Revenstorf 1984" in result.rule


# --- cut-offs a and b, and higher-is-better scales -----------------------------------------------------------


def test_cutoff_a_where_only_clinical_norms_exist() -> None:
    instrument = with_norms({"mean": 20, "sd": 5}, None)
    result = reliable_change(instrument, 25, 9)
    assert (result.cutoff_kind, result.cutoff) == ("a", 10)
    assert result.classification == "recovered"


def test_cutoff_b_where_only_general_norms_exist() -> None:
    instrument = with_norms(None, {"mean": 4, "sd": 3})
    with pytest.raises(ClinicalNormsMissing):
        reliable_change(instrument, 25, 9)
    result = reliable_change(instrument, 25, 9, sd_pre=7.0)
    assert (result.cutoff_kind, result.cutoff) == ("b", 10)
    assert result.classification == "recovered"
    assert "SD 7 (given)" in result.rule and "no clinical norms" in result.rule


def test_rosenberg_improves_upward_with_cutoff_b_below_the_general_mean() -> None:
    result = reliable_change(RSES, 9, 20, sd_pre=5.8)
    assert result.cutoff_kind == "b"
    assert result.cutoff == pytest.approx(22.62 - 2 * 5.80)
    assert (result.direction, result.crossed, result.classification) == ("improved", True, "recovered")
    assert reliable_change(RSES, 25, 12, sd_pre=5.8).classification == "deteriorated"


# --- errors and too little data ------------------------------------------------------------------------------


def test_published_method_without_a_published_threshold_is_refused() -> None:
    with pytest.raises(ScoringError, match="RSES has no published reliable-change threshold"):
        reliable_change(RSES, 10, 20, method="published")


def test_unknown_method_is_refused() -> None:
    with pytest.raises(ScoringError, match="Unknown reliable-change method 'magic'"):
        reliable_change(CORE10, 20, 9, method="magic")


def test_score_outside_the_range_is_refused() -> None:
    with pytest.raises(ScoringError, match="^A PHQ-9 score of 30 is outside 0–27.$"):
        reliable_change(PHQ9, 30, 10)
    in_words: Any = "ten"
    with pytest.raises(ScoringError, match="is not a number"):
        reliable_change(PHQ9, in_words, 10)


def test_no_norms_and_no_sd_is_refused_with_a_reason() -> None:
    data = json.loads((SHIPPED_DIR / "rses.json").read_text(encoding="utf-8"))
    data["norms"] = None
    instrument = parse_instrument(data, "rses.json")
    with pytest.raises(ClinicalNormsMissing, match="^RSES has no published clinical norms in its file"):
        reliable_change(instrument, 10, 20)
    result = reliable_change(instrument, 10, 20, sd_pre=5.0)
    assert result.cutoff is None and result.cutoff_kind is None and not result.crossed
    assert result.classification == "improved"


def test_course_of_one_score_is_insufficient() -> None:
    result = classify_course(PHQ9, [14])
    assert isinstance(result, Insufficient)
    assert result.reason == "needs at least 2 scores"
    assert not result


def test_course_runs_from_first_to_last_score_skipping_blanks() -> None:
    course = classify_course(CORE10, [20, None, 15, 12, 9])
    assert isinstance(course, Course)
    assert (course.first, course.last, course.n) == (20, 9, 4)
    assert course.classification == "recovered"


# Instruments whose files carry what change needs (reliability or a published threshold, and norms);
# the others are refused by name until a practice gives its own pre-treatment SD.
CHANGE_READY = sorted(key for key, instrument in INSTRUMENTS.items() if instrument.norms or instrument.published_change)


@pytest.mark.parametrize("key", CHANGE_READY)
def test_every_pair_of_valid_totals_gets_a_consistent_verdict(key: str) -> None:
    instrument = INSTRUMENTS[key]
    totals = st.integers(int(instrument.score_min), int(instrument.score_max))

    # Without clinical norms or a published threshold the course needs the pre-treatment SD.
    sd_pre = None if instrument.published_change or instrument.norms.clinical else 5.0

    @given(totals, totals)
    def check(pre: int, post: int) -> None:
        result = reliable_change(instrument, pre, post, sd_pre=sd_pre)
        assert result.classification in CLASSIFICATIONS
        assert (result.classification == "recovered") == (
            result.reliable and result.crossed and result.direction == "improved"
        )
        assert result.rule.startswith(instrument.short_name)

    check()
