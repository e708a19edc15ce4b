"""Pictures built by the tests: encoded files and pages with known answers."""

from __future__ import annotations

import io
import math
import struct
import zlib
from typing import Any

import numpy as np
from PIL import Image, ImageDraw

PAPER = (248, 246, 238)


def encoded(image: Image.Image, format: str = "JPEG", **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format, **options)
    return buffer.getvalue()


def small_photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A little picture with some structure, so encoders have something to encode."""
    ys, xs = np.mgrid[0 : size[1], 0 : size[0]]
    pixels = np.stack([xs * 4 % 256, ys * 5 % 256, (xs + ys) * 3 % 256], axis=-1).astype(np.uint8)
    return Image.fromarray(pixels)


def png_declaring(width: int, height: int) -> bytes:
    """A tiny, valid-looking PNG whose header declares width × height pixels."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG with its frame header (SOF0) rewritten to declare width × height."""
    data = bytearray(encoded(small_photo()))
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def page(size: tuple[int, int] = (600, 400)) -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("RGB", size, PAPER)
    return image, ImageDraw.Draw(image)


def half_filled_page() -> Image.Image:
    image, pen = page()
    pen.rectangle((0, 0, 299, 399), fill=(30, 80, 190))
    return image


def line_drawing() -> Image.Image:
    image, pen = page()
    for k in range(6):
        pen.line((40 + 90 * k, 30, 80 + 70 * k, 370), fill=(20, 20, 20), width=2)
    pen.ellipse((200, 120, 400, 280), outline=(20, 20, 20), width=2)
    return image


def tilted_bar(degrees: float) -> Image.Image:
    """A long bar turned `degrees` counter-clockwise (as seen on screen) about the page centre."""
    image, pen = page()
    angle = math.radians(degrees)
    corners = [(-180, -25), (180, -25), (180, 25), (-180, 25)]
    pen.polygon(
        [
            (300 + x * math.cos(angle) - y * math.sin(angle), 200 - (x * math.sin(angle) + y * math.cos(angle)))
            for x, y in corners
        ],
        fill=(40, 40, 40),
    )
    return image


def two_colour_drawing() -> Image.Image:
    image, pen = page()
    pen.ellipse((60, 80, 260, 280), fill=(210, 30, 35))
    pen.rectangle((330, 100, 530, 300), fill=(35, 80, 200))
    pen.line((60, 350, 540, 350), fill=(35, 80, 200), width=6)
    return image
