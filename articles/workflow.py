"""
The editorial workflow: editing, rating, the publish gate, publishing.

Every state change of an article goes through a function here, so the admin,
the public views and the management commands obey the same rules. Each one
checks permission (PermissionDenied), checks the rules (ValidationError with
one message per blocker), records a revision with its user and comment, and
logs at INFO.
"""

import hashlib
import json
import logging
from dataclasses import dataclass, field

import reversion
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from reversion.models import Version

from entities.mentions import entity_index, find_mentions, suggest_entities
from entities.models import Entity, Source

from . import anchoring, caching, pages, search
from .models import (
    NOTE_MAX_LENGTH,
    RATINGS_NEEDING_CITATIONS,
    RENDERED_PAGE,
    Article,
    Citation,
    Claim,
    Correction,
    Mention,
    PublishedCitation,
    PublishedClaim,
    PublishedVersion,
    Rating,
)
from .rendering import html_to_text, markdown_to_html, render_body

logger = logging.getLogger(__name__)

RATE_PERMISSION = "articles.rate_claim"
PUBLISH_PERMISSION = "articles.publish_article"
# Fields of the article that belong to the workflow, not to its content: a
# restore of an old revision keeps their current values.
WORKFLOW_FIELDS = (
    "status",
    "live_version_id",
    "first_published_at",
    "last_published_at",
    "withdrawn_note",
    "lock_version",
)


def denied(user, action: str, message: str) -> PermissionDenied:
    """Log a refused state change at WARNING; return the error to raise."""
    logger.warning("Permission denied: %s may not %s", user, action)
    return PermissionDenied(message)


def check_note(note: str) -> None:
    """Refuse a publish or withdrawal note longer than the notes may be."""
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError(
            f"The note is {len(note):,} characters long; the limit is "
            f"{NOTE_MAX_LENGTH:,}. Shorten it and try again.",
            code="note_too_long",
        )


# Fingerprints and staleness ------------------------------------------------


def claim_fingerprint(claim: Claim, citations=None) -> str:
    """A hash of what a fact-checker checked: the quote and the citations."""
    if citations is None:
        citations = claim.citations.all()
    data = {
        "quote": claim.quote,
        "citations": sorted(
            [c.source_id, c.relation, c.excerpt.strip(), c.locator.strip()]
            for c in citations
        ),
    }
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def is_stale(claim: Claim) -> bool:
    """A rating is stale when the quote or citations changed after the check."""
    if not claim.is_rated:
        return False
    return claim.checked_fingerprint != claim_fingerprint(claim)


def check_snapshot(claim: Claim, citations=None) -> dict:
    """What a fact-checker checks, in words: kept to say what changed since."""
    if citations is None:
        citations = claim.citations.select_related("source")
    return {
        "quote": claim.quote,
        "citations": [
            {
                "source": c.source_id,
                "title": c.source.title,
                "relation": c.relation,
                "excerpt": c.excerpt.strip(),
                "locator": c.locator.strip(),
            }
            for c in citations
        ],
    }


def stale_reasons(claim: Claim, citations=None) -> list[str]:
    """What changed since the claim was rated; empty when the rating holds."""
    if not claim.is_rated:
        return []
    if citations is None:
        citations = list(claim.citations.select_related("source"))
    if claim.checked_fingerprint == claim_fingerprint(claim, citations):
        return []
    # Stale (rare): the sources' titles are worth a query if not loaded.
    if not all(Citation.source.is_cached(c) for c in citations):
        citations = list(claim.citations.select_related("source"))
    checked = claim.checked_snapshot or {}
    if "quote" not in checked:
        return ["its quote or its sources changed after the check"]
    reasons = []
    if checked["quote"] != claim.quote:
        reasons.append(f"the quote changed from “{_short(checked['quote'])}”")
    now = check_snapshot(claim, citations)["citations"]

    def key(c):
        return (c["source"], c["relation"])

    before = {key(c): c for c in checked.get("citations", [])}
    after = {key(c): c for c in now}
    for k, cited in after.items():
        if k not in before:
            reasons.append(f"a source was added: {cited['title']}")
        elif (before[k]["excerpt"], before[k]["locator"]) != (
            cited["excerpt"],
            cited["locator"],
        ):
            reasons.append(f"the excerpt or place cited in {cited['title']} changed")
    for k, cited in before.items():
        if k not in after:
            reasons.append(f"a source was removed: {cited['title']}")
    return reasons or ["its sources changed after the check"]


