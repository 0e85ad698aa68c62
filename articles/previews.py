"""
Previews to share: a signed, expiring link to one revision of a draft.

An editor makes a link for someone without an account (a source, a lawyer).
The link names a PreviewLink row, signed with the site's secret key; it works
until it expires or is revoked, shows the article exactly as it was in that
revision, and is never indexed or cached publicly.

A revision never changes, so its page is rendered once, when the first link
to it is made, and stored (PreviewPage); a visit reads it in one query, so
a long draft shared widely costs its readers no rendering. A page rendered
by other code or settings (after a deploy) is rendered again on its next
visit. The sources a preview cites are shown as they were when it was
rendered.
"""

import logging
from dataclasses import replace
from datetime import timedelta

import reversion
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from entities.models import Source
from media.figures import Gallery
from media.usage import images_of

from . import pages, revisions, staleness
from .models import AnchorState, Article, PreviewLink, PreviewPage, Rating
from .rendering import render_body
from .snapshots import media_snapshot

logger = logging.getLogger(__name__)

SALT = "newsroom.preview"
DEFAULT_HOURS = 72
MAX_HOURS = 24 * 30


class PreviewUnavailable(Exception):
    """The link is malformed, expired or revoked."""


def create_preview(
    article: Article, *, user, hours: int = DEFAULT_HOURS, note: str = ""
) -> tuple[PreviewLink, str]:
    """A link to the latest revision of ``article``; returns it and its token."""
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not share previews of this article.")
    if not 1 <= hours <= MAX_HOURS:
        raise ValidationError(
            f"A preview link lasts from 1 hour to {MAX_HOURS // 24} days.",
            code="bad_expiry",
        )
    with transaction.atomic():
        version = Version.objects.get_for_object(article).first()
        if version is None:
            with reversion.create_revision():
                article.save()
                reversion.set_user(user)
                reversion.set_comment("Saved for a preview link")
            version = Version.objects.get_for_object(article).first()
        now = timezone.now()
        link = PreviewLink.objects.create(
            article=article,
            revision=version.revision,
            created_by=user,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
            note=note,
        )
    logger.info("Preview link %s of article %s made by %s", link.pk, article.pk, user)
    preview_page(link)  # rendered now, by the editor's request, not a visit's
    return link, token_for(link)


def token_for(link: PreviewLink) -> str:
    return signing.dumps(link.pk, salt=SALT)


def preview_url(link: PreviewLink) -> str:
    return reverse("preview", kwargs={"token": token_for(link)})


def revoke_preview(link: PreviewLink, *, user) -> PreviewLink:
    """Stop a preview link from working."""
    if not user.has_perm("articles.change_article"):
        raise PermissionDenied("You may not revoke previews of this article.")
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.save(update_fields=["revoked_at"])
        logger.info("Preview link %s revoked by %s", link.pk, user)
    return link


def resolve(token: str) -> PreviewLink:
    """The active link a token names, or PreviewUnavailable."""
    try:
        pk = signing.loads(token, salt=SALT)
    except signing.BadSignature as exc:
        raise PreviewUnavailable("This preview link is not valid.") from exc
    link = (
        PreviewLink.objects.select_related("article", "revision").filter(pk=pk).first()
    )
    if link is None or not link.is_active():
        raise PreviewUnavailable("This preview link has expired or was revoked.")
    return link


def preview_page(link: PreviewLink) -> pages.Page:
    """The page of the link's revision: stored, or rendered and stored now."""
    key = pages.render_key()
    stored = (
        PreviewPage.objects.filter(
            article_id=link.article_id, revision_id=link.revision_id, rendered_with=key
        )
        .only("title", "head", "main", "footer")
        .first()
    )
    if stored is not None:
        return pages.Page(stored.title, stored.head, stored.main, "", stored.footer)
    page = pages.render(link.article, preview_version(link), entities=(), preview=True)
    page = replace(page, entities="")  # a preview lists no entities
    PreviewPage.objects.update_or_create(
        article_id=link.article_id,
        revision_id=link.revision_id,
        defaults={
            "title": page.title,
            "head": page.head,
            "main": page.main,
            "footer": page.footer,
            "rendered_with": key,
            "rendered_at": timezone.now(),
        },
    )
    logger.info(
        "Preview page of article %s, revision %s, rendered",
        link.article_id,
        link.revision_id,
    )
    return page


def preview_version(link: PreviewLink) -> dict:
    """The article as it was in the link's revision, shaped like a published version."""
    try:
        saved = revisions.saved_article(link.revision, link.article_id)
    except LookupError:
        raise PreviewUnavailable("This preview is no longer available.") from None
    article = saved.objects.article
    claims, citations = list(saved.objects.claims), saved.objects.citations
    claim_ids = {c.pk for c in claims}
    sources = Source.objects.select_related("publisher").in_bulk(
        {c.source_id for c in citations if c.claim_id in claim_ids}
    )
    claims.sort(key=lambda c: (c.start, c.end, c.pk))
    shaped = [_claim(c, citations, sources) for c in claims]
    # The images as the library has them now (a preview is not published).
    images = images_of(article, claims)
    gallery = Gallery(images["items"])
    return {
        "title": article.title,
        "dek": article.dek,
        "byline": article.byline,
        "body_html": render_body(article.body, shaped, figure=gallery.figure),
        "images": images,
        "claims": shaped,
        "corrections": [],
        "published_at": link.revision.date_created,
        "modified_at": link.revision.date_created,
        "number": None,
    }


# What a preview says of a rating that is not final: a lawyer or a source
# reading it must not take an out-of-date rating as the newsroom's word.
NOT_CHECKED_EXPLANATION = (
    "Not yet checked: this claim changed after it was rated, and a fact-checker "
    "has not checked it again."
)


def is_checked(claim, citations) -> bool:
    """Whether the rating ``claim`` had in its revision was final then."""
    if not claim.is_rated or claim.anchor != AnchorState.ANCHORED:
        return False
    own = [c for c in citations if c.claim_id == claim.pk]
    return claim.checked_fingerprint == staleness.claim_fingerprint(claim, own)


def _claim(claim, citations, sources) -> dict:
    if not is_checked(claim, citations):
        # Marked, not final: shown as not yet checked, with why, and none of
        # the out-of-date rating's words.
        explanation = NOT_CHECKED_EXPLANATION if claim.is_rated else ""
        claim.rating, claim.rating_explanation = Rating.UNRATED, explanation
    return {
        "id": claim.pk,
        "anchor_id": f"claim-{claim.pk}",
        "quote": claim.quote,
        "start": claim.start,
        "end": claim.end,
        "statement": claim.statement or claim.quote,
        "claimant": {"name": claim.claimant.name} if claim.claimant_id else None,
        "rating": claim.rating,
        "rating_label": Rating(claim.rating).label,
        "rating_explanation": claim.rating_explanation,
        **({"media": media} if (media := media_snapshot(claim)) else {}),
        "citations": [
            {
                "relation": c.relation,
                "relation_label": c.get_relation_display(),
                "excerpt": c.excerpt,
                "locator": c.locator,
                "source": {
                    "id": c.source_id,
                    "title": sources[c.source_id].title,
                    "url": sources[c.source_id].url,
                    "archive_url": sources[c.source_id].archive_url,
                    "publisher": str(sources[c.source_id].publisher or ""),
                    "published_on": sources[c.source_id].published_on,
                },
            }
            for c in citations
            if c.claim_id == claim.pk and c.source_id in sources
        ],
    }
