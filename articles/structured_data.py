"""
schema.org JSON-LD: NewsArticle (with its images), ClaimReview (Google's
fact-check markup) and, for a claim about an image or a video, MediaReview.
"""

import re

from django.conf import settings
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.templatetags.static import static
from django.urls import reverse

from media.claim_media import SCHEMA_CATEGORIES
from media.figures import Gallery
from newsroom.addresses import absolute_url

from .models import RATING_VALUES, Rating

# Ratings published as ClaimReview; opinion and unrated get none.
REVIEWED_RATINGS = set(RATING_VALUES) | {Rating.UNSUPPORTED}


LOGO = "icon-512.png"  # in static/, 512 × 512

# The address of a site path, from SITE_URL (never the request).
absolute = absolute_url


def logo_url() -> str | None:
    """The newsroom's logo, absolute; None before collectstatic has hashed it."""
    try:
        return absolute(static(LOGO))
    except ValueError:  # the manifest storage, before collectstatic
        return None


def reviewer() -> dict:
    """The newsroom, as the author of a fact-check or of its own claims."""
    return {
        "@type": "Organization",
        "name": settings.NEWSROOM_NAME,
        "url": absolute("/"),
    }


def organization() -> dict:
    """
    The newsroom as the publisher of its articles, with the pages that say
    how it works: its principles, its fact-checking method, its corrections,
    its ownership and funding, its team (the transparency pages).
    """
    about = reverse("masthead:about")
    publisher = {
        **reviewer(),
        "@type": "NewsMediaOrganization",
        "publishingPrinciples": absolute(f"{about}#principles"),
        "verificationFactCheckingPolicy": absolute(reverse("masthead:methodology")),
        "correctionsPolicy": absolute(reverse("masthead:corrections")),
        "ownershipFundingInfo": absolute(f"{about}#ownership"),
        "masthead": absolute(f"{about}#team"),
    }
    logo = logo_url()
    if logo:
        publisher["logo"] = {
            "@type": "ImageObject",
            "url": logo,
            "width": 512,
            "height": 512,
        }
    return publisher


def claim_review(claim: dict, *, article_url: str, date_published: str) -> dict | None:
    """The ClaimReview of one published claim, or None if it gets none."""
    if claim["rating"] not in REVIEWED_RATINGS:
        return None
    rating = {"@type": "Rating", "alternateName": claim["rating_label"]}
    value = RATING_VALUES.get(claim["rating"])
    if value is not None:
        rating.update({"ratingValue": value, "bestRating": 5, "worstRating": 1})
    item = {"@type": "Claim"}
    claimant = claim["claimant"]
    if claimant:
        kind = "Person" if claimant["kind"] == "person" else "Organization"
        item["author"] = {
            "@type": kind,
            "name": claimant["name"],
            "url": absolute(f"/entities/{claimant['slug']}/"),
        }
    else:
        item["author"] = reviewer()
    origins = [c for c in claim["citations"] if c["relation"] == "origin"]
    if origins and origins[0]["source"]["url"]:
        source = origins[0]["source"]
        appearance = {
            "@type": "CreativeWork",
            "url": source["url"],
            "name": source["title"],
        }
        if source["published_on"]:
            appearance["datePublished"] = source["published_on"]
        item["appearance"] = appearance
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"{article_url}#{claim['anchor_id']}",
        "claimReviewed": claim["statement"],
        "author": reviewer(),
        "datePublished": (claim["checked_at"] or date_published)[:10],
        "reviewRating": rating,
        "itemReviewed": item,
    }
    return review