# Editing ---------------------------------------------------------------------


@dataclass
class EditReport:
    """What a save of the body did to the claims."""

    moved: list[Claim] = field(default_factory=list)
    changed: list[Claim] = field(default_factory=list)
    orphaned: list[Claim] = field(default_factory=list)
    found: list[Claim] = field(default_factory=list)
    anchored: int = 0  # found where they were
    updated: int = 0  # claims written (offsets, context or state)

    @property
    def touched(self) -> bool:
        """Whether any claim moved, changed, was lost or was found again."""
        return bool(self.moved or self.changed or self.orphaned or self.found)

    def messages(self) -> list[str]:
        """What the editor is told, the moved claims first (information only)."""
        lines = []
        if self.moved:
            lines.append(
                f"{_count(len(self.moved), 'claim')} moved with the text, "
                f"unchanged (ratings still hold): {_quotes(self.moved)}."
            )
        for claim in self.found:
            lines.append(f"Claim {claim} is in the text again.")
        for claim in self.changed:
            lines.append(
                f"Claim {claim} changed with the text: its quote was updated"
                + (" and its rating needs a re-check." if claim.is_rated else ".")
            )
        for claim in self.orphaned:
            lines.append(
                f"Claim {claim} is no longer found in the text: re-tag it or delete "
                "it before publishing."
            )
        return lines


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _quotes(claims, shown: int = 5) -> str:
    listed = ", ".join(str(claim) for claim in claims[:shown])
    if len(claims) > shown:
        listed += f" and {len(claims) - shown} more"
    return listed


def _selector(claim: Claim) -> anchoring.Selector:
    return anchoring.Selector(
        claim.quote, claim.prefix, claim.suffix, claim.start, claim.end
    )


def reanchor_claims(
    article: Article, *, old_body: str | None = None, placed=()
) -> EditReport:
    """
    Find every claim of ``article`` again in its current body.

    ``old_body`` is the body the claims were anchored in, when known (an
    editor's save); without it the claims are searched for (after bulk
    edits). ``placed`` holds the ids of claims whose selectors were just set
    on the current body (tagged or re-quoted in the same save).
    """
    report = EditReport()
    body = article.body
    text_map = None
    if old_body is not None and old_body != body:
        # One diff for all the claims.
        text_map = anchoring.TextMap(old_body, body)
    placed = set(placed)
    # Citations prefetched: a revision being recorded follows each saved
    # claim to its citations, which would be a query per claim.
    for claim in article.claims.prefetch_related("citations"):
        old = _selector(claim)
        if claim.pk in placed:
            result = anchoring.anchor(body, old, old_body=body)
        elif claim.anchor == Claim.Anchor.ORPHANED:
            # Lost by an earlier save: back only if its passage is put back.
            result = anchoring.refind(body, old)
        else:
            result = anchoring.anchor(body, old, old_body=old_body, text_map=text_map)
        updates = {}
        if result.state == "orphaned":
            if claim.anchor != Claim.Anchor.ORPHANED:
                updates["anchor"] = Claim.Anchor.ORPHANED
                report.orphaned.append(claim)
        else:
            selector = result.selector
            state = (
                Claim.Anchor.CHANGED
                if result.state == "changed" or claim.anchor == Claim.Anchor.CHANGED
                else Claim.Anchor.ANCHORED
            )
            new = {
                "quote": selector.quote,
                "prefix": selector.prefix,
                "suffix": selector.suffix,
                "start": selector.start,
                "end": selector.end,
                "anchor": state,
            }
            updates = {k: v for k, v in new.items() if getattr(claim, k) != v}
            if result.state == "changed":
                report.changed.append(claim)
            elif claim.anchor == Claim.Anchor.ORPHANED:
                report.found.append(claim)
            elif (claim.start, claim.end) != (selector.start, selector.end):
                report.moved.append(claim)
            else:
                report.anchored += 1
        if updates:
            for name, value in updates.items():
                setattr(claim, name, value)
            claim.save(update_fields=list(updates))
            report.updated += 1
    return report


