"""The public article page: served from the live published version only."""

import json
import re

import pytest

from articles import workflow
from articles.models import Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    fact_checker,
    publisher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(roles):
    return {"checker": fact_checker(), "publisher": publisher()}


def publish_article(staff, *, body=None, claims=1, rating=Rating.ACCURATE):
    article = ArticleFactory(**({"body": body} if body else {}))
    source = SourceFactory(
        title="Acme annual report", publisher=EntityFactory(name="Acme")
    )
    words = article.body.split(" ")
    for i in range(claims):
        quote = words[i % len(words)] if claims > 1 else "its profits doubled last year"
        start = (
            article.body.index(quote)
            if claims == 1
            else _nth_word_start(article.body, i)
        )
        claim = ClaimFactory(
            article=article,
            quote=article.body[start : start + len(quote)],
            start=start,
            claimant=source.publisher,
        )
        CitationFactory(claim=claim, source=source, relation="origin")
        workflow.rate_claim(claim, user=staff["checker"], rating=rating)
    workflow.publish(article, user=staff["publisher"])
    article.refresh_from_db()
    return article


def _nth_word_start(body, n):
    starts = [m.start() for m in re.finditer(r"\S+", body)]
    return starts[n % len(starts)]


def test_published_article_shows_claims_ratings_and_sources(client, staff):
    article = publish_article(staff)
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert article.title in html
    assert article.dek in html
    assert '<mark class="claim claim--accurate"' in html
    assert ">Accurate</a>" in html  # the rating as text, not colour alone
    assert "Acme annual report" in html
    assert "Origin (where the claim first appeared)" in html


def test_article_page_carries_jsonld_with_claimreview(client, staff):
    article = publish_article(staff)
    html = client.get(article.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    data = json.loads(block.group(1))
    types = [item["@type"] for item in data]
    assert types == ["NewsArticle", "ClaimReview"]
    review = data[1]
    assert review["reviewRating"]["ratingValue"] == 5
    assert review["reviewRating"]["alternateName"] == "Accurate"
    assert review["itemReviewed"]["author"]["name"] == "Acme"


def test_draft_edits_do_not_reach_the_public_page(client, staff):
    article = publish_article(staff)
    article.title = "DRAFT-ONLY headline"
    article.body = article.body + "\n\nDRAFT-ONLY paragraph."
    article.save()
    claim = article.claims.get()
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.MOSTLY_ACCURATE)
    html = client.get(article.get_absolute_url()).content.decode()
    assert "DRAFT-ONLY" not in html
    assert "Mostly accurate" not in html
    assert "claim--accurate" in html


def test_republish_shows_the_new_version(client, staff):
    article = publish_article(staff)
    article.dek = "A new standfirst."
    article.save()
    workflow.publish(article, user=staff["publisher"])
    html = client.get(article.get_absolute_url()).content.decode()
    assert "A new standfirst." in html
    assert "Version 2" in html


def test_never_published_article_is_404(client):
    article = ArticleFactory(title="Secret scoop")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 404
    assert "Secret scoop" not in response.content.decode()


def test_withdrawn_article_is_410_with_a_tombstone(client, staff):
    article = publish_article(staff)
    workflow.unpublish(article, user=staff["publisher"], note="Under legal review.")
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "withdrawn" in html
    assert "Under legal review." in html
    assert 'name="robots" content="noindex"' in html


def test_unknown_slug_is_404(client):
    assert client.get("/articles/no-such-article/").status_code == 404


def test_markdown_raw_html_and_script_urls_are_not_rendered(client, staff):
    body = (
        "Acme Corp said its profits doubled last year.\n\n"
        "<script>alert(1)</script> [click](javascript:alert(2)) "
        '<img src=x onerror="alert(3)">'
    )
    article = publish_article(staff, body=body)
    html = client.get(article.get_absolute_url()).content.decode()
    body_html = html.split('<div class="article-body">')[1].split("</div>")[0]
    assert "<script" not in body_html
    assert 'href="javascript:' not in body_html
    assert "[click](javascript:alert(2))" in body_html  # shown as text
    assert "<img" not in body_html
    assert "&lt;script&gt;" in body_html


def test_article_page_query_count_does_not_grow_with_claims(
    client, staff, django_assert_max_num_queries
):
    small = publish_article(staff, claims=1)
    long_body = " ".join(f"word{i}" for i in range(400))
    large = publish_article(staff, body=long_body, claims=60)
    for article in (small, large):
        with django_assert_max_num_queries(3):
            assert client.get(article.get_absolute_url()).status_code == 200


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_home_lists_published_articles_only(client, staff):
    live = publish_article(staff)
    ArticleFactory(title="Unpublished draft title")
    html = client.get("/").content.decode()
    assert live.title in html
    assert "Unpublished draft title" not in html


def test_every_page_has_a_content_security_policy(client, staff):
    article = publish_article(staff)
    for url in ("/", article.get_absolute_url(), "/no-such-page/"):
        csp = client.get(url)["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "object-src 'none'" in csp
        assert "frame-ancestors 'none'" in csp


def test_date_modified_moves_only_with_a_substantive_republish(client, staff):
    article = publish_article(staff)
    first = article.live_version
    unchanged = workflow.publish(article, user=staff["publisher"], note="No change")
    assert unchanged.modified_at == first.modified_at
    assert unchanged.jsonld[0]["dateModified"] == first.jsonld[0]["dateModified"]
    article.dek = "A sharper standfirst."
    article.save()
    changed = workflow.publish(article, user=staff["publisher"])
    assert changed.modified_at == changed.published_at > first.modified_at
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated <time" in html
