"""
Images in the JSON interchange document (``articles.interchange``).

The document carries the images an article shows (its lead image, those
placed in its body, those its claims are about) under ``images``: each with
a ``key``, its words (alt text, caption, credit, licence, source) and its
``sha256``, and the file itself either inline (``data``, base64) or as a
``url`` relative to the document (an export to a folder or a zip writes the
files beside it). In the document's body an image is placed by its key,
``![…](image:KEY)``, not by the library's number, which is only this
database's; offsets of claims count in the document's body. An import
checks every file as an upload is checked, reuses an image the library
already has (same content), adds the others, and writes the library's
numbers back into the body, moving the claims' offsets with them.
"""

import base64
import binascii
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage

from entities.validators import validate_http_url

from . import library
from .models import ALT_MAX_LENGTH, CAPTION_MAX_LENGTH, Image
from .usage import IMAGE_WORDS
from .validation import CheckedImage, check_upload

# ``](image:REFERENCE`` in a body: the place of a library image.
REFERENCE = re.compile(r"(\]\(\s*image:)([0-9A-Za-z_.-]{1,80})(?=[\s)])")
KEY_RE = re.compile(r"[0-9A-Za-z_.-]{1,80}\Z")


def key_for(image: Image) -> str:
    """An image's key in documents: from its content, so the same every time."""
    return f"img-{image.sha256[:16]}"


def file_path(image: Image) -> str:
    """Where an export to a folder or a zip puts the image's file."""
    return f"images/{key_for(image)}.{image.file.name.rsplit('.', 1)[-1]}"


def rewrite(body: str, claims: list[dict], mapping: dict[str, str]) -> str:
    """
    ``body`` with each image reference renamed by ``mapping`` (old to new),
    the claims' ``start``, ``end``, ``quote`` (and, when present, ``prefix``
    and ``suffix``) moved with the text. Claims are changed in place.
    """
    edits = []  # (start, end, replacement) in the old body
    for match in REFERENCE.finditer(body):
        new = mapping.get(match.group(2))
        if new is not None and new != match.group(2):
            edits.append((match.start(2), match.end(2), new))
    if not edits:
        return body
    pieces, cursor = [], 0
    for start, end, new in edits:
        pieces += [body[cursor:start], new]
        cursor = end
    pieces.append(body[cursor:])
    new_body = "".join(pieces)

    def moved(offset: int) -> int:
        shift = 0
        for start, end, new in edits:
            if end <= offset:
                shift += len(new) - (end - start)
            elif start < offset:  # inside a reference: to its end
                return end + shift + len(new) - (end - start)
        return offset + shift

    for claim in claims:
        if claim.get("start") is None or claim.get("end") is None:
            continue
        if claim.get("anchor") == "orphaned":
            continue  # an orphan's offsets are where it last was
        start, end = moved(claim["start"]), moved(claim["end"])
        claim.update(start=start, end=end, quote=new_body[start:end])
        if "prefix" in claim:
            claim["prefix"] = new_body[max(0, start - len(claim["prefix"])) : start]
        if "suffix" in claim:
            claim["suffix"] = new_body[end : end + len(claim["suffix"])]
    return new_body


# Export ------------------------------------------------------------------------


def export_images(article, claims, *, inline: bool) -> tuple[list[dict], dict]:
    """
    The ``images`` of an article's document, and the files to write beside
    it (path in the folder or zip: storage name) when not ``inline``.
    """
    wanted = []
    if article.lead_image_id:
        wanted.append(article.lead_image_id)
    from articles.rendering import placed_images

    wanted += [pk for pk, _ in placed_images(article.body)]
    wanted += [c.media_image_id for c in claims if c.media_image_id]
    found = Image.objects.in_bulk(set(wanted))
    entries, files = [], {}
    for pk in dict.fromkeys(wanted):
        image = found.get(pk)
        if image is None:
            continue
        entry = {
            "key": key_for(image),
            "title": image.title,
            **{name: getattr(image, name) for name in IMAGE_WORDS},
            "sha256": image.sha256,
        }
        if inline:
            with default_storage.open(image.file.name, "rb") as handle:
                entry["data"] = base64.b64encode(handle.read()).decode("ascii")
        else:
            entry["url"] = file_path(image)
            files[entry["url"]] = image.file.name
        entries.append(entry)
    return entries, {
        "keys": {pk: key_for(img) for pk, img in found.items()},
        "files": files,
    }


# Reading and importing ---------------------------------------------------------


@dataclass
class ImageSpec:
    """A checked entry of ``images``, its file not read yet."""

    where: str
    key: str
    words: dict
    sha256: str
    data: str | None
    url: str | None


