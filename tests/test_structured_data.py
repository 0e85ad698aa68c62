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
    labels_in_body = body_html.count('class="claim-label')
    # Drop the notes placed after each claim; keep the article's words.
    body_html = re.sub(r'<span class="claim-note".*?\]</span></span>', "", body_html)
    page = [p.strip() for p in html_to_text(body_html).split("\n\n")]
    seed = [" ".join(p.split()) for p in seed_text().split("\n\n") if p.strip()]
    assert [" ".join(p.split()) for p in page] == seed
    assert len(page) == 11
    # A label on every claim in the text, and one in the lead image's caption
    # for the claim about the picture (it quotes no words of the text).
    claims = demo.live_version.claims
    in_text = [c for c in claims if c["quote"]]
    assert labels_in_body == len(in_text)
    assert html.count('class="claim-label') == len(claims) == len(in_text) + 1


POLICIES = {
    "publishingPrinciples": "/about/#principles",
    "verificationFactCheckingPolicy": "/methodology/",
    "correctionsPolicy": "/corrections/",
    "ownershipFundingInfo": "/about/#ownership",
    "masthead": "/about/#team",
}


def _items(html):
    return extruct.extract(html, base_url="http://testserver/", syntaxes=["json-ld"])[
        "json-ld"
    ]


def test_the_publisher_names_its_policies_and_each_correction_is_listed(
    client, demo, settings
):
    from django.contrib.auth import get_user_model

    from articles import demo as demo_newsroom
    from articles import workflow

    settings.SITE_URL = "https://news.example.org"
    publisher = get_user_model().objects.get(username=demo_newsroom.PUBLISHER.username)
    workflow.add_correction(
        demo, user=publisher, kind="correction", text="The 2019 investment was $1bn."
    )
    workflow.publish(demo, user=publisher, note="Corrected.")
    html = client.get(demo.get_absolute_url()).content.decode()
    [news] = [i for i in _items(html) if i["@type"] == "NewsArticle"]
    organization = news["publisher"]
    assert organization["@type"] == "NewsMediaOrganization"
    for key, path in POLICIES.items():
        assert organization[key] == f"https://news.example.org{path}", key
        page = client.get(path.split("#")[0])
        assert page.status_code == 200, path
        if "#" in path:
            assert f'id="{path.split("#")[1]}"' in page.content.decode()
    logo = organization["logo"]["url"]
    assert logo.startswith("https://news.example.org/static/icon-512.")
    [correction] = news["correction"]
    assert correction["@type"] == "CorrectionComment"
    assert correction["text"] == "The 2019 investment was $1bn."
    assert correction["datePublished"][:4].isdigit()
    assert correction["url"] == (
        f"https://news.example.org{demo.get_absolute_url()}history/"
    )
    # A fact-check's author is the newsroom, named plainly.
    review = next(i for i in _items(html) if i["@type"] == "ClaimReview")
    assert review["author"] == {
        "@type": "Organization",
        "name": settings.NEWSROOM_NAME,
        "url": "https://news.example.org/",
    }


def test_the_about_page_carries_the_publishers_markup(client, demo):
    [organization] = _items(client.get("/about/").content.decode())
    assert organization["@type"] == "NewsMediaOrganization"
    assert organization.keys() >= set(POLICIES)


def _meta_tags(html):
    return dict(
        re.findall(
            r'<meta (?:property|name)="((?:og|twitter|article):[\w:]+)" '
            r'content="([^"]*)"',
            html,
        )
    )


def test_article_pages_carry_open_graph_and_twitter_cards(client, demo, settings):
    settings.SITE_URL = "https://news.example.org"
    from articles import pages
    from articles.models import PublishedVersion

    pages.rerender(PublishedVersion.objects.filter(pk=demo.live_version_id))
    tags = _meta_tags(client.get(demo.get_absolute_url()).content.decode())
    url = f"https://news.example.org{demo.get_absolute_url()}"
    assert tags["og:type"] == "article"
    assert tags["og:title"] == tags["twitter:title"] == demo.live_version.title
    assert tags["og:description"] == demo.live_version.dek
    assert tags["og:url"] == url
    assert tags["og:site_name"] == settings.NEWSROOM_NAME
    assert tags["og:locale"] == "en_US"
    assert tags["article:published_time"].startswith(str(demo.first_published_at.year))
    assert tags["article:author"] == "Demo Reporter"
    # The demo story has a lead image: the link preview is that picture, large.
    lead = demo.lead_image
    assert tags["og:image"].startswith("https://news.example.org/media/")
    assert tags["og:image:type"] == "image/jpeg"
    assert int(tags["og:image:width"]) <= lead.width
    assert int(tags["og:image:height"]) <= lead.height
    assert tags["og:image:alt"] == lead.alt
    assert tags["twitter:card"] == "summary_large_image"
    assert tags["twitter:image"] == tags["og:image"]
    assert tags["twitter:image:alt"] == lead.alt


def test_a_story_without_a_lead_image_is_previewed_with_the_logo(
    client, demo, settings
):
    settings.SITE_URL = "https://news.example.org"
    from articles import pages
    from articles.models import PublishedVersion

    live = PublishedVersion.objects.filter(pk=demo.live_version_id)
    images = dict(live.get().images or {})
    images.pop("lead", None)
    live.update(images=images)
    pages.rerender(live)
    tags = _meta_tags(client.get(demo.get_absolute_url()).content.decode())
    assert tags["og:image"].startswith("https://news.example.org/static/icon-512.")
    assert tags["og:image:alt"]
    assert tags["twitter:card"] == "summary"
    assert tags["twitter:image"] == tags["og:image"]
    # The image is the project's 512-pixel logo, collected as a static file.
    from django.contrib.staticfiles.storage import staticfiles_storage

    name = tags["og:image"].removeprefix("https://news.example.org/static/")
    with staticfiles_storage.open(name) as image:
        header = image.read(24)
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    assert int.from_bytes(header[16:20]) == int.from_bytes(header[20:24]) == 512


def test_new_pages_are_valid_html(client, demo):
    documents = {}
    for url in ("/about/", "/methodology/", "/corrections/"):
        response = client.get(url)
        assert response.status_code == 200, url
        documents[url] = response.content
    assert validate(documents) == []
