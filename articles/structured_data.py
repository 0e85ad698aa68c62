"""schema.org JSON-LD: NewsArticle and ClaimReview (Google's fact-check markup)."""

import re

from django.conf import settings

from .models import RATING_VALUES, Rating

# Ratings published as ClaimReview; opinion and unrated get none.
REVIEWED_RATINGS = set(RATING_VALUES) | {Rating.UNSUPPORTED}


def absolute(path: str) -> str:
    return settings.SITE_URL + path


def organization() -> dict:
    return {
        "@type": "Organization",
        "name": settings.NEWSROOM_NAME,
        "url": absolute("/"),
    }


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
        item["author"] = organization()
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
        "author": organization(),
        "datePublished": (claim["checked_at"] or date_published)[:10],
        "reviewRating": rating,
        "itemReviewed": item,
    }
    return review


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
        else organization(),
    }
    if version.corrections:
        news["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c["text"],
                "datePublished": c["date"],
            }
            for c in version.corrections
        ]
    reviews = [
        claim_review(
            c, article_url=url, date_published=version.published_at.isoformat()
        )
        for c in version.claims
    ]
    return [news, *(r for r in reviews if r)]


def claimreview_feed() -> list[dict]:
    """The ClaimReview of every rated claim readers can see, newest first.

    Taken from each live published version (its claims as published, the
    site's address as of its publish or the last ``render_pages``): the
    same markup the article pages carry. Used by /factchecks.json and by the
    ``export_claimreview`` command.
    """
    from .models import Article

    articles = (
        Article.objects.published()
        .select_related("live_version")
        .only("slug", "last_published_at", "live_version__jsonld")
        .order_by("-last_published_at", "slug")
    )
    return [
        item
        for article in articles
        for item in article.live_version.jsonld
        if item.get("@type") == "ClaimReview"
    ]
