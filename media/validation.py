"""
Checking an uploaded image by its content, and making it safe to keep.

Every door that adds a file to the library (the admin, ``import_media``,
an article import) hands it to ``check_upload``, which reads what the file
is, not what its name says, and refuses it with the rule and the numbers:

- at most ``NEWSROOM_UPLOAD_MAX_BYTES`` bytes, checked before it is read;
- a JPEG, PNG, WebP, AVIF (where the installed Pillow reads it) or GIF
  image; anything else, whatever its name, is refused. SVG is refused too:
  an SVG drawing is a document that can carry scripts and links, and
  sanitising one well is a project of its own; export it as PNG or WebP;
- at most ``NEWSROOM_UPLOAD_MAX_PIXELS`` pixels, read from the header
  before anything is decoded (Pillow's decompression-bomb guard is held
  close to the same limit, so a small file that claims a huge picture is
  refused before it takes the memory);
- decodable to the end (a truncated or corrupt file is refused).

What is kept: the pixels, turned upright (the EXIF orientation applied)
and with every piece of metadata removed except the colour profile: no
location, no camera serial number (which can identify a source), no
comments. A GIF is kept as a PNG of its first frame. A JPEG with a
multi-picture segment (MPO, as many phones write) is kept as a JPEG of its
first picture. A file that has nothing to remove is kept byte for byte, so
checking a kept file again gives the same file (and the same SHA-256).

A JPEG is read segment by segment, not only through what Pillow reports:
anything but the JFIF header (without a thumbnail), the colour profile
(APP2 ICC_PROFILE), the Adobe colour-transform marker (APP14) and the
picture itself is removed: Exif and XMP (APP1), any other application
segment (APP2 MPF, APP3 to APP15, whatever they carry), comments, and any
bytes after the end of the picture (a second picture, or anything
appended). This is done losslessly, by copying the kept segments and the
compressed picture as they are. Only a JPEG that must be turned upright is
decoded and encoded again (quality 92); a file that cannot be walked
segment by segment although Pillow reads it is encoded again with its own
quantisation tables and subsampling (``quality="keep"``), or at quality 92
for an MPO.
"""

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError, features

from .models import FORMATS, ImageFormat

# What Pillow may report about a file that is not metadata worth removing.
HARMLESS_INFO = frozenset(
    {
        "jfif",
        "jfif_version",
        "jfif_unit",
        "jfif_density",
        "dpi",
        "icc_profile",
        "adobe",
        "adobe_transform",
        "progressive",
        "progression",
        "gamma",
        "transparency",
        "aspect",
        "srgb",
        "background",
        "interlace",
        "loop",
        "duration",
        "timestamp",
    }
)
ORIENTATION = 0x0112
_PIXELS_IN_MESSAGE = re.compile(r"\((\d+) pixels\)")


@dataclass(frozen=True)
class CheckedImage:
    """An image that passed the checks, as it will be stored."""

    data: bytes
    sha256: str
    format: ImageFormat
    width: int
    height: int

    @property
    def extension(self) -> str:
        return FORMATS[self.format][1]

    @property
    def storage_name(self) -> str:
        """Where the file is kept: named by its content, never overwritten."""
        return f"images/{self.sha256[:2]}/{self.sha256}.{self.extension}"


def accepted_formats() -> dict[str, ImageFormat | None]:
    """Pillow's names of the formats read, and what each is stored as."""
    formats = {
        "JPEG": ImageFormat.JPEG,
        "PNG": ImageFormat.PNG,
        "WEBP": ImageFormat.WEBP,
        "GIF": ImageFormat.PNG,  # its first frame
        "MPO": ImageFormat.JPEG,  # a JPEG with more pictures: its first
    }
    if features.check("avif"):
        formats["AVIF"] = ImageFormat.AVIF
    return formats


def _openers() -> list[str]:
    """The accepted formats Pillow opens by name (it opens MPO as a JPEG)."""
    PILImage.init()
    return [name for name in accepted_formats() if name in PILImage.OPEN]


def accepted_names() -> str:
    names = ["JPEG", "PNG", "WebP", *(["AVIF"] if features.check("avif") else [])]
    return ", ".join(names) + " or GIF"


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f} MB"


def _refuse(name: str, message: str, code: str) -> ValidationError:
    return ValidationError(f"{name}: {message}", code=code)


