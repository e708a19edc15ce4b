"""The pure safety check, table-driven: one material, one site's rules, one client, and the
reasons it gives (or none)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from artchart.supplies.safety import (
    CLIENT,
    FORBIDDEN,
    SUPERVISED,
    ClientFacts,
    MaterialFacts,
    SiteRules,
    allergy_named,
    check,
)

KNIFE = MaterialFacts(1, "craft knife", frozenset({"sharp"}), min_age=16)
PASTE = MaterialFacts(2, "papier-mâché paste", frozenset({"allergen"}), allergen="wheat", seal="AP")
CLAY = MaterialFacts(3, "air-dry clay", frozenset({"small_part", "dust"}), seal="AP")
BALLOON = MaterialFacts(4, "latex balloons", frozenset({"latex", "small_part"}))
YARN = MaterialFacts(5, "yarn", frozenset({"ligature"}))
FIXATIVE = MaterialFacts(6, "spray fixative", frozenset({"solvent_fumes"}), seal="CL", min_age=18)
PENCILS = MaterialFacts(7, "coloured pencils", seal="AP")

FORENSIC = SiteRules("Northfield Forensic Unit", frozenset({"sharp", "ligature"}), frozenset({"small_part"}))
MEMORY = SiteRules("Cedar House", frozenset({"sharp"}), frozenset({"small_part", "dust"}), ap_only=True)
STUDIO = SiteRules("Willow Creek Studio")

ADULT = ClientFacts(10, "Ada Adult", age=40)
INGRID = ClientFacts(11, "Ingrid Baptiste", age=34, allergies="Wheat (flour paste)")
RUTH = ClientFacts(12, "Ruth Szabo", age=88, choking_risk=True)
CHILD = ClientFacts(13, "Ben Child", age=8, latex_allergy=True)
LIGATURE_RISK = ClientFacts(14, "Lee Risk", age=30, ligature_risk=True)
SELF_HARM = ClientFacts(15, "Sol Harm", age=30, self_harm_risk=True)


@pytest.mark.parametrize(
    ("material", "rules", "client", "expected"),
    [
        (KNIFE, FORENSIC, ADULT, [(FORBIDDEN, "craft knife — sharps are forbidden at Northfield Forensic Unit")]),
        (PASTE, STUDIO, INGRID, [(CLIENT, "papier-mâché paste — Ingrid Baptiste is allergic to wheat")]),
        (PASTE, STUDIO, ADULT, []),
        (
            CLAY,
            MEMORY,
            RUTH,
            [
                (SUPERVISED, "air-dry clay — dusty media are supervised at Cedar House: work it wet and ventilate"),
                (
                    SUPERVISED,
                    "air-dry clay — small parts are supervised at Cedar House: "
                    "count out and in, and watch for mouthing",
                ),
                (CLIENT, "air-dry clay — a small-part/choking risk for Ruth Szabo"),
            ],
        ),
        (CLAY, STUDIO, ADULT, []),
        (BALLOON, STUDIO, CHILD, [(CLIENT, "latex balloons — Ben Child is allergic to latex")]),
        (YARN, STUDIO, LIGATURE_RISK, [(CLIENT, "yarn — a ligature risk: Lee Risk is at ligature risk")]),
        (YARN, STUDIO, SELF_HARM, [(CLIENT, "yarn — a ligature risk: Sol Harm is at risk of self-harm")]),
        (KNIFE, STUDIO, SELF_HARM, [(CLIENT, "craft knife — Sol Harm is at risk of self-harm")]),
        (KNIFE, STUDIO, CHILD, [(CLIENT, "craft knife — for ages 16 and over; Ben Child is 8")]),
        (
            FIXATIVE,
            STUDIO,
            CHILD,
            [
                (CLIENT, "spray fixative — for ages 18 and over; Ben Child is 8"),
                (CLIENT, "spray fixative — CL-sealed (cautionary label), never for a child of 8 (Ben Child)"),
                (CLIENT, "spray fixative — solvents and fumes are never used with children (Ben Child is 8)"),
            ],
        ),
        (
            FIXATIVE,
            MEMORY,
            ADULT,
            [(FORBIDDEN, "spray fixative — CL-sealed (cautionary label) materials are not used at Cedar House")],
        ),
        (PENCILS, FORENSIC, RUTH, []),
    ],
    ids=lambda value: getattr(value, "name", None) or getattr(value, "site", None) or None,
)
def test_the_check_gives_the_reason_in_plain_words(material, rules, client, expected):
    found = check([material], rules, [client])
    assert [(c.level, c.reason) for c in found] == expected


def test_conflicts_name_their_client_and_have_stable_keys():
    first = check([CLAY, PASTE], MEMORY, [RUTH, INGRID])
    again = check([CLAY, PASTE], MEMORY, [RUTH, INGRID])
    assert [c.key for c in first] == [c.key for c in again]
    assert len({c.key for c in first}) == len(first)
    clay = next(c for c in first if c.level == CLIENT and c.material_id == CLAY.id)
    assert clay.client_id == RUTH.id and clay.is_conflict
    assert not next(c for c in first if c.level == SUPERVISED).is_conflict


@pytest.mark.parametrize(
    ("allergen", "allergies", "named"),
    [
        ("wheat", "Wheat (flour paste)", True),
        ("Wheat", "eggs, WHEAT", True),
        ("wool", "Wool", True),
        ("nut", "Tree nuts (nut oils)", True),
        ("wheat", "buckwheat", False),
        ("wheat", "gluten", False),
        ("", "wheat", False),
        ("wheat", "", False),
    ],
)
def test_allergies_are_matched_by_whole_word_ignoring_case(allergen, allergies, named):
    assert allergy_named(allergen, allergies) is named


def test_the_check_imports_no_django():
    code = "import sys, artchart.supplies.safety, artchart.supplies.catalogue; sys.exit('django' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
