"""The service-code rules, table by table, at every boundary minute (no database)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from artchart.therapy.billing_rules import (
    PLACES_OF_SERVICE,
    Line,
    SessionFacts,
    crisis_units_allowed,
    parse_modifiers,
    problems,
    timed_code,
)


def individual(minutes: int = 50, **extra) -> SessionFacts:
    return SessionFacts(kind="individual", minutes=minutes, telehealth=False, **extra)


def codes(*names: str) -> list[Line]:
    return [Line(name) for name in names]


# --- psychotherapy by face-to-face minutes -------------------------------------------------------------

TIME_TABLE = [
    # (code, minutes, accepted)
    ("90832", 15, False),
    ("90832", 16, True),
    ("90832", 37, True),
    ("90832", 38, False),
    ("90834", 37, False),
    ("90834", 38, True),
    ("90834", 52, True),
    ("90834", 53, False),
    ("90837", 52, False),
    ("90837", 53, True),
    ("90837", 600, True),
]


@pytest.mark.parametrize(("code", "minutes", "accepted"), TIME_TABLE)
def test_psychotherapy_codes_follow_the_cpt_time_rules(code, minutes, accepted):
    assert (problems(individual(minutes), codes(code)) == []) is accepted


@pytest.mark.parametrize(
    ("minutes", "code"), [(15, ""), (16, "90832"), (37, "90832"), (38, "90834"), (52, "90834"), (53, "90837")]
)
def test_the_minutes_name_their_code(minutes, code):
    assert timed_code(minutes) == code


def test_a_refusal_names_the_rule_and_the_minutes():
    assert problems(individual(30), codes("90837")) == [
        "90837 needs 53 or more face-to-face minutes; this session has 30."
    ]
    assert problems(individual(60), codes("90834")) == [
        "90834 covers 38 to 52 face-to-face minutes; this session has 60, which is 90837."
    ]


# --- crisis ------------------------------------------------------------------------------------------

CRISIS_TABLE = [
    # (minutes, lines, accepted)
    (29, [Line("90839")], False),
    (30, [Line("90839")], True),
    (74, [Line("90839")], True),
    (74, [Line("90839"), Line("90840")], False),
    (75, [Line("90839"), Line("90840")], True),
    (104, [Line("90839"), Line("90840")], True),
    (104, [Line("90839"), Line("90840", units=2)], False),
    (105, [Line("90839"), Line("90840", units=2)], True),
    (134, [Line("90839"), Line("90840", units=2)], True),
    (134, [Line("90839"), Line("90840", units=3)], False),
    (135, [Line("90839"), Line("90840", units=3)], True),
    (90, [Line("90840")], False),  # the add-on alone
    (60, [Line("90839"), Line("90834")], False),  # crisis with routine psychotherapy
    (60, [Line("90839", units=2)], False),  # 90839 is once per session
]


@pytest.mark.parametrize(("minutes", "lines", "accepted"), CRISIS_TABLE)
def test_crisis_codes_count_the_first_74_minutes_then_each_30(minutes, lines, accepted):
    assert (problems(individual(minutes), lines) == []) is accepted


@pytest.mark.parametrize(("minutes", "units"), [(74, 0), (75, 1), (104, 1), (105, 2), (134, 2), (135, 3)])
def test_crisis_add_on_units(minutes, units):
    assert crisis_units_allowed(minutes) == units


def test_crisis_refusals_say_why():
    assert problems(individual(90), codes("90840")) == [
        "90840 is an add-on: it needs 90839 (the first 30-74 minutes of crisis) on the same session."
    ]
    assert problems(individual(104), [Line("90839"), Line("90840", units=2)]) == [
        "104 face-to-face minutes support 1 unit of 90840 (one per 30 minutes past the first 74), not 2."
    ]


# --- add-on, group, family, intake ------------------------------------------------------------------

GROUP = SessionFacts(kind="group", minutes=60, telehealth=False)
FAMILY = SessionFacts(kind="family", minutes=50, telehealth=False)
INTAKE = individual(60, is_intake=True)

KIND_TABLE = [
    # (facts, codes, accepted)
    (individual(45), ("90834", "90785"), True),
    (individual(45), ("90785",), False),
    (individual(60), ("90839", "90785"), False),
    (INTAKE, ("90791", "90785"), True),
    (GROUP, ("90853", "90785"), True),
    (GROUP, ("90853",), True),
    (individual(60), ("90853",), False),
    (FAMILY, ("90853",), False),
    (GROUP, ("90834",), False),
    (FAMILY, ("90846",), True),
    (FAMILY, ("90847",), True),
    (individual(50), ("90847",), False),
    (GROUP, ("90846",), False),
    (SessionFacts(kind="family", minutes=25, telehealth=False), ("90847",), False),
    (SessionFacts(kind="family", minutes=26, telehealth=False), ("90847",), True),
    (FAMILY, ("90834",), True),
    (INTAKE, ("90791",), True),
    (individual(60), ("90791",), False),
    (GROUP, ("90791",), False),
    (INTAKE, ("90791", "90837"), False),
    (individual(45), ("90834", "90834"), False),
    (individual(60), ("90834", "90837"), False),
]


@pytest.mark.parametrize(("facts", "names", "accepted"), KIND_TABLE)
def test_codes_fit_the_kind_of_session(facts, names, accepted):
    assert (problems(facts, codes(*names)) == []) is accepted


def test_kind_refusals_name_the_session():
    assert problems(individual(60), codes("90853")) == ["90853 is group psychotherapy; this is an individual session."]
    assert problems(individual(45), codes("90785")) == [
        "90785 (interactive complexity) is an add-on: it needs a psychotherapy code "
        "(90832, 90834, 90837 or 90853) or 90791 on the same session."
    ]
    assert problems(individual(60), [Line("90839"), Line("90785")]) == [
        "90785 (interactive complexity) is not reported with crisis psychotherapy (90839)."
    ]


# --- place of service and modifiers -------------------------------------------------------------------

TELEHEALTH = SessionFacts(kind="individual", minutes=45, telehealth=True, place_of_service="10")


@pytest.mark.parametrize("pos", ["03", "04", "13", "31", "32", "33", "51", "52", "53", "09", "02", "10", "11"])
def test_the_products_settings_are_places_of_service(pos):
    assert pos in PLACES_OF_SERVICE


MODIFIER_TABLE = [
    # (facts, modifiers, accepted)
    (TELEHEALTH, ("95",), True),
    (TELEHEALTH, ("GT",), True),
    (TELEHEALTH, ("93",), True),
    (TELEHEALTH, (), False),  # a telehealth place of service needs a telehealth modifier
    (SessionFacts(kind="individual", minutes=45, telehealth=True, place_of_service="11"), ("95",), True),
    (individual(45, place_of_service="11"), ("95",), False),  # in person
    (TELEHEALTH, ("95", "GT"), False),
    (TELEHEALTH, ("95", "95"), False),
    (TELEHEALTH, ("95", "XX"), False),
    (individual(45, place_of_service="03"), (), True),
    (individual(45, place_of_service="45"), (), False),
]


@pytest.mark.parametrize(("facts", "modifiers", "accepted"), MODIFIER_TABLE)
def test_places_of_service_and_telehealth_modifiers(facts, modifiers, accepted):
    assert (problems(facts, [Line("90834", 1, modifiers)]) == []) is accepted


def test_a_telehealth_place_without_a_modifier_says_what_to_add():
    assert problems(TELEHEALTH, codes("90834")) == [
        "Place of service 10 is telehealth, so 90834 needs a telehealth modifier (95, GT, or 93 for audio only)."
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (Line("9083"), "A service code is five digits, such as 90834; “9083” is not."),
        (Line("99213"), "ArtChart does not know the code 99213; it records"),
        (Line("90834", units=2), "90834 is reported once per session (1 unit), not 2."),
        (Line("90840", units=17), "Units are between 1 and 16; 90840 has 17."),
        (Line("", modifiers=("95",)), "Choose a service code for the modifier 95."),
    ],
)
def test_a_line_on_its_own(line, message):
    assert problems(individual(45), [line])[0].startswith(message)


def test_modifiers_are_read_as_written():
    assert parse_modifiers(" 95, gt ") == ("95", "GT")
    assert parse_modifiers("") == ()


def test_the_rules_import_no_django():
    code = "import sys, artchart.therapy.billing_rules; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
