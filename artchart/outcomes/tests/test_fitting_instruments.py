"""Instruments that fit the client: age range, respondent, population and terms in every file, and the
scoring of the adolescent, older-adult, child, dementia and suicide-screen instruments from their keys."""

from __future__ import annotations

import pytest

from artchart.outcomes import ADDONS_DIR, ScoringError, alert_severity, load_instruments, score
from artchart.outcomes.instrument_files import LICENCE_TERMS, RESPONDENTS

INSTRUMENTS = load_instruments([ADDONS_DIR])
PHQA, GDS15, CSDD, CSSRS = (INSTRUMENTS[key] for key in ("phqa", "gds15", "csdd", "cssrs_screen"))
SCARED_CHILD, SCARED_PARENT = INSTRUMENTS["scared_child"], INSTRUMENTS["scared_parent"]


@pytest.mark.parametrize("key", sorted(INSTRUMENTS))
def test_every_shipped_file_states_its_terms_respondent_and_population(key: str) -> None:
    instrument = INSTRUMENTS[key]
    assert instrument.licence.terms in LICENCE_TERMS
    assert instrument.respondent in RESPONDENTS
    assert instrument.population
    if instrument.licence.terms == "copyrighted":
        assert instrument.score_only


@pytest.mark.parametrize(
    ("key", "low", "high", "respondent"),
    [
        ("phq9", 18, None, "self"),
        ("gad7", 18, None, "self"),
        ("rses", 12, None, "self"),
        ("phqa", 11, 17, "self"),
        ("gds15", 65, None, "self"),
        ("scared_child", 8, 18, "self"),
        ("scared_parent", 8, 18, "parent_or_carer"),
        ("csdd", None, None, "clinician"),
        ("cssrs_screen", 12, None, "clinician"),
    ],
)
def test_ages_and_respondents(key: str, low: int | None, high: int | None, respondent: str) -> None:
    instrument = INSTRUMENTS[key]
    assert (instrument.age_min, instrument.age_max, instrument.respondent) == (low, high, respondent)


def test_fits_age_is_inclusive_and_an_unknown_age_fits() -> None:
    assert [PHQA.fits_age(years) for years in (10, 11, 17, 18)] == [False, True, True, False]
    assert GDS15.fits_age(65) and not GDS15.fits_age(64) and GDS15.fits_age(None)
    assert CSDD.fits_age(3) and CSDD.fits_age(99)
    assert (PHQA.age_range, GDS15.age_range, CSDD.age_range) == ("11–17", "65 and over", "any age")


def test_wording_ships_only_where_the_terms_allow() -> None:
    shipped = sorted(key for key, instrument in INSTRUMENTS.items() if not instrument.score_only)
    assert shipped == ["core10", "gad7", "gds15", "phq9", "rses"]
    assert all(
        item.text is None
        for key in ("phqa", "scared_child", "scared_parent", "csdd", "cssrs_screen")
        for item in INSTRUMENTS[key].items
    )


# --- PHQ-A: nine items 0-3, the PHQ-9's bands and item 9 risk flag (Johnson et al. 2002) ---------------------


@pytest.mark.parametrize(
    ("answers", "total", "band"),
    [
        ([0] * 9, 0, "minimal"),
        ([1, 1, 1, 1, 0, 0, 0, 0, 0], 4, "minimal"),
        ([1, 1, 1, 1, 1, 0, 0, 0, 0], 5, "mild"),
        ([2, 2, 2, 2, 2, 0, 0, 0, 0], 10, "moderate"),
        ([3, 3, 3, 3, 3, 0, 0, 0, 0], 15, "moderately severe"),
        ([3, 3, 3, 3, 3, 3, 2, 0, 0], 20, "severe"),
        ([3] * 9, 27, "severe"),
    ],
)
def test_phqa_totals_and_bands(answers: list[int], total: int, band: str) -> None:
    result = score(PHQA, answers)
    assert (result.total, result.band) == (total, band)


def test_phqa_item_9_raises_the_risk_flag() -> None:
    result = score(PHQA, [0, 0, 0, 0, 0, 0, 0, 0, 1])
    assert result.risk and result.flags == ["Thoughts of being better off dead or of self-harm (item 9)"]
    assert not score(PHQA, [3] * 8 + [0]).risk


# --- GDS-15: "no" scores on items 1, 5, 7, 11, 13, "yes" on the rest (Sheikh & Yesavage 1986) ---------------

YES, NO = 1, 0
NOT_DEPRESSED = [YES if n in (1, 5, 7, 11, 13) else NO for n in range(1, 16)]