def _entity_index():
    # Every entity save moves the public generation in its own transaction.
    return entity_index(changes=caching.current_state()[0])


def suggested_entities(article: Article) -> list[tuple[str, int]]:
    """Recurring capitalised names in the article that no entity has."""
    # The names come from the index of every entity that linking keeps, which
    # is read again only when an entity changed.
    return suggest_entities(f"{article.title}\n\n{article.body}", _entity_index())


def remove_mention(mention: Mention) -> bool:
    """
    Unlink an entity from an article. A link found in the text is suppressed
    rather than deleted (deleted, the next save would find it again); returns
    whether it was suppressed.
    """
    if not mention.count:
        mention.delete()
        return False
    mention.suppressed = True
    mention.save(update_fields=["suppressed"])
    return True


def refresh_mentions(article: Article) -> None:
    """Link the entities named in the article's title and body."""
    text = f"{article.title}\n\n{article.body}"
    found = {f.entity_id: f for f in find_mentions(text, _entity_index())}
    existing = {m.entity_id: m for m in article.mentions.all()}
    for entity_id, mention in existing.items():
        hit = found.get(entity_id)
        if hit is None:
            if mention.origin == Mention.Origin.DETECTED and not mention.suppressed:
                mention.delete()
            elif mention.count:
                mention.count, mention.first_position = 0, None
                mention.save(update_fields=["count", "first_position"])
            continue
        if (mention.count, mention.first_position) != (hit.count, hit.first_position):
            mention.count, mention.first_position = hit.count, hit.first_position
            mention.save(update_fields=["count", "first_position"])
    Mention.objects.bulk_create(
        Mention(
            article=article,
            entity_id=hit.entity_id,
            count=hit.count,
            first_position=hit.first_position,
        )
        for entity_id, hit in found.items()
        if entity_id not in existing
    )


def process_edit(
    article: Article, *, old_body: str | None = None, placed=()
) -> EditReport:
    """After the article was saved: re-anchor its claims, refresh its mentions."""
    report = reanchor_claims(article, old_body=old_body, placed=placed)
    refresh_mentions(article)
    return report


def tag_claim(article: Article, *, user, start: int, end: int, **fields) -> Claim:
    """Tag ``article.body[start:end]`` as a claim."""
    if not user.has_perm("articles.add_claim"):
        raise denied(
            user, f"tag claims on article {article.pk}", "You may not tag claims."
        )
    try:
        selector = anchoring.select(article.body, start, end)
    except ValueError as exc:
        raise ValidationError(str(exc), code="bad_offsets") from exc
    if not selector.quote.strip():
        raise ValidationError("Select some text to tag.", code="empty_quote")
    claim = Claim(
        article=article,
        quote=selector.quote,
        prefix=selector.prefix,
        suffix=selector.suffix,
        start=selector.start,
        end=selector.end,
        tagged_by=user,
        **fields,
    )
    claim.full_clean()
    with transaction.atomic(), reversion.create_revision():
        claim.save()
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(f"Tagged claim {claim}")
    logger.info("Claim %s tagged on article %s by %s", claim.pk, article.pk, user)
    return claim


# Workflow states -----------------------------------------------------------


def submit_for_review(article: Article, *, user) -> Article:
    """Send a draft to the fact-checkers."""
    if not user.has_perm("articles.change_article"):
        raise denied(
            user,
            f"submit article {article.pk} for review",
            "You may not change this article.",
        )
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status not in (Article.Status.DRAFT, Article.Status.WITHDRAWN):
            raise ValidationError(
                f"Only a draft can be submitted for review; this article is "
                f"{article.get_status_display().lower()}.",
                code="not_draft",
            )
        with reversion.create_revision():
            article.status = Article.Status.IN_REVIEW
            article.save()
            reversion.set_user(user)
            reversion.set_comment("Submitted for review")
    logger.info("Article %s submitted for review by %s", article.pk, user)
    return article