def check_size(size: int, *, name: str) -> None:
    """Refuse a file over the byte limit, before it is read."""
    limit = settings.NEWSROOM_UPLOAD_MAX_BYTES
    if size > limit:
        raise _refuse(
            name,
            f"the file is {_megabytes(size)} ({size:,} bytes); the limit is "
            f"{_megabytes(limit)} ({limit:,} bytes, NEWSROOM_UPLOAD_MAX_BYTES).",
            "too_large",
        )
    if size == 0:
        raise _refuse(name, "the file is empty.", "empty")


def _sniff(head: bytes) -> str | None:
    """What a file that is not an image looks like, for a clearer refusal."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if b"<svg" in text[:1024] or text.startswith(b"<?xml") and b"svg" in text:
        return "svg"
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "html"
    return None


def _pixels_refusal(name: str, pixels: int, size=None) -> ValidationError:
    limit = settings.NEWSROOM_UPLOAD_MAX_PIXELS
    shape = f" ({size[0]:,} × {size[1]:,})" if size else ""
    return _refuse(
        name,
        f"the image has {pixels:,} pixels{shape}; the limit is {limit:,} "
        "(NEWSROOM_UPLOAD_MAX_PIXELS). A larger picture is refused before it "
        "is decoded: scale it down first.",
        "too_many_pixels",
    )


def _open(data: bytes, name: str) -> PILImage.Image:
    """Open ``data`` as one of the accepted formats, its size checked first."""
    kind = _sniff(data[:2048])
    if kind == "svg":
        raise _refuse(
            name,
            "SVG drawings are not accepted: an SVG file can carry scripts. "
            "Export it as PNG or WebP and upload that.",
            "svg",
        )
    limit = settings.NEWSROOM_UPLOAD_MAX_PIXELS
    # Pillow's own guard, near our limit: it warns above twice the limit and
    # refuses above four times it, both refusals here; up to twice the
    # limit, the header's size is checked below, with the picture's shape.
    PILImage.MAX_IMAGE_PIXELS = 2 * limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data), formats=_openers())
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        found = _PIXELS_IN_MESSAGE.search(str(exc))
        raise _pixels_refusal(
            name, int(found.group(1)) if found else limit + 1
        ) from None
    except UnidentifiedImageError:
        what = " (it is an HTML page)" if kind == "html" else ""
        raise _refuse(
            name,
            f"this is not a {accepted_names()} image{what}: the file's content "
            "was checked, whatever its name says.",
            "not_an_image",
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise _refuse(
            name, f"the image cannot be read ({exc}).", "unreadable"
        ) from None
    width, height = image.size
    if width * height > limit:
        raise _pixels_refusal(name, width * height, image.size)
    if not width or not height:
        raise _refuse(name, "the image has no pixels.", "unreadable")
    return image


def _decode(image: PILImage.Image, name: str) -> None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", PILImage.DecompressionBombWarning)
            if getattr(image, "n_frames", 1) > 1:
                image.seek(0)
            image.load()
    except PILImage.DecompressionBombError:
        raise _pixels_refusal(name, image.size[0] * image.size[1], image.size) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise _refuse(
            name,
            "the image is damaged or incomplete: its data ends early or is "
            f"corrupt ({exc}). Export it again and upload the new file.",
            "truncated",
        ) from None


def _kept_segment(marker: int, payload: bytes) -> bool:
    """Whether a JPEG segment before or between the scans is kept as it is."""
    if marker == 0xE0:  # JFIF, only without a thumbnail (the uncropped picture)
        return payload.startswith(b"JFIF\0") and payload[12:14] in (b"", b"\0\0")
    if marker == 0xE2:
        return payload.startswith(b"ICC_PROFILE\0")
    if marker == 0xEE:
        return payload.startswith(b"Adobe")
    return not (0xE0 <= marker <= 0xEF or marker == 0xFE)  # APPn, comments


def _jpeg_without_metadata(data: bytes) -> bytes | None:
    """
    ``data``'s first picture with only the segments ``_kept_segment`` keeps
    (the same bytes when nothing is removed); None when the file cannot be
    walked segment by segment.
    """
    if not data.startswith(b"\xff\xd8"):
        return None
    kept, pos, end = [b"\xff\xd8"], 2, len(data)
    while pos < end:
        if data[pos] != 0xFF:
            return None
        while pos < end and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= end:
            return None
        marker, pos = data[pos], pos + 1
        if marker == 0xD9:  # the end of the (first) picture: nothing after it
            kept.append(b"\xff\xd9")
            return b"".join(kept)
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            kept.append(bytes((0xFF, marker)))
            continue
        if pos + 2 > end:
            return None
        length = int.from_bytes(data[pos : pos + 2])
        if length < 2 or pos + length > end:
            return None
        start, pos = pos - 2, pos + length
        if marker == 0xDA:  # a scan: its compressed data runs to the next marker
            while True:
                pos = data.find(b"\xff", pos)
                if pos < 0 or pos + 1 >= end:
                    return None
                following = data[pos + 1]
                if following == 0 or 0xD0 <= following <= 0xD7 or following == 0xFF:
                    pos += 1 if following == 0xFF else 2
                    continue
                break
        if _kept_segment(marker, data[start + 4 : start + 2 + length]):
            kept.append(data[start:pos])
    return None


def _needs_rewrite(image: PILImage.Image, data: bytes) -> bool:
    """Whether anything besides the pixels and the colour profile would be kept."""
    if image.format in ("GIF", "MPO"):
        return True
    if set(image.info) - HARMLESS_INFO:
        return True  # EXIF, XMP, IPTC, comments, text chunks
    if image.getexif().get(ORIENTATION, 1) != 1:
        return True
    return image.format == "JPEG" and _jpeg_without_metadata(data) != data


def _encode(image: PILImage.Image, fmt: ImageFormat, *, keep_quality: bool) -> bytes:
    icc = image.info.get("icc_profile")
    upright = ImageOps.exif_transpose(image)
    # Nothing of the source's metadata goes into the new file: only what
    # is passed here (Pillow falls back to an image's info otherwise).
    upright.info = {}
    options = {"icc_profile": icc} if icc else {}
    if fmt == ImageFormat.JPEG:
        if upright.mode not in ("RGB", "L", "CMYK"):
            upright = upright.convert("RGB")
        if keep_quality and upright is not image:
            keep_quality = False
        if keep_quality:
            options.update(quality="keep", subsampling="keep")
        else:
            options.update(quality=92)
    elif fmt == ImageFormat.WEBP:
        options.update(quality=90)
    elif fmt == ImageFormat.AVIF:
        options.update(quality=80)
    elif upright.mode not in ("1", "L", "LA", "I", "P", "RGB", "RGBA"):
        upright = upright.convert("RGBA")
    out = io.BytesIO()
    upright.save(out, format=FORMATS[fmt][0], **options)
    return out.getvalue()


def _rewrite(image: PILImage.Image, data: bytes, fmt: ImageFormat) -> bytes:
    """The file to keep: losslessly stripped when a JPEG need not be turned."""
    upright = image.getexif().get(ORIENTATION, 1) == 1
    if fmt == ImageFormat.JPEG and upright:
        stripped = _jpeg_without_metadata(data)
        if stripped is not None:
            # What Pillow decoded whole must decode whole without what was
            # removed; if not, the walk misread the file: encode it instead.
            try:
                kept = PILImage.open(io.BytesIO(stripped), formats=["JPEG"])
                kept.load()
            except (OSError, SyntaxError, ValueError, EOFError):
                kept = None
            if kept and kept.format == "JPEG" and kept.size == image.size:
                return stripped
    return _encode(image, fmt, keep_quality=image.format == "JPEG")


def check_upload(data: bytes, *, name: str) -> CheckedImage:
    """
    Check ``data`` (a whole uploaded file, called ``name``) and return what
    to store; raise ValidationError naming the rule and the numbers.
    """
    check_size(len(data), name=name)
    image = _open(data, name)
    _decode(image, name)
    fmt = accepted_formats().get(image.format)
    if fmt is None:
        raise _refuse(
            name,
            f"this is a {image.format} image; the library takes {accepted_names()} "
            "images: export it as one of those and upload that.",
            "format_not_accepted",
        )
    if _needs_rewrite(image, data):
        data = _rewrite(image, data, fmt)
        width, height = PILImage.open(io.BytesIO(data)).size
    else:
        width, height = image.size
    return CheckedImage(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=fmt,
        width=width,
        height=height,
    )
