"""Entity and source pages, search, feed, sitemap, robots.txt and history."""

import xml.etree.ElementTree as ET
from html import unescape
from io import StringIO

import feedparser
import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory
from django.utils.html import escape

from articles import editing, pages, workflow
from articles.models import Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    fact_checker,
    publisher,
    without_claims,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(roles):
    return {"checker": fact_checker(), "publisher": publisher()}


@pytest.fixture
def acme(db):
    return EntityFactory(name="Acme Corp", slug="acme-corp")


@pytest.fixture
def live(staff, acme):
    """A published article naming Acme Corp, with one claim by Acme."""
    article = ArticleFactory(
        title="Acme doubles its profits",
        body="Acme Corp said its profits doubled last year.\n\n"
        "Analysts expect the trend to continue into next year.",
    )
    editing.refresh_mentions(article)
    claim = ClaimFactory(article=article, claimant=acme)
    CitationFactory(
        claim=claim,
        source=SourceFactory(title="Acme annual report 2025", publisher=acme),
        relation="origin",
    )
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.MOSTLY_ACCURATE)
    workflow.publish(article, user=staff["publisher"], note="First version")
    article.refresh_from_db()
    return article


def test_article_links_entity_at_first_mention(client, live):
    html = client.get(live.get_absolute_url()).content.decode()
    assert '<a class="entity-link" href="/entities/acme-corp/">Acme Corp</a>' in html
    assert html.count('class="entity-link"') == 1


