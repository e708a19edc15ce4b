"""CIEDE2000 against its published test data, and the names given to the colours of markers and crayons."""

from __future__ import annotations

import numpy as np
import pytest

from artchart.imaging.colour import NAMED_COLOURS, colour_name, delta_e_2000, lab_from_srgb8
from artchart.imaging.tests.photosim import CRAYONS

# Sharma, Wu & Dalal (2005), "The CIEDE2000 color-difference formula: implementation notes,
# supplementary test data, and mathematical observations", Table 1: L*a*b* pairs and ΔE00.
# The pairs probe the hue mean across 0°/360°, zero chroma and the blue-region rotation term.
SHARMA = [
    ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
    ((50.0, 3.1571, -77.2803), (50.0, 0.0, -82.7485), 2.8615),
    ((50.0, 2.8361, -74.0200), (50.0, 0.0, -82.7485), 3.4412),
    ((50.0, -1.3802, -84.2814), (50.0, 0.0, -82.7485), 1.0000),
    ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0009), 7.1792),
    ((50.0, 2.4900, -0.0010), (50.0, -2.4900, 0.0011), 7.2195),
    ((50.0, -0.0010, 2.4900), (50.0, 0.0009, -2.4900), 4.8045),
    ((50.0, -0.0010, 2.4900), (50.0, 0.0011, -2.4900), 4.7461),
    ((50.0, 2.5, 0.0), (50.0, 0.0, -2.5), 4.3065),
    ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
    ((50.0, 2.5, 0.0), (61.0, -5.0, 29.0), 22.8977),
    ((50.0, 2.5, 0.0), (56.0, -27.0, -3.0), 31.9030),
    ((50.0, 2.5, 0.0), (58.0, 24.0, 15.0), 19.4535),
    ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((63.0109, -31.0961, -5.8663), (62.8187, -29.7946, -4.0864), 1.2630),
    ((61.2901, 3.7196, -5.3901), (61.4292, 2.2480, -4.9620), 1.8731),
    ((35.0831, -44.1164, 3.7933), (35.0232, -40.0716, 1.5901), 1.8645),
    ((22.7233, 20.0904, -46.6940), (23.0331, 14.9730, -42.5619), 2.0373),
    ((36.4612, 47.8580, 18.3852), (36.2715, 50.5065, 21.2231), 1.4146),
    ((90.8027, -2.0831, 1.4410), (91.1528, -1.6435, 0.0447), 1.4441),
    ((90.9257, -0.5406, -0.9208), (88.6381, -0.8985, -0.7239), 1.5381),
    ((6.7747, -0.2908, -2.4247), (5.8714, -0.0985, -2.2286), 0.6377),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def test_ciede2000_matches_the_published_test_pairs_in_either_order() -> None:
    first = np.array([pair[0] for pair in SHARMA])
    second = np.array([pair[1] for pair in SHARMA])
    expected = np.array([pair[2] for pair in SHARMA])
    assert np.round(delta_e_2000(first, second), 4) == pytest.approx(expected, abs=1e-4)
    assert np.round(delta_e_2000(second, first), 4) == pytest.approx(expected, abs=1e-4)


def test_ciede2000_broadcasts_one_colour_against_many() -> None:
    first = np.array([pair[0] for pair in SHARMA])
    one = delta_e_2000(first, np.array(SHARMA[0][1]))
    assert one.shape == (len(SHARMA),) and one[0] == pytest.approx(2.0425, abs=1e-4)
    assert delta_e_2000(first, first) == pytest.approx(np.zeros(len(SHARMA)), abs=1e-9)


# The simulator's crayons (the same set as its markers) and what a person calls them.
CRAYON_NAMES = ["red", "orange", "yellow", "green", "blue", "purple", "brown", "black", "pink", "light blue"]


def test_each_crayon_gets_the_name_a_person_gives_it() -> None:
    labs = lab_from_srgb8(np.array(CRAYONS, dtype=np.uint8))
    assert [colour_name(lab) for lab in labs] == CRAYON_NAMES


@pytest.mark.parametrize(
    ("rgb", "name"),
    [
        ((180, 25, 30), "red"),  # a heavy crayon red, darker than the marker: red, not dark red or brown
        ((215, 60, 70), "red"),  # a lighter crayon red with paper showing through: red, not pink
        ((60, 60, 60), "black"),  # a black crayon or marker line, paper blended in at the working size
        ((85, 85, 85), "grey"),  # a soft pencil
        ((130, 130, 130), "grey"),  # a hard pencil
        ((25, 35, 100), "blue"),  # navy
        ((180, 130, 220), "purple"),  # violet
        ((150, 200, 70), "light green"),
    ],
)
def test_shades_of_one_colour_share_its_everyday_name(rgb: tuple[int, int, int], name: str) -> None:
    assert colour_name(lab_from_srgb8(np.array(rgb, dtype=np.uint8))) == name


def test_every_name_has_reference_colours() -> None:
    assert all(len(references) >= 1 for references in NAMED_COLOURS.values())
    assert {"red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "grey", "white"} <= set(
        NAMED_COLOURS
    )