def read_images(r, doc) -> list[ImageSpec]:
    """The document's ``images``, each problem noted on ``r`` with its place."""
    specs, keys = [], set()
    for i, item in enumerate(r.array(doc, "images", "")):
        where = f"images[{i}]"
        if r.mapping(item, where) is None:
            continue
        key = r.text(item, "key", where, required=True, blank=False)
        if key and not KEY_RE.match(key):
            r.fail(f"{where}.key", f"{key!r} is not a key (letters, digits, . _ -)")
        if key in keys:
            r.fail(f"{where}.key", f"{key!r} is used by two images")
        keys.add(key)
        words = {
            "title": r.text(item, "title", where, max_length=200),
            "alt": r.text(item, "alt", where, max_length=ALT_MAX_LENGTH),
            "decorative": r.boolean(item, "decorative", where),
            "caption": r.text(item, "caption", where, max_length=CAPTION_MAX_LENGTH),
            "credit": r.text(item, "credit", where, max_length=300),
            "licence": r.text(item, "licence", where, max_length=300),
            "source_url": r.text(item, "source_url", where, max_length=500),
        }
        if words["source_url"]:
            try:
                validate_http_url(words["source_url"])
            except ValidationError as error:
                r.fail(f"{where}.source_url", error.messages[0])
        sha256 = r.text(item, "sha256", where, max_length=64)
        data = item.get("data")
        url = item.get("url")
        if (data is None) == (url is None):
            r.fail(where, "needs the file: either data (base64) or url, not both")
        elif data is not None and not isinstance(data, str):
            r.fail(f"{where}.data", "must be a string of base64")
        elif url is not None and not isinstance(url, str):
            r.fail(f"{where}.url", "must be a string")
        elif isinstance(data, str):
            # Checked before decoding: base64 is 4 characters for 3 bytes.
            limit = settings.NEWSROOM_UPLOAD_MAX_BYTES
            if len(data) > limit * 4 // 3 + 4:
                r.fail(
                    f"{where}.data",
                    f"holds more than {limit:,} bytes (NEWSROOM_UPLOAD_MAX_BYTES)",
                )
        specs.append(ImageSpec(where, key, words, sha256, data, url))
    return specs


def check_media_keys(r, claims: list[dict], body: str, lead, specs) -> None:
    """Every image the document names (lead, body, claims) is among ``images``."""
    keys = {spec.key for spec in specs}
    if lead and lead not in keys:
        r.fail("article.lead_image", f"{lead!r} is not the key of any of its images")
    for match in REFERENCE.finditer(body):
        if match.group(2) not in keys:
            r.fail(
                "article.body",
                f"places image {match.group(2)!r}, which is not among its images",
            )
    for claim in claims:
        key = claim.get("media_image_key")
        if key and key not in keys:
            r.fail(f"{claim['where']}.media.image", f"{key!r} is not among its images")


def _file_bytes(spec: ImageSpec, read_file) -> bytes:
    if spec.data is not None:
        try:
            return base64.b64decode(spec.data, validate=True)
        except (binascii.Error, ValueError):
            raise ValidationError(f"{spec.where}.data is not valid base64") from None
    if re.match(r"[a-z][a-z0-9+.-]*:", spec.url or "", re.I) or spec.url.startswith(
        ("/", "\\")
    ):
        raise ValidationError(
            f"{spec.where}.url {spec.url!r}: only a file beside the document is "
            "read (a relative path, as an export to a folder or a zip writes it)"
        )
    if read_file is None:
        raise ValidationError(
            f"{spec.where}.url {spec.url!r}: the document was not read from a "
            "folder or a zip, so there is no file beside it"
        )
    try:
        return read_file(spec.url)
    except (OSError, KeyError, ValueError) as exc:
        raise ValidationError(
            f"{spec.where}.url {spec.url!r} cannot be read: {exc}"
        ) from None


def check_images(specs: list[ImageSpec], read_file) -> tuple[dict, list[str]]:
    """Each image's file, read and checked as an upload: (key: checked), problems."""
    checked, errors = {}, []
    for spec in specs:
        try:
            data = _file_bytes(spec, read_file)
            image = check_upload(data, name=spec.where)
        except ValidationError as error:
            errors.extend(error.messages)
            continue
        if spec.sha256 and spec.sha256 != image.sha256:
            errors.append(
                f"{spec.where}.sha256 does not match its file (the file's is "
                f"{image.sha256[:12]}…)"
            )
            continue
        checked[spec.key] = image
    return checked, errors


def import_images(
    specs: list[ImageSpec], checked: dict[str, CheckedImage], *, user
) -> tuple[dict[str, Image], int]:
    """The library image of each key: the library's own when it has the
    content, else added; and how many were added."""
    images, added = {}, 0
    for spec in specs:
        file = checked[spec.key]
        existing = Image.objects.filter(sha256=file.sha256).first()
        if existing is None:
            existing = library.add_image(
                file, user=user, name=f"{spec.key}.{file.extension}", **spec.words
            )
            added += 1
        images[spec.key] = existing
    return images, added


def files_of(document: dict) -> dict[str, str]:
    """The files an export names by ``url``: path beside it to storage name."""
    wanted = {
        entry["sha256"]: entry["url"]
        for entry in document.get("images", [])
        if entry.get("url")
    }
    return {
        wanted[image.sha256]: image.file.name
        for image in Image.objects.filter(sha256__in=wanted)
    }
