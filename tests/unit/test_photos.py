"""Story photos are checked by content, then re-encoded small, upright, in sRGB and without any metadata."""

from __future__ import annotations

import io
import random
import struct
import time
import zlib
from collections.abc import Callable

import pytest
from PIL import Image, ImageCms, ImageFile, PngImagePlugin

from portal.stories.photos import (
    LARGE_EDGE,
    MAX_OUTPUT_BYTES,
    MAX_PHOTO_BYTES,
    MAX_PHOTO_PIXELS,
    REFUSAL_MESSAGES,
    SMALL_EDGE,
    PhotoFacts,
    PhotoRefused,
    inspect_photo,
    process_photo,
)

CAMERA_MAKE = "SparkCam Optics"
XMP_PACKET = (
    b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>'
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSLatitude="51,30.0N"'
    b' exif:GPSLongitude="0,7.0W"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>'
)
# x265's default preset needs tens of seconds for 12 MP; the fixture only has to be a valid HEIC.
FAST_HEIC = {"quality": 70, "enc_params": {"preset": "ultrafast"}}
WHITE, RED, BLUE = (255, 255, 255), (220, 20, 20), (20, 20, 220)


def photo_like(size: tuple[int, int] = (4000, 3000)) -> Image.Image:
    """Smooth gradients under blotchy noise: busy like a photo, yet small enough as PNG to stay under 10MB."""
    width, height = size
    ramp = Image.linear_gradient("L").resize(size)
    base = Image.merge("RGB", (ramp, ramp.transpose(Image.Transpose.FLIP_LEFT_RIGHT), ramp.rotate(90).resize(size)))
    blotches = random.Random(1).randbytes((width // 4) * (height // 4) * 3)
    noise = Image.frombytes("RGB", (width // 4, height // 4), blotches).resize(size, Image.Resampling.NEAREST)
    return Image.blend(base, noise, 0.15)


def pure_noise(size: tuple[int, int]) -> Image.Image:
    """Random pixels: the worst case for JPEG size, as nothing in them can be predicted."""
    return Image.frombytes("RGB", size, random.Random(2).randbytes(size[0] * size[1] * 3))


def encode(image: Image.Image, image_format: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format=image_format, **params)
    return out.getvalue()


def big_upload(kind: str) -> bytes:
    """A 12 MP upload of the given kind, as a phone might send it."""
    if kind == "noisy JPEG":
        return encode(pure_noise((4000, 3000)), "JPEG", quality=80)
    if kind == "PNG":
        return encode(photo_like(), "PNG")
    if kind == "WebP":
        return encode(photo_like(), "WEBP", quality=80, method=0)
    return encode(photo_like(), "HEIF", **FAST_HEIC)


def camera_exif(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = CAMERA_MAKE  # Make
    exif[0x0110] = "Model 7"  # Model
    if orientation is not None:
        exif[0x0112] = orientation
    exif.get_ifd(0x8769)[0x9003] = "2024:05:01 10:15:00"  # DateTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (51.0, 30.0, 12.5), 3: "W", 4: (0.0, 7.0, 39.2)})
    return exif


def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def open_output(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


# JFIF header, quantisation and Huffman tables, progressive frame, scans, end: all a bare JPEG needs.
BARE_JPEG_MARKERS = {0xE0, 0xDB, 0xC2, 0xC4, 0xDA, 0xD9}


def jpeg_segments(data: bytes) -> list[tuple[int, bytes]]:
    """Every marker in the file with its segment, stepping over the compressed picture data after each scan header."""
    segments, position = [], 2
    while position < len(data):
        marker = data[position + 1]
        if marker == 0xD9:
            segments.append((marker, b""))
            break
        length = int.from_bytes(data[position + 2 : position + 4], "big")
        segments.append((marker, data[position + 4 : position + 2 + length]))
        position += 2 + length
        if marker == 0xDA:
            # In picture data 0xFF is always followed by 0x00 (stuffing) or a restart marker, never a segment marker.
            position = data.index(b"\xff", position)
            while data[position + 1] == 0x00 or 0xD0 <= data[position + 1] <= 0xD7:
                position = data.index(b"\xff", position + 2)
    return segments


def assert_bare_jpeg(data: bytes) -> None:
    """A plain progressive JPEG whose only header block is the JFIF one: nothing about the camera, place or person."""
    assert len(data) < MAX_OUTPUT_BYTES
    out = open_output(data)
    assert out.format == "JPEG"
    assert out.mode == "RGB"
    assert out.info.get("progressive")
    assert not out.getexif()
    for key in ("exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp", "photoshop", "adobe", "mp"):
        assert key not in out.info
    segments = jpeg_segments(data)
    markers = [marker for marker, _ in segments]
    # No APP1 (EXIF, XMP), APP2 (ICC), APP13 (IPTC), COM (comment) or any other block anywhere in the file.
    assert set(markers) <= BARE_JPEG_MARKERS
    assert markers.count(0xE0) == 1
    headers = b"".join(body for _, body in segments)
    for fragment in (b"Exif", b"GPS", CAMERA_MAKE.encode(), b"<x:xmpmeta", b"ICC_PROFILE", b"<script", b"Jane"):
        assert fragment not in headers
    # Long enough that compressed picture data cannot contain them by chance (a 3-byte b"GPS" can).
    for fragment in (b"Exif", CAMERA_MAKE.encode(), b"<x:xmpmeta", b"ICC_PROFILE", b"Jane Resident"):
        assert fragment not in data


def colour_near(pixel: float | tuple[int, ...] | None, expected: tuple[int, int, int], tolerance: int = 40) -> bool:
    assert isinstance(pixel, tuple)
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, expected, strict=True))


# --- what is accepted ---


@pytest.mark.parametrize(
    ("kind", "expected_format"),
    [("noisy JPEG", "JPEG"), ("PNG", "PNG"), ("WebP", "WEBP"), ("HEIC", "HEIF")],
)
def test_each_phone_format_is_accepted_and_comes_out_as_small_jpegs(kind, expected_format):
    upload = big_upload(kind)
    assert len(upload) <= MAX_PHOTO_BYTES

    assert inspect_photo(upload) == PhotoFacts(format=expected_format, width=4000, height=3000)
    photo = process_photo(upload)

    assert photo.content_type == "image/jpeg"
    for data, size, edge in ((photo.large, photo.large_size, LARGE_EDGE), (photo.small, photo.small_size, SMALL_EDGE)):
        assert_bare_jpeg(data)
        assert open_output(data).size == size
        assert max(size) <= edge
        assert abs(size[0] * 3 - size[1] * 4) <= 4  # still 4:3
    assert photo.small_size == (480, 360)
    if kind == "noisy JPEG":
        # Noise cannot fit 200 KB at 1600 pixels even at the quality floor, so the picture shrinks instead.
        assert 800 <= photo.large_size[0] < LARGE_EDGE
    else:
        assert photo.large_size == (1600, 1200)


def test_a_photo_smaller_than_the_sizes_is_never_enlarged():
    photo = process_photo(encode(photo_like((300, 200)), "PNG"))

    assert photo.large_size == photo.small_size == (300, 200)


def test_a_photo_of_exactly_the_byte_limit_is_accepted_and_one_byte_more_is_refused():
    jpeg = encode(photo_like((64, 48)), "JPEG")
    # Bytes after the end-of-image marker are ignored by decoders, so this is still a valid 64x48 JPEG.
    at_limit = jpeg + bytes(MAX_PHOTO_BYTES - len(jpeg))

    assert inspect_photo(at_limit).width == 64
    with pytest.raises(PhotoRefused) as refusal:
        inspect_photo(at_limit + b"\0")
    assert refusal.value.reason == "too_big"


def test_a_photo_of_exactly_the_pixel_limit_is_accepted():
    assert inspect_photo(png_claiming(10_000, 5_000)) == PhotoFacts(format="PNG", width=10_000, height=5_000)


def test_a_multi_picture_jpeg_from_a_phone_counts_as_jpeg_and_keeps_its_first_picture():
    first, depth_map = Image.new("RGB", (64, 48), RED), Image.new("RGB", (64, 48), BLUE)
    upload = encode(first, "MPO", save_all=True, append_images=[depth_map])

    assert inspect_photo(upload).format == "JPEG"
    assert colour_near(open_output(process_photo(upload).large).getpixel((32, 24)), RED)


@pytest.mark.parametrize(
    ("image_format", "params"),
    [("WEBP", {"lossless": True}), ("PNG", {})],
    ids=["animated WebP", "animated PNG"],
)
def test_only_the_first_frame_of_an_animation_is_kept(image_format, params):
    frames = [Image.new("RGB", (64, 48), colour) for colour in (RED, BLUE)]
    upload = encode(frames[0], image_format, save_all=True, append_images=frames[1:], duration=100, **params)

    assert colour_near(open_output(process_photo(upload).large).getpixel((32, 24)), RED)


# --- metadata ---


def jpeg_with_everything(icc_profile: bytes | None = None) -> bytes:
    return encode(
        photo_like((640, 480)),
        "JPEG",
        exif=camera_exif().tobytes(),
        xmp=XMP_PACKET,
        icc_profile=icc_profile,
        comment=b"<script>alert('Jane Resident')</script>",
    )


def png_with_text() -> bytes:
    text = PngImagePlugin.PngInfo()
    text.add_text("Author", "Jane Resident")
    text.add_text("Comment", "Taken on " + CAMERA_MAKE)
    text.add_itxt("XML:com.adobe.xmp", XMP_PACKET.decode())
    return encode(photo_like((640, 480)), "PNG", pnginfo=text, exif=camera_exif().tobytes(), icc_profile=srgb_icc())


def webp_with_everything() -> bytes:
    return encode(photo_like((640, 480)), "WEBP", exif=camera_exif().tobytes(), xmp=XMP_PACKET, icc_profile=srgb_icc())


def heic_with_everything() -> bytes:
    return encode(photo_like((640, 480)), "HEIF", exif=camera_exif().tobytes(), xmp=XMP_PACKET, **FAST_HEIC)


@pytest.mark.parametrize(
    "make_upload",
    [
        jpeg_with_everything,
        lambda: jpeg_with_everything(srgb_icc()),
        png_with_text,
        webp_with_everything,
        heic_with_everything,
    ],
    ids=[
        "JPEG with GPS EXIF, XMP and a comment",
        "JPEG with all that and a colour profile",
        "PNG with text chunks and EXIF",
        "WebP with EXIF and XMP",
        "HEIC with EXIF and XMP",
    ],
)
def test_no_metadata_survives(make_upload: Callable[[], bytes]):
    upload = make_upload()
    with Image.open(io.BytesIO(upload)) as original:
        # The fixture really does carry what a phone would leak.
        assert original.getexif()[0x010F] == CAMERA_MAKE
        assert original.getexif().get_ifd(0x8825)[2] == (51.0, 30.0, 12.5)

    photo = process_photo(upload)

    assert_bare_jpeg(photo.large)
    assert_bare_jpeg(photo.small)


def swapped_primaries_icc() -> bytes:
    """A minimal RGB display profile whose red and blue primaries are swapped: its pure red is sRGB's blue."""

    def s15_16(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15_16(x) + s15_16(y) + s15_16(z)

    gamma_2_2 = b"curv" + bytes(4) + struct.pack(">IH", 1, 0x0233) + bytes(2)
    tags = [
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),  # sRGB's blue
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"rTRC", gamma_2_2),
        (b"gTRC", gamma_2_2),
        (b"bTRC", gamma_2_2),
    ]
    first_body = 128 + 4 + 12 * len(tags)
    table, bodies = struct.pack(">I", len(tags)), b""
    for signature, body in tags:
        table += signature + struct.pack(">II", first_body + len(bodies), len(body))
        bodies += body
    header = struct.pack(">I", first_body + len(bodies)) + bytes(4) + struct.pack(">I", 0x02100000)
    header += b"mntrRGB XYZ " + bytes(12) + b"acsp"
    header += bytes(68 - len(header)) + s15_16(0.9642) + s15_16(1.0) + s15_16(0.8249)
    return header + bytes(128 - len(header)) + table + bodies


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP", "HEIF"])
def test_colours_are_converted_to_srgb_not_just_relabelled(image_format):
    params: dict[str, object] = FAST_HEIC | {"quality": 90} if image_format == "HEIF" else {}
    upload = encode(Image.new("RGB", (64, 48), RED), image_format, icc_profile=swapped_primaries_icc(), **params)

    out = open_output(process_photo(upload).large)

    assert "icc_profile" not in out.info
    assert colour_near(out.getpixel((32, 24)), BLUE)


def test_a_photo_tagged_srgb_keeps_its_colours():
    upload = encode(Image.new("RGB", (64, 48), RED), "JPEG", icc_profile=srgb_icc())

    assert colour_near(open_output(process_photo(upload).large).getpixel((32, 24)), RED, tolerance=12)


def test_a_broken_colour_profile_is_dropped_and_the_photo_still_processed():
    upload = encode(Image.new("RGB", (64, 48), BLUE), "JPEG", icc_profile=b"not a colour profile at all")

    out = open_output(process_photo(upload).large)

    assert "icc_profile" not in out.info
    assert colour_near(out.getpixel((32, 24)), BLUE)


def test_a_16_bit_greyscale_png_keeps_its_tones():
    upload = encode(Image.new("I;16", (64, 48), 40_000), "PNG")

    grey = open_output(process_photo(upload).large).getpixel((32, 24))

    assert colour_near(grey, (156, 156, 156), tolerance=4)


def test_a_cmyk_jpeg_comes_out_as_rgb():
    upload = encode(Image.new("CMYK", (64, 48), (0, 0, 0, 0)), "JPEG")

    out = open_output(process_photo(upload).large)

    assert out.mode == "RGB"
    assert colour_near(out.getpixel((32, 24)), WHITE)


# --- orientation ---


def sideways_photo(image_format: str, orientation: int) -> bytes:
    """200x100 as stored, a red marker in the stored top-left corner, and EXIF saying how to turn it."""
    image = Image.new("RGB", (200, 100), WHITE)
    image.paste(RED, (0, 0, 30, 30))
    params: dict[str, object] = {"exif": camera_exif(orientation).tobytes()}
    if image_format == "HEIF":
        params |= FAST_HEIC | {"quality": 90}
    return encode(image, image_format, **params)


@pytest.mark.parametrize(
    ("image_format", "orientation", "size", "marker_corner"),
    [
        ("JPEG", 6, (100, 200), "top right"),
        ("JPEG", 8, (100, 200), "bottom left"),
        ("JPEG", 3, (200, 100), "bottom right"),
        ("PNG", 6, (100, 200), "top right"),
        ("WEBP", 6, (100, 200), "top right"),
        ("HEIF", 6, (100, 200), "top right"),
    ],
)
def test_photos_are_turned_upright_as_their_exif_says(image_format, orientation, size, marker_corner):
    photo = process_photo(sideways_photo(image_format, orientation))

    assert photo.large_size == photo.small_size == size
    out = open_output(photo.large)
    width, height = out.size
    corners = {
        "top left": (10, 10),
        "top right": (width - 11, 10),
        "bottom left": (10, height - 11),
        "bottom right": (width - 11, height - 11),
    }
    for corner, point in corners.items():
        assert colour_near(out.getpixel(point), RED if corner == marker_corner else WHITE), corner


def test_a_jpeg_header_reports_the_size_as_stored_before_turning():
    assert inspect_photo(sideways_photo("JPEG", 6)) == PhotoFacts(format="JPEG", width=200, height=100)


# --- transparency ---


def half_transparent() -> Image.Image:
    """A blue block on a fully transparent background."""
    image = Image.new("RGBA", (64, 48), (0, 0, 0, 0))
    image.paste((*BLUE, 255), (16, 12, 48, 36))
    return image


@pytest.mark.parametrize(
    "make_upload",
    [
        lambda: encode(half_transparent(), "PNG"),
        lambda: encode(half_transparent().convert("LA"), "PNG"),
        lambda: encode(half_transparent().convert("P"), "PNG"),
        lambda: encode(half_transparent().convert("RGB"), "PNG", transparency=(0, 0, 0)),
        lambda: encode(half_transparent(), "WEBP", lossless=True),
    ],
    ids=[
        "RGBA PNG",
        "grey and alpha PNG",
        "palette PNG with a transparent colour",
        "RGB PNG with a transparent colour",
        "WebP with alpha",
    ],
)
def test_transparency_is_flattened_onto_white(make_upload):
    out = open_output(process_photo(make_upload()).large)

    assert out.mode == "RGB"
    assert colour_near(out.getpixel((2, 2)), WHITE, tolerance=8)
    assert not colour_near(out.getpixel((32, 24)), WHITE)


# --- what is refused ---


def refusal_of(check: Callable[[bytes], object], data: bytes) -> str:
    with pytest.raises(PhotoRefused) as refusal:
        check(data)
    return refusal.value.reason


# The API takes bytes only: what a file is called ("photo.jpg") or claims to be never reaches it.
@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n", "not_an_image"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "not_an_image"),
        (b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10" onload="alert(1)"/>', "not_an_image"),
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2", "not_an_image"),
        (b"PK\x03\x04" + bytes(100), "not_an_image"),
        (encode(Image.new("RGB", (16, 16)), "GIF"), "wrong_type"),
        (encode(Image.new("RGB", (16, 16)), "BMP"), "wrong_type"),
        (encode(Image.new("RGB", (16, 16)), "TIFF"), "wrong_type"),
        (encode(Image.new("RGB", (16, 16)), "AVIF"), "wrong_type"),
        (encode(photo_like((64, 48)), "JPEG")[:40], "damaged"),
        (b"\x89PNG\r\n\x1a\n" + bytes(30), "damaged"),
    ],
    ids=[
        "empty",
        "PDF called photo.jpg",
        "HTML called photo.jpg",
        "SVG called photo.jpg",
        "video",
        "zip",
        "GIF",
        "BMP",
        "TIFF",
        "AVIF",
        "just the start of a JPEG",
        "PNG signature with nothing after it",
    ],
)
def test_files_that_are_not_photos_we_take_are_refused_by_content(data, reason):
    assert refusal_of(inspect_photo, data) == reason
    assert refusal_of(process_photo, data) == reason


def test_a_file_over_the_byte_limit_is_refused_before_it_is_read():
    assert refusal_of(inspect_photo, b"\xff\xd8\xff" + bytes(MAX_PHOTO_BYTES)) == "too_big"


def png_claiming(width: int, height: int) -> bytes:
    """A real black 1-bit PNG: a few KB on disk that would be width x height pixels in memory."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = bytes(1 + (width + 7) // 8)  # filter byte, then the packed pixels
    compressor = zlib.compressobj(9)
    pixels = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def webp_claiming(width: int, height: int) -> bytes:
    """An extended WebP header for a canvas of width x height, and no picture at all."""
    body = b"VP8X" + struct.pack("<I", 10) + bytes(4) + (width - 1).to_bytes(3, "little")
    body += (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body


@pytest.mark.parametrize(
    "make_bomb",
    [
        lambda: png_claiming(20_000, 20_000),  # past Pillow's own error limit
        lambda: png_claiming(10_000, 10_000),  # past Pillow's warning limit only
        lambda: png_claiming(10_000, 5_001),  # past ours only
        lambda: webp_claiming(16_383, 16_383),
    ],
    ids=["PNG of 400 MP", "PNG of 100 MP", "PNG just over 50 MP", "WebP of 268 MP"],
)
def test_decompression_bombs_are_refused_quickly_without_decoding(make_bomb):
    bomb = make_bomb()
    assert len(bomb) < 100_000

    for check in (inspect_photo, process_photo):
        started = time.perf_counter()
        assert refusal_of(check, bomb) == "too_many_pixels"
        assert time.perf_counter() - started < 1


@pytest.mark.parametrize(
    "make_upload",
    [
        lambda: encode(photo_like((640, 480)), "JPEG", quality=90),
        lambda: encode(photo_like((640, 480)), "PNG"),
        lambda: encode(photo_like((640, 480)), "WEBP"),
        lambda: encode(photo_like((640, 480)), "HEIF", **FAST_HEIC),
    ],
    ids=["JPEG", "PNG", "WebP", "HEIC"],
)
def test_a_truncated_photo_is_refused_as_damaged(make_upload):
    upload = make_upload()

    assert refusal_of(process_photo, upload[: len(upload) * 2 // 3]) == "damaged"


def test_a_truncated_jpeg_passes_the_quick_check_and_is_caught_when_decoded():
    upload = encode(photo_like((640, 480)), "JPEG", quality=90)
    truncated = upload[: len(upload) // 2]

    assert inspect_photo(truncated) == PhotoFacts(format="JPEG", width=640, height=480)
    assert refusal_of(process_photo, truncated) == "damaged"


def test_a_truncated_jpeg_is_still_refused_once_weasyprint_has_been_imported():
    # WeasyPrint switches Pillow's LOAD_TRUNCATED_IMAGES on when it is imported; the portal imports it for PDFs.
    import weasyprint.images  # noqa: F401

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    upload = encode(photo_like((640, 480)), "JPEG", quality=90)
    assert refusal_of(process_photo, upload[: len(upload) // 2]) == "damaged"


# --- messages ---


def test_every_refusal_has_a_message_in_plain_english():
    reasons = {"empty", "too_big", "not_an_image", "wrong_type", "too_many_pixels", "damaged"}

    assert set(REFUSAL_MESSAGES) == reasons
    for reason in reasons:
        message = PhotoRefused(reason).message  # type: ignore[arg-type]
        assert message.startswith("The selected ")
        assert not message.endswith(".")
    assert REFUSAL_MESSAGES["wrong_type"] == "The selected file must be a JPG, PNG, WebP or HEIC photo"
    assert REFUSAL_MESSAGES["too_big"] == "The selected file must be smaller than 10MB"


def test_the_limits_are_the_agreed_ones():
    assert (MAX_PHOTO_BYTES, MAX_PHOTO_PIXELS, LARGE_EDGE, SMALL_EDGE) == (10 * 1024 * 1024, 50_000_000, 1600, 480)
