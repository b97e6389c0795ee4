"""Residents' story photos: checked by content, decoded once, re-encoded as small metadata-free JPEGs."""

from __future__ import annotations

import io
import math
import struct
from dataclasses import dataclass
from typing import Final, Literal

import pillow_heif
from PIL import Image, ImageCms, ImageFile, ImageOps, UnidentifiedImageError

# Once, at import: Pillow keeps openers in a process-wide registry, and HEIC is what iPhones send.
pillow_heif.register_heif_opener()

MAX_PHOTO_BYTES: Final = 10 * 1024 * 1024
MAX_PHOTO_PIXELS: Final = 50_000_000
LARGE_EDGE: Final = 1600
SMALL_EDGE: Final = 480
# Pillow reports HEIC and HEIF alike as "HEIF"; a JPEG with a multi-picture index is opened as "MPO".
ALLOWED_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP", "HEIF"})
MAX_OUTPUT_BYTES: Final = 200_000
OUTPUT_CONTENT_TYPE: Final = "image/jpeg"
# A ladder rather than a search: most phone photos fit at the first or second step, so the common case costs one or
# two encodes. Below 42 JPEG artefacts show on faces, so past the floor we shrink the picture instead.
QUALITY_STEPS: Final = (82, 74, 66, 58, 50, 42)

RefusalReason = Literal["empty", "too_big", "not_an_image", "wrong_type", "too_many_pixels", "damaged"]

_WRONG_TYPE_MESSAGE = "The selected file must be a JPG, PNG, WebP or HEIC photo"
REFUSAL_MESSAGES: Final[dict[RefusalReason, str]] = {
    "empty": "The selected file is empty",
    "too_big": "The selected file must be smaller than 10MB",
    "not_an_image": _WRONG_TYPE_MESSAGE,
    "wrong_type": _WRONG_TYPE_MESSAGE,
    "too_many_pixels": "The selected photo is too large — it must be smaller than 50 megapixels",
    "damaged": "The selected file could not be opened — try another photo",
}

# Only consulted after Pillow has failed to open the file, to tell the resident (and the logs) whether it was a
# broken photo of a kind we take, a picture of a kind we don't, or not a picture at all.
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs", b"mif1", b"msf1")
_OTHER_IMAGE_SIGNATURES = (
    b"GIF87a",
    b"GIF89a",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
    b"\x00\x00\x01\x00",
    b"8BPS",
    b"\xff\x0a",
    b"\x00\x00\x00\x0cJXL ",
)
_OTHER_IMAGE_BRANDS = (b"avif", b"avis", b"crx ")

# Errors Pillow and pillow-heif raise for data they cannot make sense of once a file has been identified.
_DECODE_ERRORS = (OSError, SyntaxError, ValueError, EOFError, RuntimeError, struct.error)

_SRGB = ImageCms.createProfile("sRGB")


class PhotoRefused(Exception):
    """An uploaded photo we will not keep; `reason` is a code the web layer turns into an error message."""

    def __init__(self, reason: RefusalReason) -> None:
        super().__init__(reason)
        self.reason: RefusalReason = reason

    @property
    def message(self) -> str:
        return REFUSAL_MESSAGES[self.reason]


@dataclass(frozen=True)
class PhotoFacts:
    """What the header says: width and height as stored, before any EXIF rotation."""

    format: str
    width: int
    height: int


@dataclass(frozen=True)
class ProcessedPhoto:
    large: bytes
    small: bytes
    large_size: tuple[int, int]
    small_size: tuple[int, int]
    content_type: str = OUTPUT_CONTENT_TYPE


def inspect_photo(data: bytes) -> PhotoFacts:
    """Check an upload cheaply, reading headers only; fast enough for the web request.

    Raises PhotoRefused: "empty", "too_big" (over MAX_PHOTO_BYTES), "not_an_image", "wrong_type" (an image, but not
    JPEG, PNG, WebP or HEIC), "too_many_pixels" (over MAX_PHOTO_PIXELS) or "damaged" (unreadable headers).
    """
    with _open_checked(data) as image:
        return PhotoFacts(format=_format_of(image), width=image.width, height=image.height)


def process_photo(data: bytes) -> ProcessedPhoto:
    """Decode an upload and re-encode it as a large and a small JPEG, upright, sRGB, and without any metadata.

    Runs the checks of inspect_photo again (the job must not trust what the request saw), so raises the same
    PhotoRefused reasons, plus "damaged" when the pixel data cannot be decoded.
    """
    # WeasyPrint (imported by the same process for PDFs) switches this on for its own images; for an upload a
    # truncated file must be refused, never silently padded with grey. Nothing ever switches it on again.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with _open_checked(data) as image:
        # For JPEG, let libjpeg decode at 1/2, 1/4 or 1/8 scale while that still leaves twice the pixels we keep:
        # a 50 MP photo then costs a quarter of the memory and time, with no visible loss after the resize.
        # LARGE_EDGE bounds a square, so the target is the same whichever way EXIF later turns the picture.
        image.draft(image.mode, _doubled(_fitted_size(image.size, LARGE_EDGE)))
        try:
            image.load()
        except _DECODE_ERRORS as error:
            raise PhotoRefused("damaged") from error
        icc_profile = image.info.get("icc_profile")
        upright = _upright(image)
    rgb = _to_srgb_rgb(upright, icc_profile)
    large_image = _fit(rgb, LARGE_EDGE)
    small_image = _fit(large_image, SMALL_EDGE)
    large, large_size = _encode_within_budget(large_image)
    small, small_size = _encode_within_budget(small_image)
    return ProcessedPhoto(large=large, small=small, large_size=large_size, small_size=small_size)


