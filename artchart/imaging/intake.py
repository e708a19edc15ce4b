"""Safe intake of an artwork photo: judge the bytes, decode once, keep only pixels.

The file is judged by what Pillow can decode, never by its name or declared
type. Limits on bytes and on declared pixels are checked before the full decode,
so a small file that declares a huge picture (a decompression bomb) costs
nothing. The stored copy is re-encoded from the pixels alone, which drops EXIF
(GPS above all), XMP, ICC profiles, comments and anything appended after the
image data (a script, a zip archive).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

import numpy as np
import pillow_heif
from PIL import Image, ImageCms, ImageFile, UnidentifiedImageError

pillow_heif.register_heif_opener()

# Messages a therapist reads; tests assert on them.
EMPTY = "This file is empty; nothing was uploaded."
NOT_A_PICTURE = "This file is not a picture ArtChart can read (JPEG, PNG, WebP or HEIC)."
TEXT = (
    "This file contains text (such as a web page or a script), not a picture. "
    "ArtChart reads JPEG, PNG, WebP or HEIC photos."
)
SVG = "This is an SVG drawing file, not a photo. Export it as PNG or JPEG and upload that."
PDF = "This is a PDF document, not a picture. Photograph the artwork or export it as JPEG or PNG."
GIF = "GIF files are not accepted. Save the picture as PNG or JPEG and upload that."
DAMAGED = "This picture is damaged or incomplete (the file ends early or is corrupt). Please upload it again."
TOO_MANY_PIXELS = (
    "This picture declares more than {limit} megapixels; ArtChart accepts pictures up to {limit} megapixels."
)
TOO_BIG = "This file is {size:.1f} MB, over the {limit:g} MB limit for one picture."

# The formats we decode. The JPEG opener also returns MPO, the multi-picture JPEG many phones write.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF")
JPEG_QUALITY = 90
ORIENTATION_TAG = 0x0112
_SRGB = ImageCms.createProfile("sRGB")


class ImageRejected(ValueError):
    """A file refused at intake; ``str(exc)`` is written for the therapist."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 25 * 1024 * 1024
    max_pixels: int = 50_000_000


@dataclass(frozen=True)
class LoadedImage:
    encoded: bytes  # the stored copy: re-encoded pixels, no metadata at all
    content_type: str  # "image/jpeg" or "image/png"
    extension: str  # ".jpg" or ".png"
    width: int  # after EXIF orientation
    height: int
    source_format: str  # "JPEG", "PNG", "WEBP", "HEIF"


def load(data: bytes, limits: Limits = Limits(), *, long_side: int | None = None) -> LoadedImage:
    """Check, decode and re-encode one uploaded picture, or raise ImageRejected. With ``long_side``
    the stored copy is shrunk (never enlarged) to it, as the device does before upload."""
    _check_size(data, limits)
    image = _open(data, limits)
    if image.format is None:  # every opener names its format; a picture without one is none we accept
        raise ImageRejected(NOT_A_PICTURE)
    source_format = "JPEG" if image.format == "MPO" else image.format
    _decode(image)
    image = _upright(image)
    image = _to_srgb(image)
    if long_side is not None and max(image.size) > long_side:
        scale = long_side / max(image.size)
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        # Area averaging, as the thumbnails are made: no aliasing on decimation.
        image = image.resize(size, Image.Resampling.BOX, reducing_gap=2.0)
    return _encode(image, source_format)


def _check_size(data: bytes, limits: Limits) -> None:
    if not data:
        raise ImageRejected(EMPTY)
    if len(data) > limits.max_bytes:
        raise ImageRejected(TOO_BIG.format(size=len(data) / 1024 / 1024, limit=limits.max_bytes / 1024 / 1024))


