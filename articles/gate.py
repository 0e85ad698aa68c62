"""
The publish gate (DESIGN §5): everything that stops an article from being
published, each blocker in words an editor understands, all at once.
"""

import hashlib
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Prefetch

from media.usage import image_problems

from . import staleness
from .models import RATINGS_NEEDING_CITATIONS, Article, Claim, PublishedVersion, Rating
from .staleness import short
from .structured_data import REVIEWED_RATINGS


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
        queryset=Claim.objects.select_related(
            "claimant", "media_image"
        ).prefetch_related(staleness.with_sources()),
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
    if not has_author(article):
        blockers.append(
            Blocker(
                "no_byline",
                "The article needs a byline or an author: readers must see who "
                "wrote it.",
            )
        )
    if claims is None:
        claims = list(claims_to_check().queryset.filter(article=article))
    if not claims and (blocker := _no_claims_blocker(article)):
        blockers.append(blocker)
    for claim in claims:
        citations = list(claim.citations.all())
        if claim.anchor == Claim.Anchor.ORPHANED and claim.in_text:
            blockers.append(
                Blocker(
                    "orphaned",
                    f"Claim {claim} is no longer in the text: re-tag it or delete it.",
                )
            )
        if not claim.is_rated:
            blockers.append(Blocker("unrated", f"Claim {claim} is not rated yet."))
        elif reasons := staleness.stale_reasons(claim, citations):
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
        if (
            claim.media_type
            and claim.rating in REVIEWED_RATINGS
            and not claim.media_authenticity
        ):
            blockers.append(
                Blocker(
                    "media_unrated",
                    f"Claim {claim} is about {claim.get_media_type_display().lower()}: "
                    "a fact-checker says what the media is (original, missing "
                    "context, edited, ...) with the rating.",
                )
            )
    blockers.extend(
        Blocker(code, message) for code, message in image_problems(article, claims)
    )
    blockers.extend(_correction_blockers(article, claims))
    return blockers


def has_author(article: Article) -> bool:
    """Whether readers will see who wrote ``article``: a byline or an author."""
    if (article.byline or "").strip():
        return True
    return article.pk is not None and article.authors.exists()


def text_fingerprint(article: Article) -> str:
    """A hash of the text readers will read: headline, standfirst and body."""
    text = "\x00".join((article.title or "", article.dek or "", article.body or ""))
    return hashlib.sha256(text.encode()).hexdigest()


def no_claims_recorded(article: Article) -> bool:
    """Whether a fact-checker recorded that the text as it is has no claims."""
    return bool(article.no_claims_at) and (
        article.no_claims_text == text_fingerprint(article)
    )


def _no_claims_blocker(article: Article) -> Blocker | None:
    """The gate's rule for an article without claims."""
    if no_claims_recorded(article):
        return None
    if article.no_claims_at:
        who = article.no_claims_by
        name = (who.get_full_name() or who.get_username()) if who else "a fact-checker"
        return Blocker(
            "no_claims_changed",
            f"The text changed after {name} recorded that it has no checkable "
            "claims: a fact-checker must read it again and tag its claims or "
            "record that it has none.",
        )
    return Blocker(
        "no_claims",
        "The article has no tagged claims: tag the claims in its text, or a "
        "fact-checker must record that it has no checkable claims.",
    )


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
            changes.append(f"claim “{short(seen['quote'])}” was removed")
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


def check_gate(article: Article) -> None:
    """Raise ValidationError listing every blocker, if there is any."""
    blockers = gate_blockers(article)
    if blockers:
        raise ValidationError(
            [ValidationError(b.message, code=b.code) for b in blockers]
        )