def _open_checked(data: bytes) -> ImageFile.ImageFile:
    if not data:
        raise PhotoRefused("empty")
    if len(data) > MAX_PHOTO_BYTES:
        raise PhotoRefused("too_big")
    try:
        # Restricting formats keeps Pillow's other ~40 parsers (EPS, which can call Ghostscript, among them) away
        # from untrusted bytes, and means the filename and declared content type play no part.
        image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own limits sit above ours (about 89 MP warns, 179 MP raises) but may fire first. The warning only
        # arrives here as an exception when warnings are errors (as in tests); otherwise our own check below refuses.
        raise PhotoRefused("too_many_pixels") from error
    except UnidentifiedImageError as error:
        raise PhotoRefused(_why_unidentified(data)) from error
    except _DECODE_ERRORS as error:
        raise PhotoRefused("damaged") from error
    width, height = image.size
    if width < 1 or height < 1:
        image.close()
        raise PhotoRefused("damaged")
    if width * height > MAX_PHOTO_PIXELS:
        image.close()
        raise PhotoRefused("too_many_pixels")
    return image


def _why_unidentified(data: bytes) -> RefusalReason:
    head = data[:32]
    brand = head[8:12] if head[4:8] == b"ftyp" else b""
    if (
        head.startswith((b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n"))
        or (head.startswith(b"RIFF") and head[8:12] == b"WEBP")
        or brand in _HEIF_BRANDS
    ):
        return "damaged"
    if head.startswith(_OTHER_IMAGE_SIGNATURES) or brand in _OTHER_IMAGE_BRANDS:
        return "wrong_type"
    return "not_an_image"


def _format_of(image: Image.Image) -> str:
    # An MPO is a JPEG with extra pictures appended (phones write them for depth and HDR); we keep the first.
    return "JPEG" if image.format == "MPO" else str(image.format)


def _upright(image: Image.Image) -> Image.Image:
    try:
        return ImageOps.exif_transpose(image)
    except (ValueError, TypeError, KeyError, OSError, struct.error):
        # A broken EXIF block should not cost a resident their photo; the pixels are fine, only the turn is lost.
        return image.copy()


def _to_srgb_rgb(image: Image.Image, icc_profile: bytes | None) -> Image.Image:
    """Bring any decoded mode to plain RGB in sRGB, transparency flattened onto white."""
    if image.mode.startswith("I;16"):
        # 16-bit greyscale PNGs: converting straight to 8 bits clips everything above 255 to white.
        image = image.point(lambda value: value / 256).convert("L")
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in image.info
    if has_alpha:
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    if icc_profile:
        image = _profile_to_srgb(image, icc_profile)
    if image.mode == "RGBA":
        flattened = Image.new("RGBA", image.size, (255, 255, 255, 255))
        flattened.alpha_composite(image)
        image = flattened
    return image.convert("RGB")


def _profile_to_srgb(image: Image.Image, icc_profile: bytes) -> Image.Image:
    # Browsers assume sRGB for untagged JPEGs, and we strip the profile, so colours must be converted, not relabelled;
    # iPhones tag photos Display P3. A profile that is broken or does not fit the pixels is dropped instead.
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, _SRGB, renderingIntent=ImageCms.Intent.PERCEPTUAL, outputMode=output_mode
        )
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return image
    return converted if converted is not None else image


def _fitted_size(size: tuple[int, int], edge: int) -> tuple[int, int]:
    width, height = size
    longest = max(width, height)
    if longest <= edge:
        return size
    scale = edge / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _doubled(size: tuple[int, int]) -> tuple[int, int]:
    return size[0] * 2, size[1] * 2


def _fit(image: Image.Image, edge: int) -> Image.Image:
    """Shrink to fit an edge-by-edge square, never enlarging."""
    size = _fitted_size(image.size, edge)
    if size == image.size:
        return image
    # reducing_gap: a cheap box reduction to within 3x of the target, then Lanczos; indistinguishable, much faster.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _encode_within_budget(image: Image.Image) -> tuple[bytes, tuple[int, int]]:
    """Encode under MAX_OUTPUT_BYTES: step the quality down, then shrink the picture if even the floor is too big.

    The budget keeps story pages light on residents' phone data. Busy scenes (foliage, crowds, gravel) are what
    overshoot; sensor noise is the extreme case and can need a smaller picture, not just a lower quality.
    """
    # Pillow carries a decoded file's info (comment, ICC, EXIF, XMP) into saves unless told otherwise, so the pixels
    # go out on a fresh image with nothing attached; resizing it later copies that empty info.
    bare = Image.new("RGB", image.size)
    bare.paste(image)
    image = bare
    while True:
        for quality in QUALITY_STEPS:
            encoded = _encode_jpeg(image, quality)
            if len(encoded) < MAX_OUTPUT_BYTES:
                return encoded, image.size
        # Bytes grow roughly with the pixel count, so shrink by the square root of the overshoot, with a margin.
        # Each pass makes the picture strictly smaller, and a tiny JPEG is always within budget, so this ends.
        shrink = math.sqrt(MAX_OUTPUT_BYTES / len(encoded)) * 0.9
        edge = max(1, math.floor(max(image.size) * shrink))
        image = _fit(image, edge)


def _encode_jpeg(image: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True, progressive=True, subsampling="4:2:0")
    return out.getvalue()