def can_rate(claim: Claim, user) -> bool:
    return user.has_perm(RATE_PERMISSION) and not (
        _separation_applies(claim, user) and not user.is_superuser
    )


def _separation_applies(claim: Claim, user) -> bool:
    return (
        settings.NEWSROOM_SEPARATE_TAGGING_AND_RATING
        and claim.tagged_by_id is not None
        and claim.tagged_by_id == user.pk
    )


def rate_claim(
    claim: Claim, *, user, rating: str, explanation: str | None = None
) -> Claim:
    """Record a fact-checker's rating of ``claim``."""
    if not user.has_perm(RATE_PERMISSION):
        raise denied(
            user, f"rate claim {claim.pk}", "Only fact-checkers may rate claims."
        )
    if rating not in Rating.values:
        raise ValidationError(f"{rating!r} is not a rating.", code="bad_rating")
    overridden = _separation_applies(claim, user)
    if overridden and not user.is_superuser:
        raise denied(
            user,
            f"rate claim {claim.pk}, which they tagged",
            "You tagged this claim, so another fact-checker must rate it.",
        )
    with transaction.atomic(), reversion.create_revision():
        claim = Claim.objects.select_for_update().get(pk=claim.pk)
        claim.rating = rating
        if explanation is not None:
            claim.rating_explanation = explanation
        claim.checked_by = user
        claim.checked_at = timezone.now()
        citations = list(claim.citations.select_related("source"))
        claim.checked_fingerprint = claim_fingerprint(claim, citations)
        claim.checked_snapshot = check_snapshot(claim, citations)
        claim.separation_overridden = overridden
        if claim.anchor == Claim.Anchor.CHANGED:
            claim.anchor = Claim.Anchor.ANCHORED
        claim.full_clean()
        claim.save()
        reversion.add_to_revision(claim.article)
        reversion.set_user(user)
        comment = f"Rated claim {claim} {claim.get_rating_display().lower()}"
        if overridden:
            comment += " (superuser override of the separation of duties)"
        reversion.set_comment(comment)
    logger.info(
        "Claim %s rated %s by %s%s",
        claim.pk,
        rating,
        user,
        " (separation overridden)" if overridden else "",
    )
    return claim


# The publish gate ----------------------------------------------------------


@dataclass(frozen=True)
class Blocker:
    code: str
    message: str


def claims_to_check() -> Prefetch:
    """
    An article's claims with what the gate reads of each: their claimant and
    citations. A page that shows the claims in several ways (the admin's
    change page) prefetches them once with this and hands the list to each.
    A new one each time: Django keeps the article a prefetch was made for in
    its queryset.
    """
    return Prefetch(
        "claims",
        queryset=Claim.objects.select_related("claimant").prefetch_related("citations"),
    )


def gate_blockers(article: Article, claims=None) -> list[Blocker]:
    """
    Everything that stops ``article`` from being published, in words.

    ``claims``: the article's claims as ``claims_to_check()`` loads them, when
    the caller has them; by default they are read from the database.
    """
    blockers = []
    missing = [
        name
        for name, value in (
            ("a title", article.title),
            ("a slug", article.slug),
            ("a body", article.body),
        )
        if not (value or "").strip()
    ]
    if missing:
        blockers.append(
            Blocker("incomplete", f"The article needs {', '.join(missing)}.")
        )
    if claims is None:
        claims = list(claims_to_check().queryset.filter(article=article))
    for claim in claims:
        citations = list(claim.citations.all())
        if claim.anchor == Claim.Anchor.ORPHANED:
            blockers.append(
                Blocker(
                    "orphaned",
                    f"Claim {claim} is no longer in the text: re-tag it or delete it.",
                )
            )
        if not claim.is_rated:
            blockers.append(Blocker("unrated", f"Claim {claim} is not rated yet."))
        elif reasons := stale_reasons(claim, citations):
            blockers.append(
                Blocker(
                    "stale",
                    f"Claim {claim} changed after it was rated ({'; '.join(reasons)}): "
                    "it needs a re-check.",
                )
            )
        if claim.rating in RATINGS_NEEDING_CITATIONS and not citations:
            blockers.append(
                Blocker(
                    "no_citations",
                    f"Claim {claim} is rated {claim.get_rating_display().lower()} "
                    "but cites no source.",
                )
            )
        if claim.claimant_id is None and claim.rating in (
            Rating.FALSE,
            Rating.MISLEADING,
        ):
            blockers.append(
                Blocker(
                    "own_voice_falsehood",
                    f"Claim {claim} is stated in the newsroom's own voice and rated "
                    f"{claim.get_rating_display().lower()}: rewrite it or attribute "
                    "it to who said it.",
                )
            )
    blockers.extend(_correction_blockers(article, claims))
    return blockers


