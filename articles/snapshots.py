"""
What a publish freezes: the fields of a new PublishedVersion (the claims as
readers see them, with their sources), and the queryable rows of its claims
and citations that entity and source pages list.
"""

from entities.models import Entity
from media.figures import Gallery
from media.usage import images_of

from . import pages
from .models import (
    Article,
    Claim,
    PublishedCitation,
    PublishedClaim,
    PublishedCorrection,
    PublishedVersion,
)
from .rendering import html_to_text, markdown_to_html, render_body


def media_snapshot(claim: Claim) -> dict | None:
    """The media a claim is about, as readers see it (its image by id)."""
    if not claim.media_type:
        return None
    return {
        "type": claim.media_type,
        "image": claim.media_image_id,
        "url": claim.media_url,
        "archive_url": claim.media_archive_url,
        "appeared_url": claim.media_appeared_url,
        "platform": claim.media_platform,
        "appeared_on": (
            claim.media_appeared_on.isoformat() if claim.media_appeared_on else None
        ),
        "start_seconds": claim.media_start_seconds,
        "end_seconds": claim.media_end_seconds,
        "authenticity": claim.media_authenticity,
        "authenticity_label": claim.get_media_authenticity_display(),
    }


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
        # Only for a claim about media, so that what older versions froze
        # compares equal to what a publish of the same claims freezes now.
        **({"media": media} if (media := media_snapshot(claim)) else {}),
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


def version_fields(article: Article) -> tuple[dict, list[Entity]]:
    """The fields of a new published version, and the entities it names."""
    rows = list(
        article.claims.select_related("claimant").prefetch_related(
            "citations__source__publisher"
        )
    )
    claims = [claim_snapshot(c) for c in rows]
    images = images_of(article, rows)
    gallery = Gallery(images["items"])
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
    unlinked = Entity.objects.filter(
        mentions__article=article, mentions__suppressed=True
    )
    links = pages.entity_links(article.body, entities, unlinked)
    fields = {
        "title": article.title,
        "dek": article.dek,
        "byline": article.byline,
        "body": article.body,
        "body_html": render_body(article.body, claims, links, gallery.figure),
        "body_text": html_to_text(markdown_to_html(article.body)),
        "claims": claims,
        "corrections": corrections,
        "links": links,
        "images": images,
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


def record_published_claims(version: PublishedVersion) -> None:
    """The queryable copy of the version's claims, for entity and source pages."""
    rows = PublishedClaim.objects.bulk_create(published_claims(version))
    PublishedCitation.objects.bulk_create(published_citations(rows, version.claims))


def record_published_corrections(version: PublishedVersion, last) -> None:
    """The queryable copy of the version's corrections, for /corrections/."""
    seen = {}
    if last is not None:
        seen = dict(
            last.published_corrections.filter(correction__isnull=False).values_list(
                "correction_id", "first_number"
            )
        )
    PublishedCorrection.objects.bulk_create(
        PublishedCorrection(
            version=version,
            correction=correction,
            position=position,
            kind=correction.kind,
            text=correction.text,
            date=correction.date,
            first_number=seen.get(correction.pk, version.number),
        )
        for position, correction in enumerate(version.article.corrections.all())
    )


def reader_view(fields: dict) -> tuple:
    """What readers see of a version, to tell a substantive re-publish."""
    images = fields.get("images") or {}
    return (
        *(
            fields[name]
            for name in ("title", "dek", "byline", "body", "claims", "corrections")
        ),
        # Versions published before images were frozen hold none.
        (images.get("lead"), images.get("items") or {}),
    )