def test_gds15_scoring_key() -> None:
    assert [item.number for item in GDS15.items if item.reverse] == [1, 5, 7, 11, 13]
    assert score(GDS15, NOT_DEPRESSED).total == 0
    assert score(GDS15, [1 - answer for answer in NOT_DEPRESSED]).total == 15
    # Item 1 "no" (not satisfied) and item 2 "yes" (dropped activities) each score 1.
    assert score(GDS15, [NO, YES] + NOT_DEPRESSED[2:]).items[:2] == (1, 1)


@pytest.mark.parametrize(
    ("depressive", "band"),
    [
        (0, "normal"),
        (4, "normal"),
        (5, "mild"),
        (8, "mild"),
        (9, "moderate"),
        (11, "moderate"),
        (12, "severe"),
        (15, "severe"),
    ],
)
def test_gds15_bands(depressive: int, band: str) -> None:
    answers = [1 - answer if index < depressive else answer for index, answer in enumerate(NOT_DEPRESSED)]
    result = score(GDS15, answers)
    assert (result.total, result.band) == (depressive, band)


def test_gds15_wording_is_the_public_domain_short_form() -> None:
    assert GDS15.item(1).text == "Are you basically satisfied with your life?"
    assert GDS15.item(15).text == "Do you think that most people are better off than you are?"
    assert [option.label for option in GDS15.items[0].options] == ["Yes", "No"]


# --- SCARED: 41 items 0-2, total 25 or more, five subscales (Birmaher et al. 1999) -------------------------


@pytest.mark.parametrize("instrument", [SCARED_CHILD, SCARED_PARENT], ids=["child", "parent"])
def test_scared_cut_off_and_subscales(instrument) -> None:
    assert len(instrument.items) == 41 and (instrument.score_min, instrument.score_max) == (0, 82)
    items = sorted(number for subscale in instrument.subscales for number in subscale.items)
    assert items == list(range(1, 42))  # every item in exactly one subscale
    assert score(instrument, [1] * 24 + [0] * 17).band == "below the cut-off"
    assert score(instrument, [1] * 25 + [0] * 16).band == "may indicate an anxiety disorder"
    school = [2 if n in (2, 11, 17, 36) else 0 for n in range(1, 42)]
    result = score(instrument, school)
    assert result.total == 8 and result.subscales["school_avoidance"] == 8 and result.subscales["social"] == 0


# --- Cornell Scale: 19 items 0-2; above 10 probable, above 18 definite major depression ---------------------


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "below the cut-off"),
        (10, "below the cut-off"),
        (11, "probable major depression"),
        (18, "probable major depression"),
        (19, "definite major depression"),
        (38, "definite major depression"),
    ],
)
def test_csdd_bands(total: int, band: str) -> None:
    answers = [min(2, max(0, total - 2 * index)) for index in range(19)]
    result = score(CSDD, answers)
    assert (result.total, result.band) == (total, band)
    assert len(result.subscales) == 5


def test_csdd_suicide_item_raises_a_high_alert() -> None:
    answers = [0] * 19
    answers[15] = 1
    result = score(CSDD, answers)
    assert result.risk and alert_severity(CSDD, result.flags) == "high"


# --- C-SSRS screen: each positive answer flags; intent, plan and recent behaviour are high ------------------


@pytest.mark.parametrize(
    ("answers", "severity"),
    [
        ([1, 0, 0, 0, 0, 0], "moderate"),  # wish to be dead
        ([1, 1, 1, 0, 0, 0], "moderate"),  # ideation with a method, no intent
        ([1, 1, 1, 1, 0, 0], "high"),  # intent
        ([1, 1, 1, 1, 1, 0], "high"),  # intent with a plan
        ([0, 0, 0, 0, 0, 1], "moderate"),  # behaviour more than 3 months ago
        ([0, 0, 0, 0, 0, 2], "high"),  # behaviour in the past 3 months
    ],
)
def test_cssrs_alert_severity(answers: list[int], severity: str) -> None:
    result = score(CSSRS, answers)
    assert result.risk
    assert alert_severity(CSSRS, result.flags) == severity


def test_cssrs_all_no_raises_nothing_and_skipped_questions_are_recorded_as_no() -> None:
    result = score(CSSRS, [0] * 6)
    assert not result.risk and result.flags == [] and alert_severity(CSSRS, result.flags) is None
    with pytest.raises(ScoringError, match="recorded as No"):
        score(CSSRS, [1, 0, None, None, None, 0])


def test_existing_risk_flags_stay_high() -> None:
    phq9 = INSTRUMENTS["phq9"]
    assert alert_severity(phq9, score(phq9, [0] * 8 + [1]).flags) == "high"