def _correction_blockers(article: Article, claims) -> list[Blocker]:
    """Rule 6: a changed or removed rating readers saw needs a correction."""
    # Read the live pointer from the database: the caller's instance may
    # predate a publish.
    live = (
        PublishedVersion.objects.filter(
            pk=Article.objects.filter(pk=article.pk).values("live_version")[:1]
        )
        .only("claims", "published_at")
        .first()
    )
    if live is None:
        return []
    current = {c.pk: c for c in claims}
    changes = []
    for seen in live.claims:
        claim = current.get(seen["id"])
        if claim is None:
            changes.append(f"claim “{_short(seen['quote'])}” was removed")
        elif claim.rating != seen["rating"]:
            changes.append(
                f"claim {claim} went from {Rating(seen['rating']).label.lower()} to "
                f"{claim.get_rating_display().lower()}"
            )
    if not changes:
        return []
    explained = article.corrections.filter(date__gt=live.published_at).exists()
    if explained:
        return []
    return [
        Blocker(
            "correction_needed",
            "Readers have seen ratings that this version changes ("
            + "; ".join(changes)
            + "): add a correction that explains it.",
        )
    ]


def _short(text: str, length: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def check_gate(article: Article) -> None:
    """Raise ValidationError listing every blocker, if there is any."""
    blockers = gate_blockers(article)
    if blockers:
        raise ValidationError(
            [ValidationError(b.message, code=b.code) for b in blockers]
        )


# Publishing ----------------------------------------------------------------


def claim_snapshot(claim: Claim) -> dict:
    """A claim as readers see it, frozen into a published version."""
    claimant = claim.claimant
    return {
        "id": claim.pk,
        "anchor_id": f"claim-{claim.pk}",
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "kind": claim.kind,
        "statement": claim.statement or claim.quote,
        "claimant": (
            {
                "id": claimant.pk,
                "name": claimant.name,
                "slug": claimant.slug,
                "kind": claimant.kind,
            }
            if claimant
            else None
        ),
        "rating": claim.rating,
        "rating_label": claim.get_rating_display(),
        "rating_explanation": claim.rating_explanation,
        "checked_at": (
            claim.checked_at.isoformat(timespec="seconds") if claim.checked_at else None
        ),
        "citations": [
            {
                "relation": c.relation,
                "relation_label": c.get_relation_display(),
                "excerpt": c.excerpt,
                "locator": c.locator,
                "note": c.note,
                "source": {
                    "id": c.source.pk,
                    "title": c.source.title,
                    "kind": c.source.kind,
                    "url": c.source.url,
                    "archive_url": c.source.archive_url,
                    "published_on": (
                        c.source.published_on.isoformat()
                        if c.source.published_on
                        else None
                    ),
                    "publisher": c.source.publisher.name
                    if c.source.publisher
                    else None,
                },
            }
            for c in claim.citations.all()
        ],
    }


def _snapshot(article: Article) -> tuple[dict, list[Entity]]:
    """The fields of a new published version, and the entities it names."""
    claims = [
        claim_snapshot(c)
        for c in article.claims.select_related("claimant").prefetch_related(
            "citations__source__publisher"
        )
    ]
    corrections = [
        {
            "kind": c.kind,
            "label": c.get_kind_display(),
            "text": c.text,
            "date": c.date.isoformat(timespec="seconds"),
        }
        for c in article.corrections.all()
    ]
    # Locked until the version is saved: an entity renamed meanwhile waits,
    # then finds this version live and renders its new name into the page.
    entities = list(
        Entity.objects.select_for_update(of=("self",)).filter(
            mentions__article=article, mentions__suppressed=False
        )
    )
    linked = {e.pk: e for e in entities}
    # Each entity is linked to its page at its first mention in the body. The
    # names of unlinked (suppressed) entities are matched too, and left
    # unlinked: "Azure OpenAI Service" is not a mention of "Azure" because
    # an editor unlinked it.
    unlinked = Entity.objects.filter(
        mentions__article=article, mentions__suppressed=True
    )
    links = [
        {
            "start": found.first_position,
            "end": found.first_position + found.first_length,
            "href": linked[found.entity_id].get_absolute_url(),
        }
        for found in find_mentions(article.body, [*entities, *unlinked])
        if found.entity_id in linked
    ]
    fields = {
        "title": article.title,
        "dek": article.dek,
        "byline": article.byline,
        "body": article.body,
        "body_html": render_body(article.body, claims, links),
        "body_text": html_to_text(markdown_to_html(article.body)),
        "claims": claims,
        "corrections": corrections,
    }
    return fields, entities


def published_claims(version: PublishedVersion) -> list[PublishedClaim]:
    """The queryable rows of the version's claims (unsaved), in order."""
    return [
        PublishedClaim(
            version=version,
            claim_id=claim["id"],
            position=position,
            claimant_id=claim["claimant"]["id"] if claim["claimant"] else None,
            rating=claim["rating"],
            statement=claim["statement"][:500],
            quote=claim["quote"],
            checked_at=claim["checked_at"],
        )
        for position, claim in enumerate(version.claims)
    ]


def published_citations(rows: list[PublishedClaim], claims: list[dict]):
    """The citation rows of saved claim ``rows`` made from ``claims`` (unsaved)."""
    return (
        PublishedCitation(
            published_claim=published,
            source_id=citation["source"]["id"],
            relation=citation["relation"],
        )
        for published, claim in zip(rows, claims, strict=True)
        for citation in claim["citations"]
    )


def _record_published_claims(version: PublishedVersion) -> None:
    """The queryable copy of the version's claims, for entity and source pages."""
    rows = PublishedClaim.objects.bulk_create(published_claims(version))
    PublishedCitation.objects.bulk_create(published_citations(rows, version.claims))


def _reader_view(fields: dict) -> tuple:
    """What readers see of a version, to tell a substantive re-publish."""
    return tuple(
        fields[name]
        for name in ("title", "dek", "byline", "body", "claims", "corrections")
    )


def publish(article: Article, *, user, note: str = "") -> PublishedVersion:
    """Publish the working copy of ``article`` as its next version."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise denied(
            user,
            f"publish article {article.pk}",
            "Only publishers may publish articles.",
        )
    check_note(note)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        check_gate(article)
        now = timezone.now()
        last = (
            article.published_versions.defer(*RENDERED_PAGE, "body_html", "body_text")
            .order_by("-number")
            .first()
        )
        number = last.number + 1 if last else 1
        fields, entities = _snapshot(article)
        substantive = last is None or _reader_view(last.__dict__) != _reader_view(
            fields
        )
        version = PublishedVersion(
            article=article,
            number=number,
            published_by=user,
            published_at=now,
            modified_at=now if substantive else last.modified_at,
            note=note,
            revision=_latest_revision(article),
            **fields,
        )
        article.first_published_at = article.first_published_at or now
        pages.store(article, version, entities)
        version.save()
        version.entities.set(entities)
        _record_published_claims(version)
        search.index_version(version)
        with reversion.create_revision():
            article.live_version = version
            article.status = Article.Status.PUBLISHED
            article.last_published_at = now
            article.publish_at = None
            article.withdrawn_note = ""
            article.save()
            reversion.set_user(user)
            reversion.set_comment(
                f"Published version {number}" + (f": {note}" if note else "")
            )
        caching.bump_generation()
    logger.info("Article %s published as version %s by %s", article.pk, number, user)
    return version


def _latest_revision(article: Article):
    version = Version.objects.get_for_object(article).select_related("revision").first()
    return version.revision if version else None


def unpublish(article: Article, *, user, note: str = "") -> Article:
    """Withdraw ``article``: its public URL answers 410 Gone."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise denied(
            user,
            f"unpublish article {article.pk}",
            "Only publishers may unpublish articles.",
        )
    check_note(note)
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.live_version_id is None:
            raise ValidationError("This article is not published.", code="not_live")
        with reversion.create_revision():
            article.live_version = None
            article.status = Article.Status.WITHDRAWN
            article.withdrawn_note = note
            article.save()
            reversion.set_user(user)
            reversion.set_comment("Unpublished" + (f": {note}" if note else ""))
        caching.bump_generation()
    logger.info("Article %s unpublished by %s", article.pk, user)
    return article


