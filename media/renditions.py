"""
Renditions: an image's content at the widths pages ask for, in WebP and in
its own format, made once per image and width by the background worker.

Each rendition is named by the SHA-256 of the original and a hash of its own
bytes (``renditions/ab/<sha256>/640w-<hash>.webp``), so it is cached for ever
and never overwritten. Until an image has its renditions, pages show the
original (with its size, so nothing jumps when it loads); when they are
made, the stored pages that show it are rendered again with them
(``media.tasks``).
"""

import hashlib
import io
import logging
import time
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from PIL import Image as PILImage
from PIL import ImageOps

from .models import FORMATS, ImageFormat, Rendition

logger = logging.getLogger(__name__)

# The widths of the renditions, for phones to wide screens at 2x; an image
# gets those below its own width, and one at its own width (at most the
# largest of these).
WIDTHS = (320, 640, 960, 1280, 1920)
ENCODING = {
    ImageFormat.JPEG: {"quality": 82, "optimize": True, "progressive": True},
    ImageFormat.WEBP: {"quality": 80, "method": 4},
    ImageFormat.PNG: {"optimize": False, "compress_level": 6},
    ImageFormat.AVIF: {"quality": 60, "speed": 6},
}


def widths_for(width: int) -> list[int]:
    """The rendition widths of an image ``width`` pixels wide."""
    largest = min(width, WIDTHS[-1])
    return sorted({w for w in WIDTHS if w < largest} | {largest})


def formats_for(original: str) -> list[ImageFormat]:
    """WebP, and the original's own format."""
    return sorted({ImageFormat.WEBP, ImageFormat(original)})


@dataclass(frozen=True)
class Made:
    """What ``make`` did for one image: how many renditions, how long."""

    created: int
    existing: int
    seconds: float


def _prepared(source: PILImage.Image, fmt: ImageFormat) -> PILImage.Image:
    if fmt == ImageFormat.JPEG:
        return source.convert("RGB") if source.mode != "RGB" else source
    if source.mode in ("RGBA", "RGB", "LA", "L"):
        return source
    has_alpha = "transparency" in source.info or source.mode.endswith("A")
    return source.convert("RGBA" if has_alpha else "RGB")


def render(source: PILImage.Image, width: int, fmt: ImageFormat) -> tuple[bytes, int]:
    """``source`` scaled to ``width`` and encoded as ``fmt``: its bytes and height."""
    height = max(1, round(source.height * width / source.width))
    scaled = source
    if width != source.width:
        scaled = source.resize(
            (width, height), PILImage.Resampling.LANCZOS, reducing_gap=3.0
        )
    scaled = _prepared(scaled, fmt)
    options = dict(ENCODING[fmt])
    if icc := source.info.get("icc_profile"):
        options["icc_profile"] = icc
    out = io.BytesIO()
    scaled.save(out, format=FORMATS[fmt][0], **options)
    return out.getvalue(), height


def rendition_name(sha256: str, width: int, fmt: ImageFormat, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:16]
    return f"renditions/{sha256[:2]}/{sha256}/{width}w-{digest}.{FORMATS[fmt][1]}"


def _open_original(name: str) -> PILImage.Image:
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    image = PILImage.open(io.BytesIO(data))
    if image.format == "JPEG":
        # Decode at the smallest scale that still covers the widest rendition.
        image.draft("RGB", (WIDTHS[-1], WIDTHS[-1] * image.height // image.width))
    image.load()
    return ImageOps.exif_transpose(image)


def make(name: str, sha256: str, original_format: str, width: int) -> Made:
    """
    Make the renditions the original at ``name`` (content ``sha256``, format
    and width as the library recorded them) does not have yet.
    """
    started = time.perf_counter()
    wanted = [(w, f) for w in widths_for(width) for f in formats_for(original_format)]
    have = set(
        Rendition.objects.filter(source_sha256=sha256).values_list("width", "format")
    )
    missing = [pair for pair in wanted if pair not in have]
    created = 0
    if missing:
        source = _open_original(name)
        for rendition_width, fmt in missing:
            data, height = render(source, rendition_width, fmt)
            path = rendition_name(sha256, rendition_width, fmt, data)
            if not default_storage.exists(path):
                default_storage.save(path, ContentFile(data))
            try:
                with transaction.atomic():
                    Rendition.objects.create(
                        source_sha256=sha256,
                        width=rendition_width,
                        height=height,
                        format=fmt,
                        file=path,
                        bytes=len(data),
                    )
            except IntegrityError:
                # Another worker made this one meanwhile: theirs is kept.
                continue
            created += 1
    seconds = time.perf_counter() - started
    if created:
        logger.info("Made %s renditions of %s in %.2f s", created, sha256[:12], seconds)
    return Made(created=created, existing=len(wanted) - len(missing), seconds=seconds)


def available(sha256s) -> dict[str, list[Rendition]]:
    """The renditions made so far of each content in ``sha256s``, by width."""
    found: dict[str, list[Rendition]] = {}
    shas = sorted(set(sha256s))
    if not shas:
        return found
    for rendition in Rendition.objects.filter(source_sha256__in=shas).order_by(
        "source_sha256", "width", "format"
    ):
        found.setdefault(rendition.source_sha256, []).append(rendition)
    return found


def complete(sha256: str, width: int, original_format: str, made) -> bool:
    """Whether ``made`` (renditions of ``sha256``) is every one it should have."""
    wanted = {(w, f) for w in widths_for(width) for f in formats_for(original_format)}
    return wanted <= {(r.width, r.format) for r in made}