def _page(client, article, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def test_page_is_rendered_at_publish_as_a_live_render_would(client, live, settings):
    from django.core.management import call_command

    from articles import pages
    from articles.models import PublishedVersion

    version = live.live_version
    assert version.rendered_with == pages.render_key()
    assert "Acme annual report 2025" in version.page_html
    assert 'href="/entities/acme-corp/">Acme Corp</a>' in version.entities_html
    at = version.entities_at
    assert version.page_html[at : at + len(version.entities_html)] == (
        version.entities_html
    )
    stored = _page(client, live, settings)
    assert stored == version.page_html
    # A page rendered by other code or settings (after a deploy) is rendered
    # live, the same, until render_pages stores it again.
    PublishedVersion.objects.filter(pk=version.pk).update(
        rendered_with="", page_html="OUT-OF-DATE", entities_html=""
    )
    assert _page(client, live, settings) == stored
    out = StringIO()
    call_command("render_pages", stdout=out)
    assert out.getvalue() == "Rendered 1 article page.\n"
    version.refresh_from_db()
    assert version.rendered_with == pages.render_key()
    assert "OUT-OF-DATE" not in version.page_html
    assert _page(client, live, settings) == stored
    call_command("render_pages", stdout=out)
    assert out.getvalue().endswith("Rendered 0 article pages.\n")
    call_command("render_pages", "--all", stdout=out)
    assert out.getvalue().endswith("Rendered 1 article page.\n")


def test_stored_page_is_sent_without_rendering_a_template(client, live, settings):
    from articles.models import PublishedVersion

    settings.NEWSROOM_PAGE_CACHE = False
    response = client.get(live.get_absolute_url())
    assert response.status_code == 200
    assert [t.name for t in response.templates] == []
    # Sent as the database holds it: UTF-8 bytes, never decoded and encoded.
    stored = pages.stored_page(live.slug)
    assert isinstance(stored, bytes) and response.content == stored
    assert (
        stored.decode()
        == PublishedVersion.objects.get(pk=live.live_version_id).page_html
    )
    PublishedVersion.objects.filter(pk=live.live_version_id).update(rendered_with="")
    response = client.get(live.get_absolute_url())
    assert "articles/article_detail.html" in [t.name for t in response.templates]


def test_entity_list_not_where_stored_is_rendered_live(client, live, settings):
    from articles.models import PublishedVersion

    settings.NEWSROOM_PAGE_CACHE = False
    PublishedVersion.objects.filter(pk=live.live_version_id).update(entities_at=0)
    acme = live.mentions.get().entity
    acme.description = "Only the description: the list is the same."
    acme.save()
    live.live_version.refresh_from_db()
    assert live.live_version.rendered_with  # nothing to change, nothing written
    acme.name = "Acme Corporation"
    acme.save()
    live.live_version.refresh_from_db()
    assert live.live_version.rendered_with == ""
    assert '<a href="/entities/acme-corp/">Acme Corporation</a>' in _page(
        client, live, settings
    )


def test_render_pages_moves_the_generation_only_when_a_page_changed(live):
    from django.core.management import call_command

    from articles.models import PublicState, PublishedVersion

    def generation():
        return PublicState.objects.get(pk=1).generation

    before = generation()
    call_command("render_pages", "--all", stdout=StringIO())
    assert generation() == before  # the same HTML: cached copies hold
    PublishedVersion.objects.filter(pk=live.live_version_id).update(
        page_html="A PAGE STORED BY A BROKEN RELEASE"
    )
    call_command("render_pages", "--all", stdout=StringIO())
    assert generation() == before + 1
    live.live_version.refresh_from_db()
    assert "BROKEN" not in live.live_version.page_html


def test_render_pages_after_a_move_to_another_address_rebuilds_the_claimreview(
    client, live, settings
):
    from django.core.management import call_command

    settings.NEWSROOM_PAGE_CACHE = False
    old, new = settings.SITE_URL, "https://news.example.net"
    assert old != new
    settings.SITE_URL = new
    call_command("render_pages", stdout=StringIO())
    live.live_version.refresh_from_db()
    urls = [item["url"] for item in live.live_version.jsonld]
    assert urls and all(url.startswith(f"{new}/articles/") for url in urls)
    assert old not in live.live_version.page_html
    feed = client.get("/factchecks.json").json()["dataFeedElement"]
    assert feed and all(item["url"].startswith(new) for item in feed)


def test_publishing_before_collectstatic_stores_no_page(
    client, staff, settings, tmp_path, caplog
):
    from django.core.management import call_command

    article = without_claims(ArticleFactory(title="Published before the static files"))
    settings.STATIC_ROOT = tmp_path  # nothing collected here
    with caplog.at_level("WARNING", logger="articles.pages"):
        version = workflow.publish(article, user=staff["publisher"])
    assert version.rendered_with == "" and version.page_html == ""
    assert "run collectstatic, then render_pages" in caplog.text
    settings.STATIC_ROOT = tmp_path / "collected"
    call_command("collectstatic", interactive=False, verbosity=0)
    html = _page(client, article, settings)  # rendered live meanwhile
    assert "Published before the static files" in html
    call_command("render_pages", stdout=StringIO())
    version.refresh_from_db()
    assert version.page_html == _page(client, article, settings)


def test_stored_page_is_not_served_under_other_settings(client, live, settings):
    stored_name = f'og:site_name" content="{settings.NEWSROOM_NAME}"'
    assert stored_name in live.live_version.page_html
    settings.NEWSROOM_NAME = "The Other Ledger"
    html = _page(client, live, settings)
    assert "The Other Ledger" in html
    assert 'og:site_name" content="The Other Ledger"' in html


def test_entity_rename_and_delete_change_the_stored_page(client, live, settings):
    settings.NEWSROOM_PAGE_CACHE = False
    other = EntityFactory(name="Zenith Labs", slug="zenith-labs")
    live.body += "\n\nZenith Labs declined to comment."
    live.save()
    editing.refresh_mentions(live)
    workflow.publish(live, user=publisher(), note="Zenith")
    acme = live.mentions.get(entity__slug="acme-corp").entity
    acme.name = "Acme Corporation"
    acme.save()
    html = _page(client, live, settings)
    assert '<a href="/entities/acme-corp/">Acme Corporation</a>' in html
    assert '<a href="/entities/zenith-labs/">Zenith Labs</a>' in html
    other.delete()
    html = _page(client, live, settings)
    assert "/entities/zenith-labs/" not in html.split('id="entities-heading"')[1]
    assert '<a href="/entities/acme-corp/">Acme Corporation</a>' in html


def test_entity_page_shows_scorecard_and_articles(client, live, acme):
    response = client.get(acme.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Acme Corp" in html
    assert "Mostly accurate" in html
    assert live.title in html
    assert "Acme&#x27;s profits doubled last year." in html


def test_entity_page_does_not_show_unpublished_claims(client, live, acme, staff):
    draft = ArticleFactory(title="Draft about Acme Corp")
    editing.refresh_mentions(draft)
    claim = ClaimFactory(article=draft, claimant=acme, statement="DRAFT-ONLY claim")
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.OPINION)
    html = client.get(acme.get_absolute_url()).content.decode()
    assert "DRAFT-ONLY" not in html
    assert "Draft about Acme Corp" not in html


def test_source_page_lists_claims_citing_it_with_relation(client, live):
    source = live.claims.get().citations.get().source
    html = client.get(source.get_absolute_url()).content.decode()
    assert "Acme annual report 2025" in html
    assert "Origin (where the claim first appeared)" in html
    assert "Mostly accurate" in html


def test_unknown_entity_and_source_are_404(client):
    assert client.get("/entities/nobody/").status_code == 404
    assert client.get("/sources/999999/").status_code == 404


def test_search_finds_body_words_and_highlights(client, live):
    response = client.get("/search/", {"q": "analysts expect"})
    html = response.content.decode()
    assert response.status_code == 200
    assert live.title in html
    assert "<mark>" in html


def test_search_never_returns_drafts(client, live):
    ArticleFactory(title="Zebra drafts", body="Zebra zebra zebra.")
    html = client.get("/search/", {"q": "zebra"}).content.decode()
    assert "Zebra drafts" not in html
    assert "No published story matches" in html


def test_search_ranks_title_match_above_body_match(client, staff):
    for title, body in [
        ("Weather report", "The volcano was quiet all week."),
        ("Volcano erupts", "Lava reached the coast on Monday."),
    ]:
        article = without_claims(ArticleFactory(title=title, body=body))
        workflow.publish(article, user=staff["publisher"])
    html = client.get("/search/", {"q": "volcano"}).content.decode()
    assert html.index("Volcano erupts") < html.index("Weather report")


@pytest.mark.parametrize("query", ["", "   ", '"*^(', "x" * 5000, "NEAR AND OR"])
def test_search_answers_odd_queries_gracefully(client, live, query):
    assert client.get("/search/", {"q": query}).status_code == 200


def test_feed_parses_and_lists_published_articles(client, live):
    ArticleFactory(title="Unpublished in feed")
    response = client.get("/feed/")
    assert response.status_code == 200
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == [live.title]
    assert feed.entries[0].link.endswith(live.get_absolute_url())


def test_sitemap_lists_articles_and_entities(client, live, acme):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert any(loc.endswith(live.get_absolute_url()) for loc in locations)
    assert any(loc.endswith(acme.get_absolute_url()) for loc in locations)
    assert all(
        url.find("s:lastmod", ns) is not None for url in root.findall("s:url", ns)
    )


def test_robots_txt_points_to_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: " in response.content.decode()
    assert "Disallow: /admin/" in response.content.decode()


def test_history_lists_published_versions(client, live, staff):
    live.dek = "Second standfirst."
    live.save()
    workflow.publish(live, user=staff["publisher"], note="Sharper standfirst")
    html = client.get(f"{live.get_absolute_url()}history/").content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "Sharper standfirst" in html


def test_history_of_unpublished_article_is_404(client):
    article = ArticleFactory()
    assert client.get(f"{article.get_absolute_url()}history/").status_code == 404


def test_home_shows_latest_factchecks(client, live):
    html = client.get("/").content.decode()
    assert "Latest fact-checks" in html
    assert "Acme&#x27;s profits doubled last year." in html


def test_history_shows_word_diff_and_rating_changes(client, live, staff):
    live.body = live.body.replace("continue into next year", "slow down next year")
    live.save()
    claim = live.claims.get()
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.ACCURATE)
    workflow.add_correction(
        live, user=staff["publisher"], kind="correction", text="Re-rated accurate."
    )
    workflow.publish(live, user=staff["publisher"], note="Outlook revised")
    html = client.get(f"{live.get_absolute_url()}history/").content.decode()
    assert "<del>continue into</del>" in html.replace("\n", "")
    assert "<ins>slow down</ins>" in html
    assert 'Mostly accurate</span> → <span class="rating rating--accurate">' in html
    assert "Re-rated accurate." in html


