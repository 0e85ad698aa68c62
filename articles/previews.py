"""
Previews to share: a signed, expiring link to one revision of a draft.

An editor makes a link for someone without an account (a source, a lawyer).
The link names a PreviewLink row, signed with the site's secret key; it works
until it expires or is revoked, shows the article exactly as it was in that
revision, and is never indexed or cached publicly.
"""

import logging
from datetime import timedelta

import reversion
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from entities.models import Source

from .models import Article, Citation, Claim, PreviewLink, Rating
from .rendering import render_body

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


def preview_version(link: PreviewLink) -> dict:
    """The article as it was in the link's revision, shaped like a published version."""
    article, claims, citations = None, [], []
    for version in link.revision.version_set.all():
        obj = version._object_version.object
        if version._model is Article and obj.pk == link.article_id:
            article = obj
        elif version._model is Claim and obj.article_id == link.article_id:
            claims.append(obj)
        elif version._model is Citation:
            citations.append(obj)
    if article is None:
        raise PreviewUnavailable("This preview is no longer available.")
    claim_ids = {c.pk for c in claims}
    sources = Source.objects.select_related("publisher").in_bulk(
        {c.source_id for c in citations if c.claim_id in claim_ids}
    )
    claims.sort(key=lambda c: (c.start, c.end, c.pk))
    shaped = [_claim(c, citations, sources) for c in claims]
    return {
        "title": article.title,
        "dek": article.dek,
        "byline": article.byline,
        "body_html": render_body(article.body, shaped),
        "claims": shaped,
        "corrections": [],
        "published_at": link.revision.date_created,
        "modified_at": link.revision.date_created,
        "number": None,
    }


def _claim(claim, citations, sources) -> dict:
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
        "citations": [
            {
                "relation": c.relation,
                "relation_label": c.get_relation_display(),
                "excerpt": c.excerpt,
                "locator": c.locator,
                "source": {
                    "title": sources[c.source_id].title,
                    "url": sources[c.source_id].url,
                    "publisher": str(sources[c.source_id].publisher or ""),
                    "published_on": sources[c.source_id].published_on,
                },
            }
            for c in citations
            if c.claim_id == claim.pk and c.source_id in sources
        ],
    }
