"""The board's requirements as data and progress toward them: pure, table-driven."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D

import pytest

from artchart.supervision import rules
from artchart.supervision.rules import Credential, Degree, Hours, Standards

ATR_BC, ATR, LICENSED = "ATR-BC", "ATR", "licensed"


def h(day: str, direct=0, individual=0, group=0, credential=ATR_BC) -> Hours:
    return Hours(dt.date.fromisoformat(day), D(direct), D(individual), D(group), credential)


# A 2026 version whose figures differ, to tell which version counted an entry.
_OLD = rules.STANDARDS[0]
_NEW_RULES = {
    credential: dataclasses.replace(
        rule_set,
        supervision_hours=D(120),
        board_certified=frozenset({rules.SupervisorCredential.ATR_BC}),
        individual_supervision_min=D(60),
        group_supervision_max=D(40),
    )
    for credential, rule_set in _OLD.rule_sets.items()
}
TWO_VERSIONS = (_OLD, Standards("test-2026", "Test 2026", rules.STANDARDS_2026_FROM, _NEW_RULES))


@pytest.mark.parametrize(
    ("day", "code"),
    [
        ("2025-12-31", "before-2026"),
        ("2026-01-01", "2026"),
        ("2026-07-15", "2026"),
        ("1990-05-01", "before-2026"),
    ],
)
def test_each_day_falls_under_the_standards_in_force_on_it(day, code):
    assert rules.standards_on(dt.date.fromisoformat(day)).code == code


def test_the_figures_are_the_domain_notes_and_the_silent_limits_are_off():
    for standards in rules.STANDARDS:
        for rule_set in standards.rule_sets.values():
            assert rule_set.direct_hours == {Degree.ART_THERAPY: D(1000), Degree.RELATED: D(1500)}
            assert (rule_set.supervision_hours, rule_set.board_certified_hours) == (D(100), D(50))
            assert rule_set.board_certified == {rules.SupervisorCredential.ATR_BC, rules.SupervisorCredential.ATCS}
            assert rule_set.individual_supervision_min is None
            assert rule_set.group_supervision_max is None
            assert rule_set.window_years is None
            assert any("no minimum of individual supervision" in note for note in rule_set.notes)


@pytest.mark.parametrize(
    ("entries", "degree", "expected"),
    [
        # (direct, supervision, board-certified, direct remaining, all met)
        ([], Degree.ART_THERAPY, (0, 0, 0, 1000, False)),
        ([h("2025-03-03", 8, 1, 2)], Degree.ART_THERAPY, (8, 3, 3, 992, False)),
        ([h("2025-03-03", 8, 1, 0, credential=ATR)], Degree.ART_THERAPY, (8, 1, 0, 992, False)),
        ([h("2025-03-03", 8, 0, 2, credential="ATCS")], Degree.RELATED, (8, 2, 2, 1492, False)),
        (
            [h("2024-01-01", 1000, 50, 0), h("2024-06-01", 0, 50, 0, credential=LICENSED)],
            Degree.ART_THERAPY,
            (1000, 100, 50, 0, True),
        ),
        (
            [h("2024-01-01", 1000, 49, 0), h("2024-06-01", 0, 51, 0, credential=LICENSED)],
            Degree.ART_THERAPY,
            (1000, 100, 49, 0, False),
        ),
        ([h("2024-01-01", 1000, 100, 0)], Degree.RELATED, (1000, 100, 100, 500, False)),
    ],
)
def test_progress_per_requirement(entries, degree, expected):
    progress = rules.progress(entries, credential=Credential.ATR_P, degree=degree, as_of=dt.date(2025, 12, 1))
    direct, supervision, board, remaining, met = expected
    assert (progress.direct, progress.supervision, progress.board_certified) == (D(direct), D(supervision), D(board))
    assert progress.requirements[0].remaining == D(remaining)
    assert progress.met is met
    assert [r.key for r in progress.requirements] == ["direct", "supervision", "board_certified"]


def test_board_certified_share():
    progress = rules.progress(
        [h("2025-01-06", 0, 3, 0), h("2025-01-07", 0, 1, 0, credential=LICENSED)],
        credential=Credential.ATR,
        as_of=dt.date(2025, 2, 1),
    )
    assert progress.board_certified_share == D("0.750")


@pytest.mark.parametrize(
    ("day", "board_certified", "version"),
    [
        # An ATCS supervisor counts as board-certified under the earlier version, not under the test 2026 one.
        ("2025-12-31", D(2), "before-2026"),
        ("2026-01-01", D(0), "test-2026"),
    ],
)
def test_an_entry_counts_under_the_version_in_force_on_its_own_date(day, board_certified, version):
    progress = rules.progress(
        [h(day, 1, 2, 0, credential="ATCS")],
        credential=Credential.ATR_P,
        as_of=dt.date(2026, 6, 1),
        standards=TWO_VERSIONS,
    )
    assert progress.board_certified == board_certified
    assert progress.by_version == {version: D(3)}
    # The requirements shown are those in force on the as-of day, with the limits it sets.
    assert progress.standards.code == "test-2026"
    assert {r.key: r.required for r in progress.requirements} == {
        "direct": D(1000),
        "supervision": D(120),
        "board_certified": D(50),
        "individual": D(60),
        "group": D(40),
    }


def test_a_cap_is_met_while_within_it_and_the_window_leaves_old_hours_out():
    windowed = tuple(
        dataclasses.replace(s, rule_sets={c: dataclasses.replace(r, window_years=2) for c, r in s.rule_sets.items()})
        for s in TWO_VERSIONS
    )
    entries = [h("2023-01-10", 5, 0, 30), h("2026-02-02", 5, 0, 20)]
    progress = rules.progress(entries, credential=Credential.ATR, as_of=dt.date(2026, 6, 1), standards=windowed)
    group = next(r for r in progress.requirements if r.key == "group")
    assert progress.direct == D(5)  # the 2023 entry is outside the two-year window
    assert group.met and group.done == D(20)
    progress = rules.progress(entries, credential=Credential.ATR, as_of=dt.date(2026, 6, 1), standards=TWO_VERSIONS)
    assert not next(r for r in progress.requirements if r.key == "group").met


def test_entries_after_the_as_of_day_are_not_counted():
    progress = rules.progress([h("2025-05-05", 4)], credential=Credential.ATR, as_of=dt.date(2025, 5, 4))
    assert progress.direct == 0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ATR-BC, ATCS", "ATR-BC"),
        ("ATCS", "ATCS"),
        ("ATR-P", None),
        ("ATR, LCAT", "ATR"),
        ("LCAT 001234 NY", "licensed"),
        ("MA art therapy practicum", None),
        ("", None),
    ],
)
def test_credential_from_free_text(text, expected):
    found = rules.credential_from_text(text)
    assert (found.value if found else None) == expected


def test_no_standards_before_the_first_version():
    with pytest.raises(LookupError):
        rules.standards_on(dt.date(1800, 1, 1))
