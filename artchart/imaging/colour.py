"""sRGB, linear light and CIELAB in numpy (D65 white), plus the colour-name table.

Formulas: IEC 61966-2-1 (sRGB transfer curve) and CIE 15:2004 (XYZ to L*a*b*).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

# sRGB 8-bit code value -> linear light, as a look-up table (IEC 61966-2-1).
_codes = np.arange(256) / 255.0
SRGB_TO_LINEAR = np.where(_codes <= 0.04045, _codes / 12.92, ((_codes + 0.055) / 1.055) ** 2.4).astype(np.float32)

# Linear sRGB -> XYZ, already divided by the D65 white point so white maps to (1, 1, 1).
_RGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_WHITE = np.array([0.95047, 1.0, 1.08883])
RGB_TO_XYZN = (_RGB_TO_XYZ / _WHITE[:, None]).astype(np.float32)
LUMINANCE = RGB_TO_XYZN[1]


def linear(rgb8: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    return SRGB_TO_LINEAR[rgb8]


def lab_from_linear(lin: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.floating[Any]]:
    """Linear sRGB (..., 3) in 0-1 -> CIELAB (..., 3)."""
    xyz = lin @ RGB_TO_XYZN.T
    delta = 6.0 / 29.0
    f: npt.NDArray[np.floating[Any]] = np.where(xyz > delta**3, np.cbrt(xyz), xyz / (3 * delta**2) + 4.0 / 29.0)
    lab = np.empty_like(f)
    lab[..., 0] = 116.0 * f[..., 1] - 16.0
    lab[..., 1] = 500.0 * (f[..., 0] - f[..., 1])
    lab[..., 2] = 200.0 * (f[..., 1] - f[..., 2])
    return lab


def linear_planes(rgb8: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """(h, w, 3) uint8 -> (3, h, w) linear float32: one contiguous plane per channel, which numpy walks fastest."""
    return SRGB_TO_LINEAR[rgb8.transpose(2, 0, 1)]


def lab_planes(lin: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Linear sRGB planes (3, h, w) -> CIELAB planes (3, h, w)."""
    m = RGB_TO_XYZN
    f = np.empty_like(lin)
    for row in range(3):
        xyz = m[row, 0] * lin[0] + m[row, 1] * lin[1] + m[row, 2] * lin[2]
        f[row] = _lab_f(xyz)
    lab = np.empty_like(lin)
    lab[0] = 116.0 * f[1] - 16.0
    lab[1] = 500.0 * (f[0] - f[1])
    lab[2] = 200.0 * (f[1] - f[2])
    return lab


