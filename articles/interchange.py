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

A document is checked completely before anything is written
(``articles.documents``), and every problem is reported with the place it was
found, for example ``claims[3].quote is not found in the body at 120-145``.
Unknown keys are ignored, so later versions of the format can add keys without
breaking older readers; a different ``version`` number is refused.

The JSON Schema of the document is ``docs/article.schema.json``.
"""

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import reversion
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from desk import workflow as desk
from entities.models import Entity, Source
from media import interchange as media_interchange
from media.claim_media import MEDIA_VALUES
from media.library import check_add_image
from media.usage import refresh_placements

from . import editing, staleness, workflow
from .documents import (
    FORMAT,
    SLUG_RE,
    VERSION,
    DocumentError,
    Plan,
    read_document,
)
from .models import (
    Article,
    Citation,
    Claim,
    Correction,
    Mention,
    Rating,
)

logger = logging.getLogger(__name__)

ROLES = ("editor", "reporter", "checker")


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
    # What was left out because the importing user may not do it, in words.
    notes: list[str] = field(default_factory=list)
    images_added: int = 0


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


def export_media(claim: Claim, image_keys: dict[int, str]) -> dict | None:
    """A claim's ``media``: what it is about (its image by key), or None."""
    if not claim.media_type:
        return None
    return {
        "type": claim.media_type,
        "image": image_keys.get(claim.media_image_id),
        "url": claim.media_url,
        "archive_url": claim.media_archive_url,
        "appeared_url": claim.media_appeared_url,
        "platform": claim.media_platform,
        "appeared_at": _date(claim.media_appeared_on),
        "start_seconds": claim.media_start_seconds,
        "end_seconds": claim.media_end_seconds,
        "authenticity": claim.media_authenticity,
    }


def export_claim(
    claim: Claim, keys: dict[int, str], image_keys: dict[int, str] | None = None
) -> dict:
    """
    One claim of the document; ``keys``: the document's source keys by id,
    ``image_keys`` its image keys.
    """
    image_keys = image_keys or {}
    return {
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
        "stale": staleness.is_stale(claim),
        "tagged_by": _username(claim.tagged_by),
        "separation_overridden": claim.separation_overridden,
        "media": export_media(claim, image_keys),
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


def _captures(source_ids: list[int]) -> dict[int, list[dict]]:
    """What the source archive kept of each source, newest first (read-only)."""
    from sources.models import Capture

    kept: dict[int, list[dict]] = {}
    for c in Capture.objects.filter(source_id__in=source_ids).only(
        "source_id", "captured_at", "final_url", "status", "sha256", "text_sha256"
    ):
        kept.setdefault(c.source_id, []).append(
            {
                "captured_at": _datetime(c.captured_at),
                "final_url": c.final_url,
                "status": c.status,
                "sha256": c.sha256,
                "text_sha256": c.text_sha256,
            }
        )
    return kept


def export_article(article: Article, *, inline_images: bool = True) -> dict:
    """
    The JSON interchange document of ``article``. Its images' files are in
    it (base64), or, not ``inline_images``, named by a path beside it
    (``export_files`` says which file each is).
    """
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
    captures = _captures(list(sources))
    images, found = media_interchange.export_images(
        article, claims, inline=inline_images
    )
    image_keys = found["keys"]
    exported_claims = [export_claim(claim, keys, image_keys) for claim in claims]
    # The body places images by their keys, and the claims count in it.
    body = media_interchange.rewrite(
        article.body, exported_claims, {str(pk): key for pk, key in image_keys.items()}
    )
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
            "body": body,
            "byline": article.byline,
            "lead_image": image_keys.get(article.lead_image_id),
            "authors": sorted(u.get_username() for u in article.authors.all()),
            "status": article.status,
            "publish_at": _datetime(article.publish_at),
            "assignees": {
                role: _username(getattr(article, role))
                for role in ("editor", "reporter", "checker")
            },
            "due_at": _datetime(article.due_at),
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
                "captures": captures.get(source.pk, []),
            }
            for source in sources.values()
        ],
        "claims": exported_claims,
        "images": images,
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

# Importing -------------------------------------------------------------------


