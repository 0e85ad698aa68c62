"""
Reading a JSON interchange document (DESIGN §8): every problem found at
once, each with the place it was found, before anything is written.

``read_document(doc)`` checks a decoded document on its own (its format,
version, every field's type, length and value, quotes against the body's
offsets, citations against the document's sources) and returns a plan of
model field values for ``articles.interchange`` to write.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from entities.models import EntityKind, SourceKind
from entities.validators import validate_http_url
from media.claim_media import MAX_SECONDS, MediaAuthenticity, MediaType
from media.interchange import ImageSpec, check_media_keys, read_images

from . import anchoring
from .models import (
    EXCERPT_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    AnchorState,
    ArticleStatus,
    CitationRelation,
    ClaimKind,
    CorrectionKind,
    Mention,
    Rating,
)

FORMAT = "newsroom.article"
VERSION = 1
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
# The largest integer a database column holds.
MAX_INTEGER = 2**31 - 1


class DocumentError(ValueError):
    """A document or file that cannot be imported; ``errors`` lists why."""

    def __init__(self, errors: list[str] | str):
        self.errors = [errors] if isinstance(errors, str) else list(errors)
        super().__init__(self.summary())

    def summary(self, limit: int = 3) -> str:
        """The problems on one line, the first ``limit`` of them in full."""
        shown = "; ".join(self.errors[:limit])
        more = len(self.errors) - limit
        if more > 0:
            shown += f" (and {more} more problem{'s' if more > 1 else ''})"
        return shown


_MISSING = object()


def _json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _one_of(values) -> str:
    return ", ".join(values)


class _Reader:
    """Reads a decoded document, noting every problem with where it is."""

    def __init__(self):
        self.errors: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.errors.append(f"{where} {message}")

    def mapping(self, value, where: str) -> dict | None:
        if not isinstance(value, dict):
            self.fail(where, f"must be an object, not {_json_type(value)}")
            return None
        return value

    def array(self, data: dict, key: str, where: str) -> list:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(f"{where}{key}", f"must be an array, not {_json_type(value)}")
            return []
        return value

    def text(
        self,
        data: dict,
        key: str,
        where: str,
        *,
        required: bool = False,
        blank: bool = True,
        max_length: int | None = None,
    ) -> str:
        path = f"{where}.{key}"
        value = data.get(key, _MISSING)
        if value is _MISSING or value is None:
            if required:
                self.fail(path, "is missing")
            return ""
        if not isinstance(value, str):
            self.fail(path, f"must be a string, not {_json_type(value)}")
            return ""
        return self.check_text(value, path, blank=blank, max_length=max_length)

    def check_text(self, value: str, path: str, *, blank=True, max_length=None):
        if "\x00" in value:
            self.fail(path, "contains a NUL character")
            return ""
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            self.fail(path, "is not valid Unicode (it holds a lone surrogate)")
            return ""
        if not blank and not value.strip():
            self.fail(path, "is empty")
        if max_length is not None and len(value) > max_length:
            self.fail(
                path, f"is {len(value)} characters long; the limit is {max_length}"
            )
        return value

    def texts(self, data: dict, key: str, where: str) -> list[str]:
        path = f"{where}.{key}"
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"must be an array of strings, not {_json_type(value)}")
            return []
        result = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{path}[{i}]", f"must be a string, not {_json_type(item)}")
            elif item.strip():
                result.append(self.check_text(item.strip(), f"{path}[{i}]"))
        return result

    def slug(self, data: dict, key: str, where: str, *, required=True) -> str:
        value = self.text(data, key, where, required=required, max_length=200)
        if value and not SLUG_RE.match(value):
            self.fail(
                f"{where}.{key}",
                f"{value!r} is not a slug (letters, digits, hyphens and "
                "underscores only)",
            )
        return value

    def choice(self, data: dict, key: str, where: str, choices, default: str) -> str:
        path = f"{where}.{key}"
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, str) or value not in choices.values:
            shown = repr(value) if isinstance(value, str) else _json_type(value)
            self.fail(path, f"{shown} is not one of: {_one_of(choices.values)}")
            return default
        return value

    def integer(self, data: dict, key: str, where: str) -> int | None:
        path = f"{where}.{key}"
        value = data.get(key)
        if value is None:
            self.fail(path, "is missing")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(path, f"must be an integer, not {_json_type(value)}")
            return None
        if value < 0:
            self.fail(path, "must not be negative")
            return None
        if value > MAX_INTEGER:
            self.fail(path, f"is too large (the limit is {MAX_INTEGER:,})")
            return None
        return value

    def boolean(self, data: dict, key: str, where: str) -> bool:
        value = data.get(key)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.fail(f"{where}.{key}", f"must be true or false, not {value!r}")
            return False
        return value

    def moment(self, data: dict, key: str, where: str) -> datetime | None:
        value = self.text(data, key, where)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(f"{where}.{key}", f"{value!r} is not an ISO 8601 date and time")
            return None
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(UTC)
        except (OverflowError, ValueError):
            self.fail(f"{where}.{key}", f"{value!r} is out of range")
            return None
        return moment

    def day(self, data: dict, key: str, where: str) -> date | None:
        value = self.text(data, key, where)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(f"{where}.{key}", f"{value!r} is not an ISO 8601 date")
            return None


@dataclass
class Plan:
    """A checked document, as model field values."""

    article: dict
    authors: list[str]
    entities: list[dict]
    sources: list[dict]
    claims: list[dict]
    corrections: list[dict]
    mentions: list[dict]
    images: list[ImageSpec]
    lead_image: str | None = None


def _header(r: _Reader, doc) -> None:
    if r.mapping(doc, "the document") is None:
        raise DocumentError("the document must be a JSON object")
    fmt = doc.get("format")
    if fmt != FORMAT:
        what = "is missing" if fmt is None else f"is {fmt!r}"
        raise DocumentError(
            f"format {what}: this is not a {FORMAT} document (expected "
            f'"format": "{FORMAT}")'
        )
    version = doc.get("version")
    if version != VERSION or isinstance(version, bool):
        what = "is missing" if version is None else f"{version!r} is not supported"
        raise DocumentError(
            f"version {what}: this newsroom reads version {VERSION} documents"
        )


def _read_article(r: _Reader, doc) -> tuple[dict, list[str]]:
    data = r.mapping(doc.get("article"), "article")
    if data is None:
        raise DocumentError(r.errors)
    article = {
        "slug": r.slug(data, "slug", "article"),
        "title": r.text(
            data, "title", "article", required=True, blank=False, max_length=300
        ),
        "dek": r.text(data, "dek", "article"),
        "body": r.text(data, "body", "article", required=True),
        "byline": r.text(data, "byline", "article", max_length=300),
        "publish_at": r.moment(data, "publish_at", "article"),
    }
    authors = r.texts(data, "authors", "article")
    assignees = r.mapping(data.get("assignees") or {}, "article.assignees") or {}
    for role in ("editor", "reporter", "checker"):
        article[role] = r.text(assignees, role, "article.assignees") or None
    article["due_at"] = r.moment(data, "due_at", "article")
    # Read for their errors only: an import never takes the workflow state over.
    r.choice(data, "status", "article", ArticleStatus, ArticleStatus.DRAFT)
    r.moment(data, "first_published_at", "article")
    r.moment(data, "last_published_at", "article")
    return article, authors


def _items(r: _Reader, data: dict, key: str, where: str = ""):
    """The objects of the array ``key``, each with its place (``claims[3]``)."""
    prefix = f"{where}." if where else ""
    for i, item in enumerate(r.array(data, key, prefix)):
        place = f"{prefix}{key}[{i}]"
        if r.mapping(item, place) is not None:
            yield item, place


def _read_entities(r: _Reader, doc) -> list[dict]:
    entities, slugs = [], set()
    for item, where in _items(r, doc, "entities"):
        entity = {
            "slug": r.slug(item, "slug", where),
            "name": r.text(
                item, "name", where, required=True, blank=False, max_length=200
            ),
            "kind": r.choice(item, "kind", where, EntityKind, EntityKind.OTHER),
            "aliases": "\n".join(r.texts(item, "aliases", where)),
            "description": r.text(item, "description", where, max_length=300),
            "wikidata_id": r.text(item, "wikidata_id", where, max_length=20),
            "url": r.text(item, "url", where, max_length=500),
        }
        if entity["slug"] in slugs:
            r.fail(f"{where}.slug", f"{entity['slug']!r} is listed twice")
        slugs.add(entity["slug"])
        entity["where"] = where
        entities.append(entity)
    return entities


def _read_sources(r: _Reader, doc) -> list[dict]:
    sources, keys = [], set()
    for item, where in _items(r, doc, "sources"):
        source = {
            "key": r.text(item, "key", where, required=True, blank=False),
            "title": r.text(
                item, "title", where, required=True, blank=False, max_length=300
            ),
            "kind": r.choice(item, "kind", where, SourceKind, SourceKind.OTHER),
            "publisher": r.slug(item, "publisher", where, required=False) or None,
            "authors": "\n".join(r.texts(item, "authors", where)),
            "url": r.text(item, "url", where, max_length=500),
            "published_on": r.day(item, "published_on", where),
            "archive_url": r.text(item, "archive_url", where, max_length=500),
            "notes": r.text(item, "notes", where),
        }
        if source["key"] in keys:
            r.fail(f"{where}.key", f"{source['key']!r} is used by two sources")
        keys.add(source["key"])
        source["where"] = where
        sources.append(source)
    return sources


def _read_citation(r: _Reader, cited: dict, where: str, source_keys: set) -> dict:
    citation = {
        "source": r.text(cited, "source", where, required=True),
        "relation": r.choice(
            cited, "relation", where, CitationRelation, CitationRelation.SUPPORTS
        ),
        "excerpt": r.text(cited, "excerpt", where, max_length=EXCERPT_MAX_LENGTH),
        "locator": r.text(cited, "locator", where, max_length=200),
        "note": r.text(cited, "note", where, max_length=NOTE_MAX_LENGTH),
    }
    if citation["source"] and citation["source"] not in source_keys:
        r.fail(
            f"{where}.source",
            f"{citation['source']!r} is not the key of any of the document's sources",
        )
    return citation


def _read_claims(r: _Reader, doc, body: str, source_keys: set) -> list[dict]:
    claims = []
    for item, where in _items(r, doc, "claims"):
        claim = _read_claim(r, item, where, body)
        claim["citations"] = [
            _read_citation(r, cited, cwhere, source_keys)
            for cited, cwhere in _items(r, item, "citations", where)
        ]
        claims.append(claim)
    return claims


def _read_corrections(r: _Reader, doc) -> list[dict]:
    return [
        {
            "kind": r.choice(
                item, "kind", where, CorrectionKind, CorrectionKind.CORRECTION
            ),
            "text": r.text(
                item,
                "text",
                where,
                required=True,
                blank=False,
                max_length=EXPLANATION_MAX_LENGTH,
            ),
            "date": r.moment(item, "date", where) or timezone.now(),
        }
        for item, where in _items(r, doc, "corrections")
    ]


def _read_mentions(r: _Reader, doc) -> list[dict]:
    return [
        {
            "entity": r.slug(item, "entity", where),
            "origin": r.choice(
                item, "origin", where, Mention.Origin, Mention.Origin.MANUAL
            ),
            "suppressed": r.boolean(item, "suppressed", where),
            "where": where,
        }
        for item, where in _items(r, doc, "mentions")
    ]


def read_document(doc) -> Plan:
    """Check ``doc`` (a decoded JSON value) on its own; raise DocumentError."""
    r = _Reader()
    _header(r, doc)
    article, authors = _read_article(r, doc)
    entities = _read_entities(r, doc)
    sources = _read_sources(r, doc)
    claims = _read_claims(r, doc, article["body"], {s["key"] for s in sources})
    corrections = _read_corrections(r, doc)
    mentions = _read_mentions(r, doc)
    images = read_images(r, doc)
    lead = _lead_image(r, doc)
    check_media_keys(r, claims, article["body"], lead, images)
    if r.errors:
        raise DocumentError(r.errors)
    return Plan(
        article, authors, entities, sources, claims, corrections, mentions, images, lead
    )


def _lead_image(r: _Reader, doc) -> str | None:
    data = doc.get("article")
    return r.text(data, "lead_image", "article") or None if data else None


def _read_media(r: _Reader, item: dict, where: str) -> dict:
    """A claim's ``media`` as the claim's fields (empty when it has none)."""
    media = item.get("media")
    empty = {
        "media_type": "",
        "media_image_key": None,
        "media_url": "",
        "media_archive_url": "",
        "media_appeared_url": "",
        "media_platform": "",
        "media_appeared_on": None,
        "media_start_seconds": None,
        "media_end_seconds": None,
        "media_authenticity": "",
    }
    if media is None:
        return empty
    where = f"{where}.media"
    if r.mapping(media, where) is None:
        return empty
    # Without a type: a time range says video, anything else image.
    timed = any(media.get(k) is not None for k in ("start_seconds", "end_seconds"))
    fields = {
        "media_type": r.choice(
            media,
            "type",
            where,
            MediaType,
            MediaType.VIDEO if timed else MediaType.IMAGE,
        ),
        "media_image_key": r.text(media, "image", where) or None,
        "media_url": r.text(media, "url", where, max_length=500),
        "media_archive_url": r.text(media, "archive_url", where, max_length=500),
        "media_appeared_url": r.text(media, "appeared_url", where, max_length=500),
        "media_platform": r.text(media, "platform", where, max_length=100),
        "media_appeared_on": _day_or_moment(r, media, "appeared_at", where),
        # "" or null: not said (yet).
        "media_authenticity": r.choice(
            {"authenticity": media.get("authenticity") or None},
            "authenticity",
            where,
            MediaAuthenticity,
            "",
        ),
    }
    for key in ("url", "archive_url", "appeared_url"):
        if fields[f"media_{key}"]:
            try:
                validate_http_url(fields[f"media_{key}"])
            except ValidationError as error:
                r.fail(f"{where}.{key}", error.messages[0])
    for key in ("start_seconds", "end_seconds"):
        value = media.get(key)
        fields[f"media_{key}"] = None
        if value is not None:
            number = r.integer(media, key, where)
            if number is not None and number > MAX_SECONDS:
                r.fail(f"{where}.{key}", f"is more than a day ({MAX_SECONDS:,} s)")
            fields[f"media_{key}"] = number
    return fields


def _day_or_moment(r: _Reader, data: dict, key: str, where: str):
    """An ISO 8601 date, or the date of an ISO 8601 date and time."""
    value = data.get(key)
    if isinstance(value, str) and "T" in value:
        moment = r.moment(data, key, where)
        return moment.date() if moment else None
    return r.day(data, key, where)


def _read_claim(r: _Reader, item: dict, where: str, body: str) -> dict:
    media = _read_media(r, item, where)
    claim = {
        # A claim about media may quote no words of the body.
        "quote": r.text(
            item, "quote", where, required=True, blank=bool(media["media_type"])
        ),
        "prefix": r.text(item, "prefix", where, max_length=64),
        "suffix": r.text(item, "suffix", where, max_length=64),
        "start": r.integer(item, "start", where),
        "end": r.integer(item, "end", where),
        "anchor": r.choice(item, "anchor", where, AnchorState, AnchorState.ANCHORED),
        "claimant": r.slug(item, "claimant", where, required=False) or None,
        "kind": r.choice(item, "kind", where, ClaimKind, ClaimKind.FACT),
        "statement": r.text(item, "statement", where, max_length=500),
        "rating": r.choice(item, "rating", where, Rating, Rating.UNRATED),
        "rating_explanation": r.text(
            item, "rating_explanation", where, max_length=EXPLANATION_MAX_LENGTH
        ),
        "checked_by": r.text(item, "checked_by", where) or None,
        "checked_at": r.moment(item, "checked_at", where),
        "stale": r.boolean(item, "stale", where),
        "tagged_by": r.text(item, "tagged_by", where) or None,
        "separation_overridden": r.boolean(item, "separation_overridden", where),
        **media,
        "where": where,
    }
    start, end, quote = claim["start"], claim["end"], claim["quote"]
    if start is None or end is None or not quote:
        return claim
    if end < start:
        r.fail(f"{where}.end", f"({end}) is before start ({start})")
        return claim
    if claim["anchor"] == AnchorState.ORPHANED:
        # An orphan keeps its last known quote and offsets: they need not fit.
        return claim
    if end > len(body):
        r.fail(
            where,
            f"offsets {start}-{end} are beyond the end of the body "
            f"({len(body)} characters)",
        )
        return claim
    if body[start:end] != quote:
        found = body.find(quote)
        hint = f" (it is at {found}-{found + len(quote)})" if found >= 0 else ""
        r.fail(f"{where}.quote", f"is not found in the body at {start}-{end}{hint}")
        return claim
    selector = anchoring.select(body, start, end)
    prefix, suffix = claim["prefix"], claim["suffix"]
    for key, side, expected, computed in (
        (
            "prefix",
            "before",
            body[max(0, start - len(prefix)) : start],
            selector.prefix,
        ),
        ("suffix", "after", body[end : end + len(suffix)], selector.suffix),
    ):
        if item.get(key) is None:
            claim[key] = computed
        elif claim[key] != expected:
            r.fail(
                f"{where}.{key}",
                f"does not match the text {side} the quote in the body",
            )
    return claim
