"""
The JSON interchange document of an article (DESIGN §8).

``export_article(article)`` returns the document: the article with its claims
(quote selectors), citations, the sources they cite, the entities it names or
quotes, its corrections, and the editors' own mention links.
``import_document(doc)`` checks a document and writes it as a new draft (or,
with ``update=True``, as the new working copy of the article with the same
slug). Export, import into an empty database and export again gives the same
document, except for the workflow fields (``status``, ``first_published_at``,
``last_published_at``) which an import never takes over: imports are drafts.

Matching instead of duplicating: an entity whose slug exists is reused as it
is; a source is reused when one has the same URL, or, for a source without a
URL, the same title and publisher. Within a document, citations name their
source by its ``key``.

A document is checked completely before anything is written, and every
problem is reported with the place it was found, for example
``claims[3].quote is not found in the body at 120-145``. Unknown keys are
ignored, so later versions of the format can add keys without breaking older
readers; a different ``version`` number is refused.

The JSON Schema of the document is ``docs/article.schema.json``.
"""

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import reversion
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from entities.models import Entity, EntityKind, Source, SourceKind

from . import anchoring, workflow
from .models import (
    EXCERPT_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    AnchorState,
    Article,
    ArticleStatus,
    Citation,
    CitationRelation,
    Claim,
    ClaimKind,
    Correction,
    CorrectionKind,
    Mention,
    Rating,
)

logger = logging.getLogger(__name__)

FORMAT = "newsroom.article"
VERSION = 1
SLUG_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")


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


@dataclass
class ImportResult:
    """What an import wrote (or, in a dry run, would have written)."""

    article: Article
    created: bool = True
    claims: int = 0
    citations: int = 0
    corrections: int = 0
    mentions: int = 0
    entities_created: list[str] = field(default_factory=list)
    sources_created: int = 0
    sources_matched: int = 0
    dry_run: bool = False


# Export ----------------------------------------------------------------------