def _resolve(plan: Plan, *, authors_given: bool) -> tuple[dict, dict]:
    """Look up the users and entities the document names; collect problems."""
    errors = []
    User = get_user_model()
    names = set() if authors_given else set(plan.authors)
    names.update(
        plan.article[role]
        for role in ("editor", "reporter", "checker")
        if plan.article.get(role)
    )
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
    for role in ("editor", "reporter", "checker"):
        name = plan.article.get(role)
        if name and name not in users:
            errors.append(f"article.assignees.{role} {name!r} is not a user here")

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
    user,
    authors=None,
    slug: str | None = None,
    title: str | None = None,
    update: bool = False,
    dry_run: bool = False,
    source_name: str = "a JSON document",
    read_file=None,
) -> ImportResult:
    """Write the interchange document ``doc`` as a draft article.

    ``user`` acts: they must be allowed to add (or, for an update, change)
    articles, and the document's ratings and schedule are taken only as far
    as they may rate and schedule (the rest is left out, with a note in the
    result); they are recorded on the revision. ``authors`` (users) replaces the
    document's authors; ``slug`` and ``title`` replace its own. With
    ``update=True`` an article with the same slug gets the document as its new
    working copy; otherwise an existing slug is an error. ``dry_run`` checks
    and writes everything, then rolls it back. ``read_file(path)`` reads a
    file beside the document (an image given by a relative ``url``).
    """
    plan = read_document(doc)
    checked, errors = media_interchange.check_images(plan.images, read_file)
    if errors:
        raise DocumentError(errors)
    if slug is not None:
        if not SLUG_RE.match(slug) or len(slug) > 200:
            raise DocumentError(
                f"{slug!r} is not a slug (letters, digits, hyphens and underscores)"
            )
        plan.article["slug"] = slug
    if title is not None:
        plan.article["title"] = title
    permission = "articles.change_article" if update else "articles.add_article"
    if not user.has_perm(permission):
        raise PermissionDenied(
            f"{user} may not {'change' if update else 'add'} articles."
        )
    with transaction.atomic():
        users, entities = _resolve(plan, authors_given=authors is not None)
        notes = _apply_rights(plan, user=user, users=users)
        images_added = _place_images(plan, checked, user=user)
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
            result.notes = notes
            result.images_added = images_added
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


def _place_images(plan: Plan, checked: dict, *, user) -> int:
    """
    The document's images in the library (the library's own when it has the
    content, added otherwise), and the body, lead image and claims made to
    name them by the library's numbers; how many were added.
    """
    new = [
        spec.where
        for spec in plan.images
        if not media_interchange.Image.objects.filter(
            sha256=checked[spec.key].sha256
        ).exists()
    ]
    if new and (reasons := check_add_image(user=user)):
        raise DocumentError([f"{where}: {reasons[0]}" for where in new])
    images, added = media_interchange.import_images(plan.images, checked, user=user)
    plan.article["body"] = media_interchange.rewrite(
        plan.article["body"],
        plan.claims,
        {key: str(image.pk) for key, image in images.items()},
    )
    plan.article["lead_image"] = images.get(plan.lead_image)
    for claim in plan.claims:
        claim["media_image"] = images.get(claim.pop("media_image_key", None))
    return added


def _apply_rights(plan: Plan, *, user, users: dict) -> list[str]:
    """
    Hold the document's ratings and schedule to what ``user`` may do (the
    rules of ``articles.workflow``): a rating from a user who may not rate
    comes in unrated, a schedule from one who may not schedule is left out,
    each with a note; a check made by the claim's own tagger needs a
    superuser, whose override is recorded. Returns the notes.
    """
    notes, errors = [], []
    name = user.get_username()
    may_rate = not workflow.check_rate(Claim(), user=user)
    for claim in plan.claims:
        # A claim the update finds already there keeps the rating it has:
        # writing the document's (or none) over it would be rating it.
        claim["keep_rating"] = not may_rate
        if claim["rating"] == Rating.UNRATED:
            continue
        if not may_rate:
            notes.append(
                f"{claim['where']}: not rated: {name} may not rate claims, so "
                f"its rating ({claim['rating']}) was left out; a fact-checker "
                "rates it (a claim the article already has keeps its rating)"
            )
            claim.update(
                rating=Rating.UNRATED,
                checked_by=None,
                checked_at=None,
                stale=False,
                separation_overridden=False,
                media_authenticity="",
            )
        elif workflow.separation_applies(claim["tagged_by"], claim["checked_by"]):
            if user.is_superuser:
                claim["separation_overridden"] = True
            else:
                errors.append(
                    f"{claim['where']}: tagged and checked by the same person "
                    f"({claim['checked_by']}); with the separation of duties on, "
                    "only a superuser may import such a check (the override is "
                    "recorded)"
                )
    if errors:
        raise DocumentError(errors)
    if workflow.check_schedule(None, user=user):
        if plan.article.pop("publish_at", None):
            notes.append(
                f"article.publish_at: not scheduled: {name} may not schedule "
                "publication; a publisher schedules it"
            )
    elif plan.article["publish_at"]:
        plan.article["scheduled_by"] = user
    else:
        plan.article["scheduled_by"] = None
    return notes + _apply_assignments(plan, user=user, users=users)


