"""Safe intake: every bad input gets its own message; the stored copy carries pixels only."""

from __future__ import annotations

import io
import zipfile

import numpy as np
import pillow_heif
import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile, PngImagePlugin

from artchart.imaging import ImageRejected, Limits, load
from artchart.imaging import intake as load_module
from artchart.imaging.tests.pictures import encoded, jpeg_declaring, png_declaring, small_photo

DEFAULT_LIMITS = Limits()


def rejection(data: bytes, limits: Limits = DEFAULT_LIMITS) -> str:
    with pytest.raises(ImageRejected) as refused:
        load(data, limits)
    return str(refused.value)


def test_empty_file_is_refused() -> None:
    assert rejection(b"") == load_module.EMPTY


def test_html_named_jpg_is_refused_as_text() -> None:
    assert rejection(b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>") == load_module.TEXT


def test_svg_is_refused() -> None:
    svg = b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"></svg>'
    assert rejection(svg) == load_module.SVG


def test_pdf_is_refused() -> None:
    assert rejection(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF") == load_module.PDF


def test_gif_is_refused() -> None:
    assert rejection(encoded(small_photo(), "GIF")) == load_module.GIF


def test_random_bytes_are_not_a_picture() -> None:
    assert rejection(bytes(range(256)) * 4) == load_module.NOT_A_PICTURE


def test_truncated_jpeg_is_refused() -> None:
    data = encoded(small_photo((400, 300)))
    assert rejection(data[: len(data) // 2]) == load_module.DAMAGED
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_png_is_refused() -> None:
    data = encoded(small_photo((300, 200)), "PNG")
    assert rejection(data[: len(data) * 2 // 3]) == load_module.DAMAGED


def test_jpeg_with_garbage_header_is_refused() -> None:
    data = bytearray(encoded(small_photo((300, 200))))
    data[20:400] = bytes(range(256)) + bytes(124)  # the tables the decoder needs are gone
    assert rejection(bytes(data)) in (load_module.DAMAGED, load_module.NOT_A_PICTURE)


def test_small_png_declaring_ten_gigapixels_is_refused_before_decoding() -> None:
    assert rejection(png_declaring(100_000, 100_000)) == load_module.TOO_MANY_PIXELS.format(limit=50)


def test_png_declaring_just_over_the_limit_is_refused() -> None:
    # Below Pillow's own bomb threshold (89 MP), so our limit does the refusing.
    assert rejection(png_declaring(8_000, 7_000)) == load_module.TOO_MANY_PIXELS.format(limit=50)


def test_jpeg_frame_declaring_huge_size_is_refused() -> None:
    assert rejection(jpeg_declaring(60_000, 60_000)) == load_module.TOO_MANY_PIXELS.format(limit=50)


def test_file_over_the_size_limit_is_refused_before_opening() -> None:
    data = b"\xff\xd8\xff" + bytes(3 * 1024 * 1024)  # not even a picture: the size alone refuses it
    assert rejection(data, Limits(max_bytes=2 * 1024 * 1024)) == load_module.TOO_BIG.format(size=3.0, limit=2)


def test_script_appended_to_a_jpeg_is_dropped() -> None:
    data = encoded(small_photo()) + b"<script>alert('x')</script>"
    stored = load(data).encoded
    assert b"<script" not in stored
    assert stored.endswith(b"\xff\xd9")


def test_zip_appended_to_a_png_is_dropped() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("payload.txt", "hidden")
    stored = load(encoded(small_photo(), "PNG") + archive.getvalue()).encoded
    assert b"PK\x03\x04" not in stored and b"payload" not in stored
    assert stored.endswith(b"IEND\xaeB`\x82")


def test_gps_exif_is_stripped() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    data = encoded(small_photo(), exif=exif)
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the upload did carry GPS
    stored = load(data).encoded
    assert not Image.open(io.BytesIO(stored)).getexif()
    assert b"Exif" not in stored and b"PhoneCo" not in stored


def test_icc_profile_and_comments_are_dropped() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    stored = load(encoded(small_photo(), icc_profile=profile, comment=b"client name")).encoded
    reopened = Image.open(io.BytesIO(stored))
    assert "icc_profile" not in reopened.info and b"client name" not in stored


def test_exif_orientation_is_applied() -> None:
    image = Image.new("RGB", (40, 20), (220, 20, 20))
    image.paste((20, 20, 220), (20, 0, 40, 20))  # left red, right blue, as the sensor saw it
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # shown turned 90° clockwise
    loaded = load(encoded(image, "PNG", exif=exif))
    assert (loaded.width, loaded.height) == (20, 40)
    pixels = np.asarray(Image.open(io.BytesIO(loaded.encoded)))
    assert pixels[2, 10, 0] > 200 and pixels[-3, 10, 2] > 200  # red on top, blue at the bottom


def test_cmyk_jpeg_becomes_rgb() -> None:
    cmyk = Image.new("CMYK", (32, 32), (0, 255, 255, 0))  # full magenta and yellow: red
    loaded = load(encoded(cmyk))
    reopened = Image.open(io.BytesIO(loaded.encoded))
    pixel = reopened.convert("RGB").getpixel((16, 16))
    assert isinstance(pixel, tuple)
    red, green, blue = pixel
    assert reopened.mode == "RGB" and red > 200 and green < 60 and blue < 60


def test_sixteen_bit_grey_png_is_scaled_not_clipped() -> None:
    grey = Image.fromarray(np.full((20, 30), 40_000, dtype=np.uint16))
    loaded = load(encoded(grey, "PNG"))
    pixel = Image.open(io.BytesIO(loaded.encoded)).getpixel((5, 5))
    assert loaded.content_type == "image/png"
    assert isinstance(pixel, tuple)
    assert pixel == (155, 155, 155) or abs(pixel[0] - 40_000 * 255 / 65535) <= 1


def test_palette_png_with_transparency_is_flattened_on_white() -> None:
    image = Image.new("RGBA", (20, 20), (0, 0, 0, 0))
    image.paste((200, 0, 0, 255), (0, 0, 10, 20))
    palette = image.convert("P", palette=Image.Palette.ADAPTIVE)
    palette.info["transparency"] = palette.getpixel((15, 5))
    stored = Image.open(io.BytesIO(load(encoded(palette, "PNG", transparency=palette.getpixel((15, 5)))).encoded))
    assert stored.mode == "RGB" and stored.getpixel((15, 5)) == (255, 255, 255)


def test_grey_and_grey_alpha_become_rgb() -> None:
    grey = load(encoded(Image.new("L", (16, 16), 90)))
    assert Image.open(io.BytesIO(grey.encoded)).mode == "RGB"
    with_alpha = load(encoded(Image.new("LA", (16, 16), (0, 0)), "PNG"))
    assert Image.open(io.BytesIO(with_alpha.encoded)).getpixel((3, 3)) == (255, 255, 255)


def test_heic_round_trip() -> None:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(small_photo((96, 64))).save(buffer, format="HEIF", quality=90)
    loaded = load(buffer.getvalue())
    assert (loaded.source_format, loaded.content_type, loaded.extension) == ("HEIF", "image/jpeg", ".jpg")
    assert (loaded.width, loaded.height) == (96, 64)


def test_webp_is_accepted_and_stored_as_jpeg() -> None:
    loaded = load(encoded(small_photo(), "WEBP"))
    assert (loaded.source_format, loaded.content_type) == ("WEBP", "image/jpeg")


def test_png_stays_png_and_jpeg_stays_jpeg() -> None:
    assert load(encoded(small_photo(), "PNG")).extension == ".png"
    assert load(encoded(small_photo())).extension == ".jpg"


def test_format_is_judged_by_content_not_by_declared_type() -> None:
    # The same PNG bytes, whatever they were called, are a PNG.
    assert load(encoded(small_photo(), "PNG")).source_format == "PNG"


def test_heic_orientation_is_applied_once() -> None:
    image = Image.new("RGB", (40, 20), (220, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    loaded = load(encoded(image, "HEIF", exif=exif.tobytes(), quality=95))
    assert (loaded.width, loaded.height) == (20, 40)


def test_png_exif_and_text_chunks_are_dropped() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneCo"
    text = PngImagePlugin.PngInfo()
    text.add_text("Comment", "client name")
    stored = load(encoded(small_photo(), "PNG", exif=exif, pnginfo=text)).encoded
    assert b"eXIf" not in stored and b"PhoneCo" not in stored and b"client name" not in stored


def test_a_long_side_shrinks_the_stored_copy_and_never_enlarges_it() -> None:
    big = load(encoded(small_photo((400, 300))), long_side=200)
    assert (big.width, big.height) == (200, 150)
    with Image.open(io.BytesIO(big.encoded)) as stored:
        assert stored.size == (200, 150)
    small = load(encoded(small_photo((120, 90))), long_side=200)
    assert (small.width, small.height) == (120, 90)


def test_the_long_side_is_the_upright_picture_s() -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: the upright picture is 300 wide, 400 tall
    loaded = load(encoded(small_photo((400, 300)), exif=exif.tobytes()), long_side=200)
    assert (loaded.width, loaded.height) == (150, 200)
