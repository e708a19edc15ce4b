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
    return np.where(t > delta**3, np.cbrt(t), t * (1.0 / (3 * delta**2)) + 4.0 / 29.0).astype(np.float32)


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


# A small fixed table: the everyday names a therapist and client would use.
NAMED_COLOURS = {
    "black": (20, 20, 20),
    "grey": (128, 128, 128),
    "light grey": (200, 200, 200),
    "white": (250, 250, 250),
    "red": (210, 30, 35),
    "dark red": (130, 20, 25),
    "orange": (245, 130, 30),
    "yellow": (250, 220, 40),
    "light green": (140, 210, 90),
    "green": (40, 150, 60),
    "dark green": (25, 80, 40),
    "turquoise": (40, 180, 180),
    "light blue": (120, 180, 235),
    "blue": (35, 80, 200),
    "navy": (25, 35, 100),
    "purple": (120, 50, 160),
    "violet": (180, 130, 220),
    "pink": (240, 130, 180),
    "magenta": (210, 40, 150),
    "brown": (120, 75, 40),
    "beige": (215, 190, 150),
    "ochre": (200, 150, 50),
}
_NAMES = list(NAMED_COLOURS)
_NAME_LABS = lab_from_srgb8(np.array(list(NAMED_COLOURS.values()), dtype=np.uint8))


def colour_name(lab: npt.ArrayLike) -> str:
    distances = np.linalg.norm(_NAME_LABS - np.asarray(lab, dtype=np.float32), axis=1)
    return _NAMES[int(np.argmin(distances))]
