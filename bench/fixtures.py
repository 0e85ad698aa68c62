"""Data for the benchmarks: articles with many claims, made through the workflow."""

import random

from django.contrib.auth import get_user_model

from articles import workflow
from articles.models import Article, Citation, Rating
from articles.roles import FACT_CHECKERS, PUBLISHERS, setup_roles
from entities.models import Entity, Source

WORDS = (
    "the",
    "company",
    "said",
    "its",
    "revenue",
    "grew",
    "last",
    "quarter",
    "while",
    "analysts",
    "expected",
    "a",
    "smaller",
    "rise",
    "in",
    "sales",
    "across",
    "markets",
    "and",
    "regulators",
    "asked",
    "for",
    "more",
    "data",
    "on",
    "prices",
    "contracts",
    "workers",
    "and",
    "investment",
    "plans",
    "over",
    "the",
    "coming",
    "years",
)


def bench_users():
    from django.contrib.auth.models import Group

    setup_roles()
    User = get_user_model()
    checker, _ = User.objects.get_or_create(username="bench-checker", is_staff=True)
    checker.groups.add(Group.objects.get(name=FACT_CHECKERS))
    publisher, _ = User.objects.get_or_create(username="bench-publisher", is_staff=True)
    publisher.groups.add(Group.objects.get(name=PUBLISHERS))
    return checker, publisher


def sentence(rng: random.Random, words: int = 14) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article_with_claims(
    slug: str,
    *,
    claims: int,
    paragraphs: int | None = None,
    seed: int = 1,
    publish: bool = True,
) -> Article:
    """An article with ``claims`` rated, cited claims; published if asked."""
    rng = random.Random(seed)
    existing = Article.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    checker, publisher = bench_users()
    claimant, _ = Entity.objects.get_or_create(
        slug="bench-corp", defaults={"name": "Bench Corp"}
    )
    source, _ = Source.objects.get_or_create(
        url="https://example.org/bench-report",
        defaults={"title": "Bench annual report", "publisher": claimant},
    )
    sentences = [f"Claim {i}: {sentence(rng)}" for i in range(claims)]
    paragraphs = paragraphs or max(1, claims // 3)
    per = max(1, len(sentences) // paragraphs)
    body = "\n\n".join(
        " ".join(sentences[i : i + per]) for i in range(0, len(sentences), per)
    )
    article = Article.objects.create(
        title=f"Benchmark article with {claims} claims",
        slug=slug,
        dek="An article made by the benchmark.",
        body=body,
        byline="By Bench Reporter",
    )
    for text in sentences:
        start = body.index(text)
        claim = workflow.tag_claim(
            article,
            user=publisher,
            start=start,
            end=start + len(text),
            claimant=claimant,
            statement=text[:200],
        )
        Citation.objects.create(claim=claim, source=source, relation="supports")
        claim.tagged_by = None
        claim.save(update_fields=["tagged_by"])
        workflow.rate_claim(
            claim,
            user=checker,
            rating=Rating.ACCURATE,
            explanation="Matches the annual report.",
        )
    if publish:
        workflow.publish(article, user=publisher, note="Benchmark")
    return article