def _open(data: bytes, limits: Limits) -> Image.Image:
    """Read the header only: format and declared size, before any pixel is decoded."""
    too_many = TOO_MANY_PIXELS.format(limit=limits.max_pixels // 1_000_000)
    try:
        with warnings.catch_warnings():
            # Pillow only warns below twice its own limit; a warning here is a refusal.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageRejected(too_many) from None
    except UnidentifiedImageError:
        raise ImageRejected(_why_not_a_picture(data)) from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise ImageRejected(DAMAGED) from None
    width, height = image.size
    if width * height > limits.max_pixels:
        raise ImageRejected(too_many)
    if width < 1 or height < 1:
        raise ImageRejected(DAMAGED)
    return image


def _why_not_a_picture(data: bytes) -> str:
    """A specific message for the usual impostors; the decision was already made by decoding."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        return PDF
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    lowered = head.lower()
    if lowered.startswith(b"<") and b"<svg" in lowered:
        return SVG
    if _looks_like_text(head):
        return TEXT
    return NOT_A_PICTURE


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return False
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(len(text), 1)


def _decode(image: Image.Image) -> None:
    # With ImageFile.LOAD_TRUNCATED_IMAGES False a short file raises here. It is a process-wide
    # switch that a library may turn on when imported (WeasyPrint does), so it is set each time.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.load()
    except (OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombWarning):
        raise ImageRejected(DAMAGED) from None


def _upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation; only pay for a transpose when one is asked for."""
    orientation = image.getexif().get(ORIENTATION_TAG, 1)
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        method = {
            2: Image.Transpose.FLIP_LEFT_RIGHT,
            3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270,
            7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90,
        }[orientation]
        image = image.transpose(method)
    return image


def _to_srgb(image: Image.Image) -> Image.Image:
    """Bring any mode and embedded colour profile to plain 8-bit sRGB."""
    icc = image.info.get("icc_profile")
    if icc and image.mode in ("RGB", "CMYK", "L"):
        image = _apply_profile(image, icc)
    if image.mode == "RGB":
        return image
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        return _wide_grey_to_rgb(image)
    if image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (image.mode == "P" and "transparency" in image.info):
        return _flatten_on_white(image.convert("RGBA"))
    return image.convert("RGB")  # CMYK, P, L, 1, YCbCr, LAB, HSV


def _apply_profile(image: Image.Image, icc: bytes) -> Image.Image:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        if image.mode == "RGB" and "srgb" in ImageCms.getProfileDescription(source).lower():
            return image  # already sRGB: the conversion would only cost time
        converted = ImageCms.profileToProfile(image, source, _SRGB, outputMode="RGB")
    except (ImageCms.PyCMSError, OSError, ValueError):
        return image  # a broken profile is dropped; the pixels are taken as sRGB
    # Pillow returns None only for a conversion in place, which this is not.
    return converted if converted is not None else image


def _wide_grey_to_rgb(image: Image.Image) -> Image.Image:
    """16-bit (or 32-bit) grey: scale to 8 bits rather than clip at 255 as convert() would."""
    values = np.asarray(image).astype(np.float64)
    top = 65535.0 if values.max(initial=0) > 255 else 255.0
    grey = np.clip(np.rint(values * (255.0 / top)), 0, 255).astype(np.uint8)
    return Image.fromarray(grey).convert("RGB")


def _flatten_on_white(image: Image.Image) -> Image.Image:
    background = Image.new("RGB", image.size, (255, 255, 255))
    background.paste(image, mask=image.getchannel("A"))
    return background


def _encode(image: Image.Image, source_format: str) -> LoadedImage:
    """Re-encode from pixels only: no exif, icc_profile or comment is passed to the encoder."""
    image.info = {}
    buffer = io.BytesIO()
    if source_format == "PNG":
        image.save(buffer, "PNG", compress_level=6)
        content_type, extension = "image/png", ".png"
    else:
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=False)
        content_type, extension = "image/jpeg", ".jpg"
    return LoadedImage(
        encoded=buffer.getvalue(),
        content_type=content_type,
        extension=extension,
        width=image.width,
        height=image.height,
        source_format=source_format,
    )
