"""
Where readers and machines find stories: the Google News sitemap, the JSON
Feed, the sitemap's source pages, the favicon, robots.txt, and `make run`'s
own address.
"""

import json
import os
import subprocess
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from articles import workflow
from articles.models import Article, Rating
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

SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
NEWS = "http://www.google.com/schemas/sitemap-news/0.9"


@pytest.fixture
def staff(roles):
    return {"checker": fact_checker(), "publisher": publisher()}


def published(staff, *, title="Acme doubles its profits", source=None, **fields):
    article = ArticleFactory(title=title, **fields)
    claim = ClaimFactory(article=article, claimant=EntityFactory(name="Acme"))
    CitationFactory(claim=claim, source=source or SourceFactory(), relation="origin")
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.ACCURATE)
    workflow.publish(article, user=staff["publisher"])
    article.refresh_from_db()
    return article


def test_google_news_sitemap_lists_the_last_two_days(client, staff, settings):
    settings.SITE_URL = "https://news.example.org"
    fresh = published(staff, title="Fresh & <new> story")
    old = published(staff, title="Old story")
    Article.objects.filter(pk=old.pk).update(
        first_published_at=timezone.now() - timedelta(days=2, minutes=1)
    )
    ArticleFactory(title="Draft story")
    response = client.get("/sitemap-news.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    assert root.tag == f"{{{SITEMAP}}}urlset"
    ns = {"s": SITEMAP, "news": NEWS}
    urls = root.findall("s:url", ns)
    assert len(urls) == 1
    [url] = urls
    assert url.findtext("s:loc", namespaces=ns) == (
        f"https://news.example.org{fresh.get_absolute_url()}"
    )
    news = url.find("news:news", ns)
    publication = news.find("news:publication", ns)
    assert publication.findtext("news:name", namespaces=ns) == settings.NEWSROOM_NAME
    assert publication.findtext("news:language", namespaces=ns) == "en"
    date = news.findtext("news:publication_date", namespaces=ns)
    assert date == timezone.localtime(fresh.first_published_at).isoformat(
        timespec="seconds"
    )
    assert news.findtext("news:title", namespaces=ns) == "Fresh & <new> story"
    assert b"Old story" not in response.content
    assert b"Draft story" not in response.content


def test_json_feed_has_what_json_feed_1_1_requires(client, staff, settings):
    settings.SITE_URL = "https://news.example.org"
    first = published(staff, title="First story")
    second = published(staff, title="Second <b>story</b>", byline="By Jane Doe")
    ArticleFactory(title="Draft story")
    response = client.get("/feed.json")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/feed+json"
    feed = json.loads(response.content)
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["title"] == settings.NEWSROOM_NAME
    assert feed["home_page_url"] == "https://news.example.org/"
    assert feed["feed_url"] == "https://news.example.org/feed.json"
    assert feed["icon"].startswith("https://news.example.org/static/icon-512.")
    assert [item["title"] for item in feed["items"]] == [
        "Second <b>story</b>",
        "First story",
    ]
    for item, article in zip(feed["items"], (second, first), strict=True):
        url = f"https://news.example.org{article.get_absolute_url()}"
        assert item["id"] == item["url"] == url
        assert item["content_text"] == article.live_version.dek
        assert "content_html" not in item  # the title and text are not HTML
        assert item["date_published"] == article.first_published_at.isoformat()
    assert feed["items"][0]["authors"] == [{"name": "Jane Doe"}]
    html = client.get("/").content.decode()
    assert 'type="application/feed+json"' in html and 'href="/feed.json"' in html


def test_the_sitemap_lists_the_sources_of_live_claims_only(client, staff, settings):
    settings.SITE_URL = "https://news.example.org"
    cited = SourceFactory(title="Cited by a live claim")
    published(staff, source=cited)
    draft_only = SourceFactory(title="Cited by a draft claim")
    CitationFactory(claim=ClaimFactory(), source=draft_only)
    withdrawn_source = SourceFactory(title="Cited by a withdrawn story")
    withdrawn = published(staff, source=withdrawn_source)
    workflow.unpublish(withdrawn, user=staff["publisher"], note="Withdrawn.")
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    locations = [loc.text for loc in root.iter(f"{{{SITEMAP}}}loc")]
    assert f"https://news.example.org{cited.get_absolute_url()}" in locations
    assert not any(loc.endswith(draft_only.get_absolute_url()) for loc in locations)
    assert not any(
        loc.endswith(withdrawn_source.get_absolute_url()) for loc in locations
    )
    assert all(loc.startswith("https://news.example.org/") for loc in locations)


def test_robots_txt_names_both_sitemaps(client, settings):
    settings.SITE_URL = "https://news.example.org"
    text = client.get("/robots.txt").content.decode()
    assert "Sitemap: https://news.example.org/sitemap.xml" in text
    assert "Sitemap: https://news.example.org/sitemap-news.xml" in text


def test_every_page_has_the_projects_favicon(client):
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.' in html
    assert 'type="image/svg+xml"' in html
    assert '<link rel="apple-touch-icon" href="/static/apple-touch-icon.' in html
    svg = (django_settings.BASE_DIR / "static" / "favicon.svg").read_text()
    assert svg.startswith("<svg") and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].startswith("/static/favicon-32.")


def _make_run_commands(**variables) -> str:
    """What `make run` would run, without running it (make -n)."""
    env = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "PORT")}
    command = ["make", "-n", "run", *(f"{k}={v}" for k, v in variables.items())]
    result = subprocess.run(  # noqa: S603 - our own Makefile
        command,
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _lines(output: str, word: str) -> list[str]:
    return [line for line in output.splitlines() if word in line]


@pytest.mark.skipif(
    subprocess.run(["which", "make"], capture_output=True).returncode,  # noqa: S607
    reason="make is not installed",
)
def test_make_run_gives_the_site_the_address_it_serves_on():
    output = _make_run_commands(PORT="8123")
    for word in ("load_demo", "render_pages", "gunicorn"):
        [line] = _lines(output, word)
        assert "SITE_URL=" in line and "http://127.0.0.1:8123" in line, line
    [gunicorn] = _lines(output, "gunicorn")
    assert "--bind 127.0.0.1:8123" in gunicorn
    assert "8000" not in output
    # A SITE_URL set by hand (behind a proxy, say) is kept.
    output = _make_run_commands(PORT="8123", SITE_URL="https://news.example.org")
    [line] = _lines(output, "gunicorn")
    assert "https://news.example.org" in line