# Revisions -----------------------------------------------------------------


def restore_revision(article: Article, revision, *, user) -> Article:
    """Bring back the article's text, claims and citations as in ``revision``."""
    if not user.has_perm("articles.change_article"):
        raise denied(
            user,
            f"restore article {article.pk} to revision {revision.pk}",
            "You may not change this article.",
        )
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        versions = list(revision.version_set.all())
        article_versions = [
            v
            for v in versions
            if v._model is Article and int(v.object_id) == article.pk
        ]
        if not article_versions:
            raise ValidationError(
                "That revision is not a revision of this article.", code="wrong_article"
            )
        keep = {name: getattr(article, name) for name in WORKFLOW_FIELDS}
        claim_versions = [v for v in versions if v._model is Claim]
        kept_claims = set()
        for v in claim_versions:
            obj = v._object_version.object
            if obj.article_id == article.pk:
                kept_claims.add(obj.pk)
        citation_versions = [
            v
            for v in versions
            if v._model is Citation and v._object_version.object.claim_id in kept_claims
        ]
        kept_citations = {int(v.object_id) for v in citation_versions}
        with reversion.create_revision():
            article.claims.exclude(pk__in=kept_claims).delete()
            Citation.objects.filter(claim__article=article).exclude(
                pk__in=kept_citations
            ).delete()
            deserialized = article_versions[0]._object_version
            restored = deserialized.object
            for name in WORKFLOW_FIELDS:
                setattr(restored, name, keep[name])
            restored.lock_version += 1
            restored.save()
            if "authors" in (deserialized.m2m_data or {}):
                restored.authors.set(deserialized.m2m_data["authors"])
            for v in claim_versions:
                if v._object_version.object.article_id == article.pk:
                    v._object_version.object.save()
            for v in citation_versions:
                v._object_version.object.save()
            article = Article.objects.get(pk=article.pk)
            # The restored claims' offsets refer to the restored body.
            process_edit(article)
            reversion.add_to_revision(article)
            reversion.set_user(user)
            when = timezone.localtime(revision.date_created)
            reversion.set_comment(
                f"Restored the revision of {when:%Y-%m-%d %H:%M} (#{revision.pk})"
            )
    logger.info(
        "Article %s restored to revision %s by %s", article.pk, revision.pk, user
    )
    return article


