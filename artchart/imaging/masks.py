"""The de-identified copy of a photo: masking annotations (crop, blur, cover) applied
to a copy, for wherever the image goes beyond the record. The stored photo is never
changed. Pure: Pillow only.

A mask is ``(kind, x, y, w, h)`` with the rectangle in fractions of the photo (0–1).
Blurs and covers are applied first, then the crop (the union of the crop areas), so a
name covered inside the kept area stays covered.
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFilter

COVER_GREY = (128, 128, 128)


def _box(image: Image.Image, x: float, y: float, w: float, h: float) -> tuple[int, int, int, int]:
    width, height = image.size
    left, top = int(round(x * width)), int(round(y * height))
    right, bottom = int(round((x + w) * width)), int(round((y + h) * height))
    return max(0, left), max(0, top), min(width, max(right, left + 1)), min(height, max(bottom, top + 1))


def _blur(image: Image.Image, box: tuple[int, int, int, int]) -> None:
    region = image.crop(box)
    # Pixelate, then blur with a radius scaled to the region, so a signature or a
    # name is unreadable whatever the photo's resolution.
    radius = max(8, min(region.size) // 6)
    small = region.resize((max(1, region.width // 16), max(1, region.height // 16)))
    image.paste(small.resize(region.size).filter(ImageFilter.GaussianBlur(radius)), box)


def apply_masks(stored: bytes, masks: list[tuple[str, float, float, float, float]], *, quality: int = 90) -> bytes:
    with Image.open(io.BytesIO(stored)) as source:
        image = source.convert("RGB")
    crops = []
    for kind, x, y, w, h in masks:
        box = _box(image, x, y, w, h)
        if kind == "cover":
            ImageDraw.Draw(image).rectangle((box[0], box[1], box[2] - 1, box[3] - 1), fill=COVER_GREY)
        elif kind == "blur":
            _blur(image, box)
        elif kind == "crop":
            crops.append(box)
        else:
            raise ValueError(f"unknown mask kind {kind!r}")
    if crops:
        image = image.crop(
            (min(b[0] for b in crops), min(b[1] for b in crops), max(b[2] for b in crops), max(b[3] for b in crops))
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()