def _timecode(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    return f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"


def media_review(
    claim: dict, *, article_url: str, date_published: str, gallery: Gallery
) -> dict | None:
    """
    The MediaReview of a claim about an image or a video: what the media is
    (its authenticity category), where it appeared, and, for a video, the
    part the claim is about. None for a claim not about media, not rated
    for a ClaimReview, or whose media's authenticity is not given.
    """
    media = claim.get("media")
    if not media or not media.get("authenticity"):
        return None
    if claim["rating"] not in REVIEWED_RATINGS:
        return None
    video = media["type"] == "video"
    appearance = {"@type": "VideoObjectSnapshot" if video else "ImageObjectSnapshot"}
    shared = gallery.shared(media["image"], site_url=settings.SITE_URL)
    if shared:
        appearance["contentUrl"] = shared["url"]
    elif media["url"]:
        appearance["contentUrl"] = media["url"]
    if media["archive_url"]:
        appearance["archivedAt"] = media["archive_url"]
    if media["appeared_on"]:
        appearance["uploadDate"] = media["appeared_on"]
    if video and media["start_seconds"] is not None:
        appearance["startTime"] = _timecode(media["start_seconds"])
    if video and media["end_seconds"] is not None:
        appearance["endTime"] = _timecode(media["end_seconds"])
    if media["appeared_url"] or media["platform"]:
        posting = {"@type": "SocialMediaPosting"}
        if media["appeared_url"]:
            posting["url"] = media["appeared_url"]
        if media["platform"]:
            posting["publisher"] = {"@type": "Organization", "name": media["platform"]}
        if media["appeared_on"]:
            posting["datePublished"] = media["appeared_on"]
        appearance["isPartOf"] = posting
    review = {
        "@context": "https://schema.org",
        "@type": "MediaReview",
        "url": f"{article_url}#{claim['anchor_id']}",
        "name": claim["statement"],
        "author": reviewer(),
        "datePublished": (claim["checked_at"] or date_published)[:10],
        "mediaAuthenticityCategory": SCHEMA_CATEGORIES[media["authenticity"]],
        "itemReviewed": {
            "@type": "MediaReviewItem",
            "mediaItemAppearance": [appearance],
        },
    }
    if claim["rating_explanation"]:
        review["originalMediaContextDescription"] = claim["rating_explanation"]
    return review


def image_objects(version, gallery: Gallery) -> list[dict]:
    """The NewsArticle's ``image``: its lead image, then those in its body."""
    from .rendering import placed_images  # rendering needs ratings, which needs us

    images = version.images or {}
    ids = [images["lead"]] if images.get("lead") else []
    ids += [pk for pk, _caption in placed_images(version.body) if pk not in ids]
    objects = []
    for pk in ids:
        shared = gallery.shared(pk, site_url=settings.SITE_URL)
        if shared is None:
            continue
        item = {
            "@type": "ImageObject",
            "url": shared["url"],
            "contentUrl": shared["url"],
            "width": shared["width"],
            "height": shared["height"],
        }
        for key, value in (
            ("caption", shared["caption"] or shared["alt"]),
            ("creditText", shared["credit"]),
            ("copyrightNotice", shared["licence"]),
        ):
            if value:
                item[key] = value
        objects.append(item)
    return objects


def byline_names(byline: str) -> str:
    """“By Jane Doe” → “Jane Doe”."""
    return re.sub(r"^\s*by\s+", "", byline, flags=re.IGNORECASE).strip()


def build_jsonld(article, version) -> list[dict]:
    """The JSON-LD documents of a published version."""
    url = absolute(article.get_absolute_url())
    published = (article.first_published_at or version.published_at).isoformat()
    news = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": version.title[:110],
        "description": version.dek,
        "url": url,
        "mainEntityOfPage": url,
        "datePublished": published,
        "dateModified": version.modified_at.isoformat(),
        "publisher": organization(),
        "author": [{"@type": "Person", "name": byline_names(version.byline)}]
        if version.byline
        else reviewer(),
    }
    gallery = Gallery((version.images or {}).get("items"))
    if images := image_objects(version, gallery):
        news["image"] = images
    if version.corrections:
        history = absolute(f"{article.get_absolute_url()}history/")
        news["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c["text"],
                "datePublished": c["date"],
                "url": history,
            }
            for c in version.corrections
        ]
    date_published = version.published_at.isoformat()
    reviews = []
    for claim in version.claims:
        reviews.append(
            claim_review(claim, article_url=url, date_published=date_published)
        )
        reviews.append(
            media_review(
                claim, article_url=url, date_published=date_published, gallery=gallery
            )
        )
    return [news, *(r for r in reviews if r)]


# The ClaimReview data feed (/factchecks.json, export_claimreview) -----------

# ClaimReviews per page of /factchecks.json (about 1.5 KB each).
FEED_PAGE_SIZE = 100
# Oldest first, by when each article was first published, then the order of
# its claims: a new article's fact-checks go at the end, and a re-publish
# keeps its place, so the pages a reader has walked do not move.
FEED_ORDER = ("version__article__first_published_at", "version__article_id", "position")


def _reviewed_live_claims():
    """The published claims with a ClaimReview, of the versions readers see."""
    from .models import PublishedClaim

    return PublishedClaim.objects.filter(
        version__article__live_version=F("version"), rating__in=REVIEWED_RATINGS
    )


def claimreview_count() -> int:
    """How many ClaimReviews the feed holds."""
    return _reviewed_live_claims().count()


def claimreview_page(number: int, *, size: int = FEED_PAGE_SIZE) -> list[dict]:
    """
    The ClaimReviews on page ``number`` of the feed, in two queries whatever
    the number of articles and claims: which claims, then their versions'
    structured data, each version's read once.

    A ClaimReview is taken from the live version's JSON-LD (its claims as
    published, the site's address as of its publish or the last
    ``render_pages``): the same markup the article pages carry.
    """
    start = (number - 1) * size
    return _reviews(list(_ranked_rows()[start : start + size]))


def _ranked_rows():
    """(version id, rank among its version's ClaimReviews), in the feed's order."""
    from .models import PublishedClaim

    earlier = (
        PublishedClaim.objects.filter(
            version=OuterRef("version"),
            position__lt=OuterRef("position"),
            rating__in=REVIEWED_RATINGS,
        )
        .order_by()
        .values("version")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        _reviewed_live_claims()
        .order_by(*FEED_ORDER)
        .annotate(rank=Coalesce(Subquery(earlier), 0))
        .values_list("version_id", "rank")
    )


def _reviews(rows) -> list[dict]:
    """The ClaimReviews of ``rows``: (version id, rank among its reviews)."""
    from .models import PublishedVersion

    documents = PublishedVersion.objects.filter(
        pk__in={version for version, _ in rows}
    ).values_list("pk", "jsonld")
    reviews = {
        pk: [item for item in jsonld if item.get("@type") == "ClaimReview"]
        for pk, jsonld in documents
    }
    return [
        reviews[version][rank] for version, rank in rows if rank < len(reviews[version])
    ]


def claimreview_feed(*, batch_size: int = 1000):
    """Every ClaimReview readers can see, in the feed's order (a generator)."""
    batch = []
    for row in _ranked_rows().iterator(chunk_size=batch_size):
        batch.append(row)
        if len(batch) == batch_size:
            yield from _reviews(batch)
            batch = []
    yield from _reviews(batch)
