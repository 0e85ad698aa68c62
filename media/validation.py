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
comments. A GIF is kept as a PNG of its first frame. A file that has
nothing to remove is kept byte for byte, so checking a kept file again
gives the same file (and the same SHA-256).
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
    }
    if features.check("avif"):
        formats["AVIF"] = ImageFormat.AVIF
    return formats


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
            image = PILImage.open(io.BytesIO(data), formats=list(accepted_formats()))
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


def _needs_rewrite(image: PILImage.Image) -> bool:
    """Whether anything besides the pixels and the colour profile would be kept."""
    if image.format == "GIF":
        return True
    if set(image.info) - HARMLESS_INFO:
        return True  # EXIF, XMP, IPTC, comments, text chunks
    return image.getexif().get(ORIENTATION, 1) != 1


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


def check_upload(data: bytes, *, name: str) -> CheckedImage:
    """
    Check ``data`` (a whole uploaded file, called ``name``) and return what
    to store; raise ValidationError naming the rule and the numbers.
    """
    check_size(len(data), name=name)
    image = _open(data, name)
    _decode(image, name)
    fmt = accepted_formats()[image.format]
    if _needs_rewrite(image):
        data = _encode(image, fmt, keep_quality=image.format == "JPEG")
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