def _lab_f(t: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    delta = 6.0 / 29.0
    f: npt.NDArray[np.float32] = np.cbrt(t)
    dark = t <= delta**3  # the linear toe: few pixels, so fixed in place rather than computed everywhere
    if dark.any():
        f[dark] = t[dark] * np.float32(1.0 / (3 * delta**2)) + np.float32(4.0 / 29.0)
    return f


def lab_from_srgb8(rgb8: npt.NDArray[np.uint8]) -> npt.NDArray[np.floating[Any]]:
    return lab_from_linear(linear(rgb8))


def srgb8_from_lab(lab: npt.ArrayLike) -> npt.NDArray[np.uint8]:
    """CIELAB (..., 3) -> sRGB 8-bit, clipped into the gamut."""
    lab = np.asarray(lab, dtype=np.float64)
    fy = (lab[..., 0] + 16.0) / 116.0
    f = np.stack([fy + lab[..., 1] / 500.0, fy, fy - lab[..., 2] / 200.0], axis=-1)
    delta = 6.0 / 29.0
    xyz = np.where(f > delta, f**3, 3 * delta**2 * (f - 4.0 / 29.0))
    lin = np.clip(xyz @ np.linalg.inv(RGB_TO_XYZN.astype(np.float64)).T, 0.0, 1.0)
    srgb: npt.NDArray[np.float64] = np.where(lin <= 0.0031308, 12.92 * lin, 1.055 * lin ** (1 / 2.4) - 0.055)
    return np.clip(np.rint(srgb * 255.0), 0, 255).astype(np.uint8)


def hex_from_lab(lab: npt.ArrayLike) -> str:
    r, g, b = srgb8_from_lab(lab)
    return f"#{r:02x}{g:02x}{b:02x}"


def delta_e_2000(lab1: npt.ArrayLike, lab2: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """CIEDE2000 colour difference (CIE 142:2001) between CIELAB arrays (..., 3), broadcast against each other.

    Written after Sharma, Wu & Dalal (2005), whose published test pairs the tests check:
    hue angles in degrees within [0, 360), the mean hue taken the short way round,
    and a hue with zero chroma counted as 0.
    """
    first, second = np.asarray(lab1, dtype=np.float64), np.asarray(lab2, dtype=np.float64)
    l1, a1, b1 = first[..., 0], first[..., 1], first[..., 2]
    l2, a2, b2 = second[..., 0], second[..., 1], second[..., 2]
    c_mean7 = ((np.hypot(a1, b1) + np.hypot(a2, b2)) / 2) ** 7
    g = 0.5 * (1 - np.sqrt(c_mean7 / (c_mean7 + 25.0**7)))
    a1, a2 = a1 * (1 + g), a2 * (1 + g)
    c1, c2 = np.hypot(a1, b1), np.hypot(a2, b2)
    h1 = np.where(c1 == 0, 0.0, np.degrees(np.arctan2(b1, a1)) % 360)
    h2 = np.where(c2 == 0, 0.0, np.degrees(np.arctan2(b2, a2)) % 360)
    both = c1 * c2 != 0
    dh = h2 - h1
    dh = np.where(dh > 180, dh - 360, np.where(dh < -180, dh + 360, dh))
    dh = np.where(both, dh, 0.0)
    d_l, d_c = l2 - l1, c2 - c1
    d_h = 2 * np.sqrt(c1 * c2) * np.sin(np.radians(dh / 2))
    l_mean, c_mean = (l1 + l2) / 2, (c1 + c2) / 2
    h_sum = h1 + h2
    h_mean = np.where(np.abs(h1 - h2) > 180, np.where(h_sum < 360, h_sum + 360, h_sum - 360), h_sum) / 2
    h_mean = np.where(both, h_mean, h_sum)
    t = (
        1
        - 0.17 * np.cos(np.radians(h_mean - 30))
        + 0.24 * np.cos(np.radians(2 * h_mean))
        + 0.32 * np.cos(np.radians(3 * h_mean + 6))
        - 0.20 * np.cos(np.radians(4 * h_mean - 63))
    )
    s_l = 1 + 0.015 * (l_mean - 50) ** 2 / np.sqrt(20 + (l_mean - 50) ** 2)
    s_c = 1 + 0.045 * c_mean
    s_h = 1 + 0.015 * c_mean * t
    c_mean7 = c_mean**7
    r_t = -2 * np.sqrt(c_mean7 / (c_mean7 + 25.0**7)) * np.sin(np.radians(60 * np.exp(-(((h_mean - 275) / 25) ** 2))))
    terms_c, terms_h = d_c / s_c, d_h / s_h
    result: npt.NDArray[np.float64] = np.sqrt((d_l / s_l) ** 2 + terms_c**2 + terms_h**2 + r_t * terms_c * terms_h)
    return result


# The names a client and a therapist use for the colours of a drawing: the eleven basic colour
# terms (Berlin & Kay 1969), and light blue and light green, which English speakers name apart as
# readily as pink from red, and which a box of twelve markers holds beside blue and green. Each
# name has several reference colours (sRGB) across the range people give it, from markers, crayons,
# pastels and paints: a dark crayon red is still "red", a violet "purple", a navy "blue". A colour
# takes the name of its nearest reference by CIEDE2000. Black stops near L* 21 and grey starts near
# L* 37: a black line blended with paper at the working size stays black, a soft pencil is grey.
NAMED_COLOURS: dict[str, tuple[tuple[int, int, int], ...]] = {
    "black": ((20, 20, 20), (40, 40, 48), (50, 50, 52)),
    "grey": ((128, 128, 128), (88, 88, 90), (175, 175, 175)),
    "white": ((248, 248, 248),),
    "red": ((210, 30, 35), (180, 25, 30), (235, 60, 50), (130, 20, 25)),
    "orange": ((245, 130, 30), (230, 100, 30), (250, 160, 60)),
    "yellow": ((250, 220, 40), (240, 205, 40), (250, 235, 120)),
    "green": ((40, 150, 60), (25, 80, 40), (70, 160, 60), (40, 170, 130)),
    "light green": ((140, 210, 90), (150, 200, 70), (180, 225, 140)),
    "light blue": ((120, 180, 235), (95, 185, 225), (40, 180, 200)),
    "blue": ((35, 80, 200), (25, 35, 100), (60, 110, 220)),
    "purple": ((120, 50, 160), (180, 130, 220), (80, 35, 110), (150, 60, 170)),
    "pink": ((240, 130, 180), (235, 110, 160), (210, 40, 150), (250, 185, 205)),
    "brown": ((120, 75, 40), (90, 55, 30), (160, 110, 70), (200, 150, 50), (215, 190, 150)),
}
_NAMES = [name for name, references in NAMED_COLOURS.items() for _ in references]
_NAME_LABS = lab_from_srgb8(np.array([rgb for refs in NAMED_COLOURS.values() for rgb in refs], dtype=np.uint8))


def colour_name(lab: npt.ArrayLike) -> str:
    """The everyday name of one CIELAB colour: that of the nearest reference colour by CIEDE2000."""
    return colour_names(np.asarray(lab, dtype=np.float64)[None])[0]


def colour_names(labs: npt.ArrayLike) -> list[str]:
    """`colour_name` of each of n CIELAB colours (n, 3), in one pass over the reference table."""
    distances = delta_e_2000(_NAME_LABS[None], np.asarray(labs, dtype=np.float64)[:, None])
    return [_NAMES[int(i)] for i in np.argmin(distances, axis=1)]