def test_factchecks_json_serves_published_claimreviews(client, live, staff):
    import json
    from io import StringIO

    from django.core.management import call_command

    draft = ArticleFactory(title="Draft with a claim")
    claim = ClaimFactory(article=draft, statement="DRAFT-ONLY statement")
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.OPINION)
    response = client.get("/factchecks.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    items = response.json()["dataFeedElement"]
    assert [i["@type"] for i in items] == ["ClaimReview"]
    assert items[0]["claimReviewed"] == "Acme's profits doubled last year."
    assert "DRAFT-ONLY" not in response.content.decode()
    out = StringIO()
    call_command("export_claimreview", stdout=out)
    assert json.loads(out.getvalue()) == items


# /factchecks.json, a page at a time -------------------------------------------------


def _walk(client, url="/factchecks.json"):
    """Every page of the feed, by its next links: [(document, Link header)]."""
    pages = []
    while url:
        response = client.get(url.removeprefix(django_settings.SITE_URL))
        assert response.status_code == 200, url
        document = response.json()
        pages.append((document, response["Link"]))
        url = document["next"]
    return pages


def test_factchecks_json_is_paginated_with_next_links_in_a_stable_order(client, roles):
    from articles.structured_data import FEED_PAGE_SIZE, claimreview_feed
    from tests.test_query_counts import article_with_claims

    author = publisher(username="feed-publisher")
    first = article_with_claims(150, user=author, word="revenue")
    article_with_claims(60, user=author, word="margin")
    article_with_claims(40, user=author, word="output")
    pages = _walk(client)
    assert [len(d["dataFeedElement"]) for d, _ in pages] == [100, 100, 50]
    assert FEED_PAGE_SIZE == 100 and pages[0][0]["pageSize"] == 100
    assert [d["page"] for d, _ in pages] == [1, 2, 3]
    assert {d["totalItems"] for d, _ in pages} == {250}
    site = django_settings.SITE_URL
    assert pages[0][0]["next"] == f"{site}/factchecks.json?page=2"
    assert pages[1][0]["prev"] == f"{site}/factchecks.json"
    assert pages[2][0]["next"] is None
    assert f'<{site}/factchecks.json?page=3>; rel="next"' in pages[1][1]
    assert f'<{site}/factchecks.json?page=3>; rel="last"' in pages[0][1]
    walked = [item for d, _ in pages for item in d["dataFeedElement"]]
    assert walked == list(claimreview_feed())
    # Oldest first, each article's claims in order: the first article's
    # claims fill page one and half of page two.
    statements = [item["claimReviewed"] for item in walked]
    assert statements[:150] == [
        f"Claim {i} says the revenue of unit {i} rose by {i} percent."
        for i in range(150)
    ]
    # A re-publish of the first article does not move any page.
    first.refresh_from_db()
    workflow.publish(first, user=author, note="Again")
    assert _walk(client) == pages
    # Past the last page: 404, with why.
    beyond = client.get("/factchecks.json?page=4")
    assert beyond.status_code == 404
    assert "the last one is page 3" in beyond.content.decode()


def test_factchecks_json_pages_are_bounded_in_size_and_cost(
    client, roles, django_assert_max_num_queries
):
    from tests.test_query_counts import article_with_claims

    author = publisher(username="feed-publisher")
    for _ in range(3):
        article_with_claims(120, user=author)
    with django_assert_max_num_queries(4):
        response = client.get("/factchecks.json?page=2")
    assert len(response.json()["dataFeedElement"]) == 100
    assert len(response.content) < 100 * 2_000


# The feed is safe to render ------------------------------------------------------


def test_a_standfirst_with_markup_reaches_feed_readers_as_text(client, live):
    dek = 'Profits <img src=x onerror="alert(1)"> & <b>more</b>'
    live.dek = dek
    live.save()
    workflow.publish(live, user=publisher(), note="New standfirst")
    content = client.get("/feed/").content
    # A reader that renders the description as HTML, without sanitising it,
    # gets the standfirst's characters, not an element.
    raw = feedparser.parse(content, sanitize_html=False).entries[0]
    assert raw.summary_detail.type == "text/html"
    assert raw.summary == escape(dek)
    assert "<img" not in raw.summary and "<b>" not in raw.summary
    assert unescape(raw.summary) == dek
    # The title and the channel's description are text too.
    parsed = feedparser.parse(content)
    assert parsed.entries[0].title == live.title
    assert parsed.feed.subtitle.startswith("The latest fact-checked stories")


def test_a_description_marked_safe_is_left_as_html(client, live):
    from django.utils.html import format_html

    from articles.feeds import LatestArticlesFeed, SiteFeed

    class HtmlFeed(LatestArticlesFeed):
        def item_description(self, item):
            return format_html("<p>{}</p>", item.live_version.dek)

    assert issubclass(LatestArticlesFeed, SiteFeed)
    request = RequestFactory().get("/feed/")
    feed = feedparser.parse(HtmlFeed()(request).content, sanitize_html=False)
    assert feed.entries[0].summary == f"<p>{escape(live.live_version.dek)}</p>"