def _datetime(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _username(user) -> str | None:
    return user.get_username() if user else None


def _source_keys(sources: list[Source]) -> dict[int, str]:
    """Readable, unique keys for the sources, in order of first citation."""
    keys, taken = {}, set()
    for source in sources:
        base = slugify(source.title)[:50].strip("-") or "source"
        key, n = base, 2
        while key in taken:
            key, n = f"{base}-{n}", n + 1
        taken.add(key)
        keys[source.pk] = key
    return keys


def export_entity(entity: Entity) -> dict:
    return {
        "slug": entity.slug,
        "name": entity.name,
        "kind": entity.kind,
        "aliases": entity.alias_list,
        "description": entity.description,
        "wikidata_id": entity.wikidata_id,
        "url": entity.url,
    }


def export_article(article: Article) -> dict:
    """The JSON interchange document of ``article``."""
    claims = list(
        article.claims.select_related("claimant", "checked_by", "tagged_by")
        .prefetch_related("citations__source__publisher")
        .order_by("start", "end", "pk")
    )
    mentions = list(article.mentions.select_related("entity").order_by("entity__slug"))
    sources: dict[int, Source] = {}
    for claim in claims:
        for citation in claim.citations.all():
            sources.setdefault(citation.source_id, citation.source)
    keys = _source_keys(list(sources.values()))
    entities = {m.entity.slug: m.entity for m in mentions}
    entities.update({c.claimant.slug: c.claimant for c in claims if c.claimant})
    entities.update(
        {s.publisher.slug: s.publisher for s in sources.values() if s.publisher}
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "article": {
            "slug": article.slug,
            "title": article.title,
            "dek": article.dek,
            "body": article.body,
            "byline": article.byline,
            "authors": sorted(u.get_username() for u in article.authors.all()),
            "status": article.status,
            "publish_at": _datetime(article.publish_at),
            "first_published_at": _datetime(article.first_published_at),
            "last_published_at": _datetime(article.last_published_at),
        },
        "entities": [export_entity(entities[slug]) for slug in sorted(entities)],
        "sources": [
            {
                "key": keys[source.pk],
                "title": source.title,
                "kind": source.kind,
                "publisher": source.publisher.slug if source.publisher else None,
                "authors": source.author_list,
                "url": source.url,
                "published_on": _date(source.published_on),
                "archive_url": source.archive_url,
                "notes": source.notes,
            }
            for source in sources.values()
        ],
        "claims": [
            {
                "quote": claim.quote,
                "prefix": claim.prefix,
                "suffix": claim.suffix,
                "start": claim.start,
                "end": claim.end,
                "anchor": claim.anchor,
                "claimant": claim.claimant.slug if claim.claimant else None,
                "kind": claim.kind,
                "statement": claim.statement,
                "rating": claim.rating,
                "rating_explanation": claim.rating_explanation,
                "checked_by": _username(claim.checked_by),
                "checked_at": _datetime(claim.checked_at),
                "stale": workflow.is_stale(claim),
                "tagged_by": _username(claim.tagged_by),
                "separation_overridden": claim.separation_overridden,
                "citations": [
                    {
                        "source": keys[citation.source_id],
                        "relation": citation.relation,
                        "excerpt": citation.excerpt,
                        "locator": citation.locator,
                        "note": citation.note,
                    }
                    for citation in claim.citations.all()
                ],
            }
            for claim in claims
        ],
        "corrections": [
            {"kind": c.kind, "text": c.text, "date": _datetime(c.date)}
            for c in article.corrections.order_by("date", "pk")
        ],
        # Only the editors' decisions: detected links are found again on import.
        "mentions": [
            {
                "entity": m.entity.slug,
                "origin": m.origin,
                "suppressed": m.suppressed,
            }
            for m in mentions
            if m.origin == Mention.Origin.MANUAL or m.suppressed
        ],
    }


# Reading a document ----------------------------------------------------------

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
            self.fail(path, f"must not be negative ({value})")
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
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
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
class _Plan:
    """A checked document, as model field values."""

    article: dict
    authors: list[str]
    entities: list[dict]
    sources: list[dict]
    claims: list[dict]
    corrections: list[dict]
    mentions: list[dict]


def read_document(doc) -> _Plan:
    """Check ``doc`` (a decoded JSON value) on its own; raise DocumentError."""
    r = _Reader()
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
    # Read for their errors only: an import never takes the workflow state over.
    r.choice(data, "status", "article", ArticleStatus, ArticleStatus.DRAFT)
    r.moment(data, "first_published_at", "article")
    r.moment(data, "last_published_at", "article")
    body = article["body"]

    entities, entity_slugs = [], set()
    for i, item in enumerate(r.array(doc, "entities", "")):
        where = f"entities[{i}]"
        if r.mapping(item, where) is None:
            continue
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
        if entity["slug"] in entity_slugs:
            r.fail(f"{where}.slug", f"{entity['slug']!r} is listed twice")
        entity_slugs.add(entity["slug"])
        entity["where"] = where
        entities.append(entity)

    sources, source_keys = [], set()
    for i, item in enumerate(r.array(doc, "sources", "")):
        where = f"sources[{i}]"
        if r.mapping(item, where) is None:
            continue
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
        if source["key"] in source_keys:
            r.fail(f"{where}.key", f"{source['key']!r} is used by two sources")
        source_keys.add(source["key"])
        source["where"] = where
        sources.append(source)

    claims = []
    for i, item in enumerate(r.array(doc, "claims", "")):
        where = f"claims[{i}]"
        if r.mapping(item, where) is None:
            continue
        claim = _read_claim(r, item, where, body)
        claim["citations"] = []
        for j, cited in enumerate(r.array(item, "citations", f"{where}.")):
            cwhere = f"{where}.citations[{j}]"
            if r.mapping(cited, cwhere) is None:
                continue
            citation = {
                "source": r.text(cited, "source", cwhere, required=True),
                "relation": r.choice(
                    cited,
                    "relation",
                    cwhere,
                    CitationRelation,
                    CitationRelation.SUPPORTS,
                ),
                "excerpt": r.text(
                    cited, "excerpt", cwhere, max_length=EXCERPT_MAX_LENGTH
                ),
                "locator": r.text(cited, "locator", cwhere, max_length=200),
                "note": r.text(cited, "note", cwhere, max_length=NOTE_MAX_LENGTH),
            }
            if citation["source"] and citation["source"] not in source_keys:
                r.fail(
                    f"{cwhere}.source",
                    f"{citation['source']!r} is not the key of any of the "
                    "document's sources",
                )
            claim["citations"].append(citation)
        claims.append(claim)

    corrections = []
    for i, item in enumerate(r.array(doc, "corrections", "")):
        where = f"corrections[{i}]"
        if r.mapping(item, where) is None:
            continue
        corrections.append(
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
        )

    mentions = []
    for i, item in enumerate(r.array(doc, "mentions", "")):
        where = f"mentions[{i}]"
        if r.mapping(item, where) is None:
            continue
        mentions.append(
            {
                "entity": r.slug(item, "entity", where),
                "origin": r.choice(
                    item, "origin", where, Mention.Origin, Mention.Origin.MANUAL
                ),
                "suppressed": r.boolean(item, "suppressed", where),
                "where": where,
            }
        )

    if r.errors:
        raise DocumentError(r.errors)
    return _Plan(article, authors, entities, sources, claims, corrections, mentions)


def _read_claim(r: _Reader, item: dict, where: str, body: str) -> dict:
    claim = {
        "quote": r.text(item, "quote", where, required=True, blank=False),
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


# Importing -------------------------------------------------------------------


def _resolve(plan: _Plan, *, authors_given: bool) -> tuple[dict, dict]:
    """Look up the users and entities the document names; collect problems."""
    errors = []
    User = get_user_model()
    names = set() if authors_given else set(plan.authors)
    for claim in plan.claims:
        names.update(n for n in (claim["checked_by"], claim["tagged_by"]) if n)
    users = {
        u.get_username(): u
        for u in User._default_manager.filter(**{f"{User.USERNAME_FIELD}__in": names})
    }
    if not authors_given:
        for i, name in enumerate(plan.authors):
            if name not in users:
                errors.append(f"article.authors[{i}] {name!r} is not a user here")
    for claim in plan.claims:
        for key in ("checked_by", "tagged_by"):
            name = claim[key]
            if name and name not in users:
                errors.append(f"{claim['where']}.{key} {name!r} is not a user here")

    in_document = {e["slug"] for e in plan.entities}
    wanted = {c["claimant"] for c in plan.claims if c["claimant"]}
    wanted |= {s["publisher"] for s in plan.sources if s["publisher"]}
    wanted |= {m["entity"] for m in plan.mentions}
    entities = {e.slug: e for e in Entity.objects.filter(slug__in=wanted | in_document)}

    def need(slug: str, where: str) -> None:
        if slug not in in_document and slug not in entities:
            errors.append(
                f"{where} {slug!r} is neither among the document's entities nor "
                "in the database"
            )

    for claim in plan.claims:
        if claim["claimant"]:
            need(claim["claimant"], f"{claim['where']}.claimant")
    for source in plan.sources:
        if source["publisher"]:
            need(source["publisher"], f"{source['where']}.publisher")
    for mention in plan.mentions:
        need(mention["entity"], f"{mention['where']}.entity")

    # Field checks the models make (URL schemes, Wikidata ids).
    for spec in plan.entities:
        if spec["slug"] not in entities:
            fields = {k: v for k, v in spec.items() if k != "where"}
            errors.extend(_model_errors(Entity(**fields), spec["where"]))
    for spec in plan.sources:
        fields = {k: v for k, v in spec.items() if k not in ("where", "key")}
        fields["publisher"] = None
        errors.extend(_model_errors(Source(**fields), spec["where"]))
    if errors:
        raise DocumentError(errors)
    return users, entities


def _model_errors(instance, where: str) -> list[str]:
    try:
        instance.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            f"{where}.{name}: {message}"
            for name, messages in exc.message_dict.items()
            for message in messages
        ]
    return []


def import_document(
    doc,
    *,
    user=None,
    authors=None,
    slug: str | None = None,
    title: str | None = None,
    update: bool = False,
    dry_run: bool = False,
    source_name: str = "a JSON document",
) -> ImportResult:
    """Write the interchange document ``doc`` as a draft article.

    ``user`` is recorded on the revision; when given, they must be allowed to
    add (or, for an update, change) articles. ``authors`` (users) replaces the
    document's authors; ``slug`` and ``title`` replace its own. With
    ``update=True`` an article with the same slug gets the document as its new
    working copy; otherwise an existing slug is an error. ``dry_run`` checks
    and writes everything, then rolls it back.
    """
    plan = read_document(doc)
    if slug is not None:
        if not SLUG_RE.match(slug) or len(slug) > 200:
            raise DocumentError(
                f"{slug!r} is not a slug (letters, digits, hyphens and underscores)"
            )
        plan.article["slug"] = slug
    if title is not None:
        plan.article["title"] = title
    permission = "articles.change_article" if update else "articles.add_article"
    if user is not None and not user.has_perm(permission):
        raise PermissionDenied(
            f"{user} may not {'change' if update else 'add'} articles."
        )
    with transaction.atomic():
        users, entities = _resolve(plan, authors_given=authors is not None)
        existing = (
            Article.objects.select_for_update()
            .filter(slug=plan.article["slug"])
            .first()
        )
        if existing is not None and not update:
            raise DocumentError(
                f"article.slug {plan.article['slug']!r} is already taken by "
                "another article (import with --update to replace its working "
                "copy, or with --slug to import it as a new article)"
            )
        if existing is None and update:
            raise DocumentError(
                f"article.slug {plan.article['slug']!r}: there is no article to "
                "update with this slug"
            )
        with reversion.create_revision():
            result = _write(
                plan,
                existing=existing,
                users=users,
                entities=entities,
                authors=authors,
            )
            reversion.set_user(user)
            verb = "Updated" if existing else "Imported"
            reversion.set_comment(f"{verb} from {source_name}")
        if dry_run:
            result.dry_run = True
            transaction.set_rollback(True)
    logger.info(
        "Article %s %s from %s (%s claims)%s",
        result.article.pk,
        "updated" if existing else "imported",
        source_name,
        result.claims,
        " [dry run]" if dry_run else "",
    )
    return result


def _write(plan: _Plan, *, existing, users, entities, authors) -> ImportResult:
    created_entities = []
    for spec in plan.entities:
        if spec["slug"] not in entities:
            entity = Entity(**{k: v for k, v in spec.items() if k != "where"})
            entity.save()
            entities[entity.slug] = entity
            created_entities.append(entity.slug)

    sources, created_sources, matched_sources = {}, 0, 0
    for spec in plan.sources:
        publisher = entities[spec["publisher"]] if spec["publisher"] else None
        source = _matching_source(spec, publisher)
        if source is None:
            fields = {k: v for k, v in spec.items() if k not in ("where", "key")}
            source = Source(**{**fields, "publisher": publisher})
            source.save()
            created_sources += 1
        else:
            matched_sources += 1
        sources[spec["key"]] = source

    fields = plan.article
    if existing is None:
        article = Article(**fields, status=Article.Status.DRAFT)
        check_fields(article)
        try:
            with transaction.atomic():
                article.save()
        except IntegrityError as exc:
            raise DocumentError(
                f"article.slug {fields['slug']!r} is already taken by another article"
            ) from exc
    else:
        article = existing
        for name, value in fields.items():
            setattr(article, name, value)
        # Whoever has the article open in the admin gets a conflict, not a
        # silent overwrite.
        article.lock_version += 1
        check_fields(article)
        article.save()
        # Detected links are found again below; the editors' own links are
        # the document's.
        article.mentions.all().delete()
    if authors is None:
        authors = [users[name] for name in plan.authors]
    article.authors.set(authors)

    claims_written, citations_written = _write_claims(
        article, plan.claims, users=users, entities=entities, sources=sources
    )

    corrections = 0
    seen = (
        {(c.kind, c.text, c.date) for c in article.corrections.all()}
        if existing
        else set()
    )
    for spec in plan.corrections:
        key = (spec["kind"], spec["text"], spec["date"])
        if key in seen:
            continue
        seen.add(key)
        Correction.objects.create(article=article, **spec)
        corrections += 1

    for spec in plan.mentions:
        Mention.objects.update_or_create(
            article=article,
            entity=entities[spec["entity"]],
            defaults={"origin": spec["origin"], "suppressed": spec["suppressed"]},
        )
    workflow.refresh_mentions(article)
    # The revision holds the article as it ends up, with every claim and
    # citation (the article's registration follows them).
    reversion.add_to_revision(article)
    return ImportResult(
        article=article,
        created=existing is None,
        claims=claims_written,
        citations=citations_written,
        corrections=corrections,
        mentions=article.mentions.filter(suppressed=False).count(),
        entities_created=created_entities,
        sources_created=created_sources,
        sources_matched=matched_sources,
    )


def check_fields(article: Article) -> None:
    """Raise DocumentError for any field of ``article`` the model refuses."""
    errors = _model_errors(article, "article")
    if errors:
        raise DocumentError(errors)


def _matching_source(spec: dict, publisher) -> Source | None:
    """An existing source that is the one ``spec`` describes."""
    if spec["url"]:
        return Source.objects.filter(url=spec["url"]).order_by("pk").first()
    return (
        Source.objects.filter(title=spec["title"], publisher=publisher)
        .order_by("pk")
        .first()
    )


_CLAIM_FIELDS = (
    "quote",
    "prefix",
    "suffix",
    "start",
    "end",
    "anchor",
    "kind",
    "statement",
    "rating",
    "rating_explanation",
    "checked_at",
    "separation_overridden",
)


def _write_claims(article, specs, *, users, entities, sources) -> tuple[int, int]:
    """Create the claims (or, on an update, bring the existing ones in line)."""
    # On an update, a claim with the same quote at the same place is the same
    # claim: it keeps its identity, so the gate can tell readers' claims apart.
    existing = {}
    for claim in article.claims.all():
        existing.setdefault((claim.quote, claim.start, claim.end), []).append(claim)
    kept, citations = set(), 0
    for spec in specs:
        same = existing.get((spec["quote"], spec["start"], spec["end"]))
        reused = bool(same)
        claim = same.pop(0) if reused else Claim(article=article)
        for name in _CLAIM_FIELDS:
            setattr(claim, name, spec[name])
        claim.claimant = entities[spec["claimant"]] if spec["claimant"] else None
        claim.checked_by = users.get(spec["checked_by"])
        claim.tagged_by = users.get(spec["tagged_by"])
        claim.save()
        kept.add(claim.pk)
        if reused:
            claim.citations.all().delete()
        for cited in spec["citations"]:
            Citation.objects.create(
                claim=claim,
                source=sources[cited["source"]],
                relation=cited["relation"],
                excerpt=cited["excerpt"],
                locator=cited["locator"],
                note=cited["note"],
            )
            citations += 1
        # The check stays valid for what was checked: the fingerprint is made
        # again because the sources may have new ids here.
        # What was checked is kept too, to say what changes after the import.
        fingerprint, snapshot = "", {}
        if claim.is_rated and not spec["stale"]:
            cited = list(claim.citations.select_related("source"))
            fingerprint = workflow.claim_fingerprint(claim, cited)
            snapshot = workflow.check_snapshot(claim, cited)
        if (claim.checked_fingerprint, claim.checked_snapshot) != (
            fingerprint,
            snapshot,
        ):
            claim.checked_fingerprint = fingerprint
            claim.checked_snapshot = snapshot
            claim.save(update_fields=["checked_fingerprint", "checked_snapshot"])
    article.claims.exclude(pk__in=kept).delete()
    return len(specs), citations
