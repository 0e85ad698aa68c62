"""Machine-readable output checked with real parsers: JSON-LD and HTML validity."""

import re

import extruct
import pytest
from django.core.management import call_command

from articles.models import Article
from articles.structured_data import REVIEWED_RATINGS
from tests.htmlcheck import validate

pytestmark = pytest.mark.django_db

DEMO_SLUG = "openai-and-microsoft-expand-partnership"
REQUIRED_CLAIMREVIEW = {
    "claimReviewed",
    "reviewRating",
    "url",
    "author",
    "datePublished",
}


@pytest.fixture
def demo(db):
    from io import StringIO

    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    return Article.objects.select_related("live_version").get(slug=DEMO_SLUG)


def test_demo_jsonld_has_newsarticle_and_a_claimreview_per_rated_claim(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    data = extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])
    items = data["json-ld"]
    articles = [i for i in items if i["@type"] == "NewsArticle"]
    reviews = [i for i in items if i["@type"] == "ClaimReview"]
    assert len(articles) == 1
    for key in ("headline", "datePublished", "dateModified", "publisher", "author"):
        assert articles[0][key], key
    reviewed = [c for c in demo.live_version.claims if c["rating"] in REVIEWED_RATINGS]
    assert len(reviews) == len(reviewed) > 0
    for review in reviews:
        assert review.keys() >= REQUIRED_CLAIMREVIEW
        rating = review["reviewRating"]
        assert rating["alternateName"]
        if "ratingValue" in rating:
            assert (rating["bestRating"], rating["worstRating"]) == (5, 1)
            assert 1 <= rating["ratingValue"] <= 5
        assert review["itemReviewed"]["@type"] == "Claim"
        assert review["itemReviewed"]["author"]["name"]
        assert review["url"].startswith("http")
        assert "#claim-" in review["url"]
    # The Information's report is where the Bing claim first appeared.
    appearances = [
        r["itemReviewed"].get("appearance", {}).get("url", "") for r in reviews
    ]
    assert any("theinformation.com" in url for url in appearances)


def test_opinion_claims_get_no_claimreview(client, demo):
    opinions = [c for c in demo.live_version.claims if c["rating"] == "opinion"]
    assert opinions, "the demo has an opinion claim"
    html = client.get(demo.get_absolute_url()).content.decode()
    items = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    reviewed = {r["claimReviewed"] for r in items if r["@type"] == "ClaimReview"}
    for claim in opinions:
        assert claim["statement"] not in reviewed


def test_jsonld_cannot_be_broken_out_of(client, demo):
    from articles import pages
    from articles.models import PublishedVersion

    # The headline is the version's title, built into the JSON-LD again
    # when the page is stored again.
    demo.live_version.title = "</script><script>alert(1)</script>"
    demo.live_version.save()
    pages.rerender(PublishedVersion.objects.filter(pk=demo.live_version.pk))
    html = client.get(demo.get_absolute_url()).content.decode()
    assert "</script><script>alert(1)" not in html
    items = extruct.extract(html, syntaxes=["json-ld"])["json-ld"]
    assert items[0]["headline"] == "</script><script>alert(1)</script>"


def test_public_pages_are_valid_html(client, demo):
    source = demo.claims.first().citations.first().source
    urls = [
        "/",
        demo.get_absolute_url(),
        f"{demo.get_absolute_url()}history/",
        "/entities/microsoft/",
        source.get_absolute_url(),
        "/search/?q=bing",
        "/search/?q=nothingmatchesthis",
        "/no-such-page/",
    ]
    documents = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), url
        documents[url] = response.content
    assert validate(documents) == []


def test_demo_page_text_matches_the_seed_paragraph_for_paragraph(client, demo):
    from articles.demo import seed_text
    from articles.rendering import html_to_text

    html = client.get(demo.get_absolute_url()).content.decode()
    body_html = html.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    # Drop the rating labels placed after each claim; keep the article's words.
    body_html = re.sub(r'<a class="claim-label[^>]*>.*?</a>', "", body_html)
    page = [p.strip() for p in html_to_text(body_html).split("\n\n")]
    seed = [" ".join(p.split()) for p in seed_text().split("\n\n") if p.strip()]
    assert [" ".join(p.split()) for p in page] == seed
    assert len(page) == 11
    assert html.count('class="claim-label') == len(demo.live_version.claims)