def _apply_assignments(plan: Plan, *, user, users: dict) -> list[str]:
    """The document's assignees and due time, if ``user`` may assign (desk rules)."""
    named = {role: plan.article.pop(role, None) for role in ROLES}
    due_at = plan.article.pop("due_at", None)
    if not (any(named.values()) or due_at):
        return []
    if desk.check_assign(None, user=user):
        return [
            f"article.assignees: not assigned: {user.get_username()} may not assign "
            "articles; an editor assigns it"
        ]
    people = {role: users[name] if name else None for role, name in named.items()}
    if problems := desk.role_problems(people):
        raise DocumentError([f"article.assignees: {p}" for p in problems])
    plan.article.update(people, due_at=due_at)
    return []


def _write_entities_and_sources(plan: Plan, entities: dict) -> tuple:
    """The document's new entities and sources (others are reused)."""
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

    return created_entities, sources, created_sources, matched_sources


def _write(plan: Plan, *, existing, users, entities, authors) -> ImportResult:
    created_entities, sources, created_sources, matched_sources = (
        _write_entities_and_sources(plan, entities)
    )
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
    if existing is not None:
        # A new text lapses a record that the old one had no checkable claims.
        editing.no_claims_lapsed(article)

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
    editing.refresh_mentions(article)
    refresh_placements(article)
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
        return Source.objects.with_url(spec["url"]).first()
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
    *MEDIA_VALUES,
    "media_authenticity",
)


# What a rating is: kept as it is when the importing user may not rate.
_RATING_FIELDS = frozenset(
    {
        "rating",
        "rating_explanation",
        "checked_at",
        "separation_overridden",
        "media_authenticity",
    }
)


def _write_claims(article, specs, *, users, entities, sources) -> tuple[int, int]:
    """Create the claims (or, on an update, bring the existing ones in line)."""
    # On an update, a claim with the same quote at the same place is the same
    # claim: it keeps its identity, so the gate can tell readers' claims apart.
    # Failing that, a claim with the same quote that no claim of the
    # document has at its place: the text around it moved (an edit above it).
    existing, by_quote = {}, {}
    for claim in article.claims.all():
        existing.setdefault((claim.quote, claim.start, claim.end), []).append(claim)
        by_quote.setdefault(claim.quote, []).append(claim)
    placed = {(spec["quote"], spec["start"], spec["end"]) for spec in specs}
    kept, citations = set(), 0
    for spec in specs:
        same = [
            c
            for c in existing.get((spec["quote"], spec["start"], spec["end"]), [])
            if c.pk not in kept
        ] or [
            c
            for c in by_quote.get(spec["quote"], [])
            if c.pk not in kept and (c.quote, c.start, c.end) not in placed
        ]
        reused = bool(same)
        claim = same[0] if reused else Claim(article=article)
        keep = reused and spec.get("keep_rating", False)
        for name in _CLAIM_FIELDS:
            if not (keep and name in _RATING_FIELDS):
                setattr(claim, name, spec[name])
        claim.claimant = entities[spec["claimant"]] if spec["claimant"] else None
        claim.media_image = spec.get("media_image")
        if not keep:
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
        if keep:
            # The stored check stands: the saves above (their signals) made
            # the claim stale if the update changed what it covers.
            continue
        fingerprint, snapshot = "", {}
        if claim.is_rated and not spec["stale"]:
            cited = list(claim.citations.select_related("source"))
            fingerprint = staleness.claim_fingerprint(claim, cited)
            snapshot = staleness.check_snapshot(claim, cited)
        if (claim.checked_fingerprint, claim.checked_snapshot) != (
            fingerprint,
            snapshot,
        ):
            claim.checked_fingerprint = fingerprint
            claim.checked_snapshot = snapshot
            claim.save(update_fields=["checked_fingerprint", "checked_snapshot"])
    article.claims.exclude(pk__in=kept).delete()
    return len(specs), citations