def recover_article(version: Version, *, user) -> Article:
    """Bring back a deleted article from ``version`` (its last revision) as a draft."""
    if not user.has_perm(PUBLISH_PERMISSION):
        raise denied(
            user,
            f"recover deleted article {version.object_id}",
            "Only publishers may recover deleted articles.",
        )
    if version._model is not Article:
        raise ValidationError(
            "That revision is not a revision of an article.", code="not_article"
        )
    revision = version.revision
    with transaction.atomic():
        pk = int(version.object_id)
        if Article.objects.filter(pk=pk).exists():
            raise ValidationError(
                "That article was not deleted: restore one of its revisions from "
                "its history instead.",
                code="not_deleted",
            )
        restored = version._object_version
        article = restored.object
        if Article.objects.filter(slug=article.slug).exists():
            raise ValidationError(
                f"Another article now has the address “{article.slug}”: change "
                "that article's slug first.",
                code="slug_taken",
            )
        versions = list(revision.version_set.all())
        claims = [
            v._object_version.object
            for v in versions
            if v._model is Claim and v._object_version.object.article_id == pk
        ]
        claim_ids = {c.pk for c in claims}
        citations = [
            v._object_version.object
            for v in versions
            if v._model is Citation and v._object_version.object.claim_id in claim_ids
        ]
        corrections = _last_saved_corrections(pk)
        _check_references(claims, citations)
        users = set(
            get_user_model()
            .objects.filter(
                pk__in={c.tagged_by_id for c in claims}
                | {c.checked_by_id for c in claims}
                | {int(a) for a in (restored.m2m_data or {}).get("authors", [])}
            )
            .values_list("pk", flat=True)
        )
        # The published versions went with the article: it comes back as a
        # draft that readers cannot see until it is published again.
        created_at = article.created_at
        claim_created = {c.pk: c.created_at for c in claims}
        article.status = Article.Status.DRAFT
        article.live_version = None
        article.first_published_at = article.last_published_at = None
        article.publish_at = None
        article.withdrawn_note = ""
        article.lock_version += 1
        with reversion.create_revision():
            article.save(force_insert=True)
            article.authors.set(
                int(a)
                for a in (restored.m2m_data or {}).get("authors", [])
                if int(a) in users
            )
            for claim in claims:
                # Whoever tagged or checked it may have left since.
                if claim.tagged_by_id not in users:
                    claim.tagged_by_id = None
                if claim.checked_by_id not in users:
                    claim.checked_by_id = None
                claim.save(force_insert=True)
            for citation in citations:
                citation.save(force_insert=True)
            for correction in corrections:
                correction.save(force_insert=True)
            # An insert stamps "created" now; keep when they were first made.
            Article.objects.filter(pk=pk).update(created_at=created_at)
            for claim in claims:
                Claim.objects.filter(pk=claim.pk).update(
                    created_at=claim_created[claim.pk]
                )
            article = Article.objects.get(pk=pk)
            process_edit(article)
            reversion.add_to_revision(article)
            reversion.set_user(user)
            when = timezone.localtime(revision.date_created)
            reversion.set_comment(
                f"Recovered the deleted article as a draft, from its revision of "
                f"{when:%Y-%m-%d %H:%M} (#{revision.pk})"
            )
    logger.info(
        "Deleted article %s recovered from revision %s by %s", pk, revision.pk, user
    )
    return article


