"""``artchart score``: scores answers as the web does, says what is wrong with bad ones, stores nothing."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from artchart.measures.management.commands.score import parse_answers


def _score(*args) -> str:
    call_command("score", *args)


def test_it_prints_total_band_flags_and_the_answers(capsys):
    _score("phq9", "--answers", "1,0,2,1,1,0,0,1,0")
    out = capsys.readouterr().out
    assert "PHQ-9 — Patient Health Questionnaire-9" in out
    assert "Total:     6 (range 0–27)" in out and "Band:      mild" in out
    assert "Flags:     none" in out and "Risk:      no" in out and "Answers:   1 0 2 1 1 0 0 1 0" in out


def test_item_9_above_0_prints_the_risk(capsys):
    _score("PHQ-9", "--answers", "0,0,0,0,0,0,0,0,2")
    out = capsys.readouterr().out
    assert "item 9" in out and "Risk:      YES" in out and "stores nothing" in out


def test_json_is_one_object(capsys):
    _score("gad7", "--answers", "3, 3, 2, 2, 1, 1, 3", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["instrument"] == "gad7" and result["total"] == 15 and result["band"] == "severe"
    assert result["flags"] == [] and result["risk"] is False and result["answers"] == [3, 3, 2, 2, 1, 1, 3]


def test_reverse_keyed_items_show_the_answers_given_and_as_keyed(capsys):
    _score("rses", "--answers", "3,3,0,3,0,3,3,0,0,3", "--json")
    result = json.loads(capsys.readouterr().out)
    assert result["answers"] == [3, 3, 0, 3, 0, 3, 3, 0, 0, 3]
    assert result["keyed"] == [3, 0, 0, 3, 3, 0, 3, 3, 3, 3] and result["total"] == 21
    _score("rses", "--answers", "3,3,0,3,0,3,3,0,0,3")
    assert "reverse-keyed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("phq9", "--answers", "1,0,2"), "PHQ-9 has 9 items; 3 answers were given."),
        (("phq9", "--answers", "1,0,2,1,1,0,0,1,4"), "Answer 4 to item 9 is outside 0–3."),
        (("gad7", "--answers", "1,0,2,1,x,0,0"), "Answer 'x' to item 5 is not a number."),
        (("gad7", "--answers", "1,0,2,1,1.5,0,0"), "not a whole number"),
        (("phq9", "--answers", "1,0,2,1,,0,0,1,0"), "cannot be scored with 1 of its 9 items unanswered"),
        (("phq9", "--answers", "1,0,2,1,0,0,0,1,"), "cannot be scored with 1 of its 9 items unanswered"),
        (
            ("xyz", "--answers", "1"),
            "Unknown instrument 'xyz'. Choose one of: C-SSRS screen, CSDD, GAD-7, GDS-15, PHQ-9, PHQ-A,",
        ),
        (("phq9",), "Give the answers in item order"),
        ((), "Name an instrument"),
        (("phq9", "--list"), "--list takes no instrument"),
    ],
)
def test_bad_input_names_the_problem_and_exits_2(args, message, capsys):
    with pytest.raises(CommandError) as error:
        _score(*args)
    assert message in str(error.value) and error.value.returncode == 2
    assert capsys.readouterr().out == ""


def test_a_refused_form_with_a_risk_answer_warns_and_exits_3(capsys):
    with pytest.raises(CommandError) as error:
        _score("phq9", "--answers", "1,1,1,,1,1,1,1,2")
    assert error.value.returncode == 3
    assert "cannot be scored" in str(error.value) and "Risk: YES" in str(error.value) and "item 9" in str(error.value)


def test_a_refused_form_with_a_risk_answer_in_json_says_so(capsys):
    with pytest.raises(CommandError) as error:
        _score("phq9", "--answers", ",,,,,,,,1", "--json")
    result = json.loads(capsys.readouterr().out)
    assert error.value.returncode == 3 and result["risk"] is True and result["complete"] is False


def test_list_names_each_instrument_with_its_items_range_and_licence(capsys):
    _score("--list")
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].split() == ["id", "short", "name", "name", "items", "range", "licence"]
    phq9 = next(line for line in lines if line.startswith("phq9"))
    assert "PHQ-9" in phq9 and " 9 " in phq9 and "0–27" in phq9 and "item text ships" in phq9
    assert "No permission required" in out and "Public domain" in out


def test_list_marks_score_only_instruments(capsys, settings, tmp_path):
    from artchart.outcomes import SHIPPED_DIR

    source = json.loads((SHIPPED_DIR / "gad7.json").read_text())
    source.update(id="restricted7", short_name="R-7", name="A restricted scale")
    source["licence"] = {"text": "Licensed copy held by the practice.", "item_text_may_ship": False}
    for question in source["items"] + source.get("unscored_questions", []):
        question["text"] = None
    (tmp_path / "restricted7.json").write_text(json.dumps(source))
    settings.MEASURES_INSTRUMENT_DIRS = [str(tmp_path)]
    _score("--list", "--json")
    listed = {i["id"]: i for i in json.loads(capsys.readouterr().out)}
    assert listed["restricted7"]["score_only"] and not listed["phq9"]["score_only"]
    _score("--list")
    assert "score-only" in next(line for line in capsys.readouterr().out.splitlines() if line.startswith("restricted7"))
    _score("R-7", "--answers", "1,1,1,1,1,1,1")
    assert "Total:     7" in capsys.readouterr().out


def test_answers_are_parsed_with_empty_items_unanswered():
    assert parse_answers("1, 0,,-,2,na,x,1.0") == [1, 0, None, None, 2, None, "x", 1.0]


def test_the_cli_exits_2_with_the_message_on_stderr():
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "artchart.cli", "score", "phq9", "--answers", "1,2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "PHQ-9 has 9 items; 2 answers were given." in done.stderr
    assert done.stdout == ""