def _last_saved_corrections(article_id: int) -> list[Correction]:
    """The article's corrections as last saved: they are kept forever."""
    revisions = Version.objects.get_for_object_reference(Article, article_id).values(
        "revision_id"
    )
    latest = {}
    for version in (
        Version.objects.get_for_model(Correction)
        .filter(revision_id__in=revisions)
        .order_by("pk")
    ):
        correction = version._object_version.object
        if correction.article_id == article_id:
            latest[correction.pk] = correction
    return list(latest.values())


def _check_references(claims: list[Claim], citations: list[Citation]) -> None:
    """Refuse a recovery whose claimants or sources were deleted since."""
    missing = []
    claimants = {c.claimant_id for c in claims} - {None}
    found = set(Entity.objects.filter(pk__in=claimants).values_list("pk", flat=True))
    missing += [f"entity #{pk}" for pk in sorted(claimants - found)]
    sources = {c.source_id for c in citations}
    found = set(Source.objects.filter(pk__in=sources).values_list("pk", flat=True))
    missing += [f"source #{pk}" for pk in sorted(sources - found)]
    if missing:
        raise ValidationError(
            "Its claims name records that were deleted since ("
            + ", ".join(missing)
            + "): recover them from their own admin pages first.",
            code="missing_references",
        )


def add_correction(article: Article, *, user, kind: str, text: str) -> Correction:
    """Add a correction, clarification or update to ``article``."""
    if not user.has_perm("articles.add_correction"):
        raise denied(
            user,
            f"add a correction to article {article.pk}",
            "Only publishers may add corrections.",
        )
    correction = Correction(article=article, kind=kind, text=text)
    correction.full_clean()
    with transaction.atomic(), reversion.create_revision():
        correction.save()
        reversion.add_to_revision(article)
        reversion.set_user(user)
        reversion.set_comment(f"Added {correction.get_kind_display().lower()}")
    logger.info(
        "Correction %s added to article %s by %s", correction.pk, article.pk, user
    )
    return correction
