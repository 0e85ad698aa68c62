"""
Drafts never leak (DESIGN §9): not through a page, a cache, a feed or search.

An editor works on a published article's working copy in the admin, putting
a marker in every field (title, standfirst, body, byline, a new claim's
quote, claim reviewed and rating explanation, a citation's excerpt, locator
and note, a correction), looking at the public pages while signed in, and
making a preview link. Between every step an anonymous reader crawls the
whole public site (every page reachable from the home page, the feed, the
sitemap and /factchecks.json, and searches for the draft's words): the
marker must never appear, and every anonymous response must be public,
cookie-free and the same as what a fresh reader gets.
"""

import re
from html import unescape
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from articles import editing, workflow
from articles.models import Article, Claim, Rating
from entities.models import Entity, Source
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    UserFactory,
)
from tests.test_admin import claim_prefix, form_data

pytestmark = pytest.mark.django_db

MARKER = "zqxdraftonly"
SEEDS = ["/", "/feed/", "/sitemap.xml", "/robots.txt", "/factchecks.json"]
SKIP = ("/admin/", "/static/", "/preview/")
_LINK = re.compile(r"""(?:href|src|action)=["']([^"']+)["']|<(?:link|loc)>([^<]+)<""")


def crawl(client: Client, *, also=(), limit: int = 300) -> dict:
    """Every public URL reachable from the seeds: {path: response}."""
    seen, queue, pages = set(), [*SEEDS, *also], {}
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        pages[path] = response
        if response.status_code != 200 or response.streaming:
            continue
        for match in _LINK.finditer(response.content.decode()):
            url = unescape(match.group(1) or match.group(2)).strip()
            parts = urlsplit(url)
            if parts.netloc and url.startswith(settings.SITE_URL):
                url = url[len(settings.SITE_URL) :]
                parts = urlsplit(url)
            if parts.netloc or not parts.path.startswith("/"):
                continue
            local = parts.path + (f"?{parts.query}" if parts.query else "")
            if not local.startswith(SKIP) and local not in seen:
                queue.append(local)
    return pages


def assert_no_leak(client: Client, *, step: str, article: Article) -> dict:
    searches = [
        f"/search/?q={MARKER}",
        "/search/?q=quarterly+revenue+tripled",
        "/search/?q=Acme",
    ]
    # Sources and some entities are not linked from the pages: name them all.
    every = [
        *(a.get_absolute_url() for a in Article.objects.all()),
        *(e.get_absolute_url() for e in Entity.objects.all()),
        *(s.get_absolute_url() for s in Source.objects.all()),
    ]
    pages = crawl(client, also=[*every, *searches])
    assert article.get_absolute_url() in pages
    assert len(pages) >= 10, sorted(pages)
    for path, response in pages.items():
        content = response.content.decode(errors="replace")
        where = f"after {step}: {path}"
        if path == f"/search/?q={MARKER}":
            # The reader's own query is shown back to them; no result is.
            assert 'class="search-results"' not in content, where
            continue
        assert MARKER not in content, where
        assert not any(MARKER in value for value in response.headers.values()), where
        assert not response.cookies, where
        if response.status_code == 200 and path not in ("/robots.txt",):
            assert response["Cache-Control"].startswith("public"), where
    return pages


@pytest.fixture
def published(people):
    """Two published articles, with a claimant, a source and a mention."""
    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    source = SourceFactory(title="Acme annual report", publisher=acme)
    articles = []
    for title in ("Acme results", "Acme grows again"):
        article = ArticleFactory(title=title)
        editing.refresh_mentions(article)
        claim = ClaimFactory(
            article=article, claimant=acme, tagged_by=people["reporter"]
        )
        CitationFactory(claim=claim, source=source)
        workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
        workflow.publish(article, user=people["publisher"])
        articles.append(article)
    return articles[0]


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _save(client, article, changes: dict):
    """Save the article's admin form with ``changes``; a key may be a function
    of the form's data (for an inline's field)."""
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url))
    for key, value in changes.items():
        data[key(data) if callable(key) else key] = value
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_working_copy_never_reaches_anonymous_readers(people, published):
    article = published
    reader = Client()
    editors = {role: signed_in(user) for role, user in people.items()}

    def editor_browses_the_site(client):
        # Signed-in views of public pages must not be cached for readers.
        for path in crawl(Client(), limit=40):
            response = client.get(path)
            if response.status_code == 200 and path != "/robots.txt":
                assert response["Cache-Control"] == "private, no-store", path

    before = assert_no_leak(reader, step="nothing", article=article)
    body = (
        article.body
        + f"\n\nDraft {MARKER}: the quarterly revenue tripled, said a {MARKER} source."
    )
    steps = [
        (
            "reporter edits the text",
            lambda: _save(
                editors["reporter"],
                article,
                {
                    "title": f"Acme results {MARKER}",
                    "dek": f"Standfirst {MARKER}.",
                    "byline": f"By {MARKER}",
                    "body": body,
                },
            ),
        ),
        ("reporter tags a claim", lambda: _tag(editors["reporter"], article)),
        ("reporter cites a source", lambda: _cite(editors["reporter"], article)),
        ("fact-checker rates it", lambda: _rate(editors["checker"], article)),
        (
            "publisher adds a correction",
            lambda: _correct(editors["publisher"], article),
        ),
        (
            "reporter makes a preview link",
            lambda: editors["reporter"].post(
                reverse("admin:articles_article_preview", args=[article.pk]),
                {"hours": "24"},
            ),
        ),
    ]
    for step, act in steps:
        act()
        editor_browses_the_site(editors["reporter"])
        assert_no_leak(reader, step=step, article=article)
        assert_no_leak(Client(), step=f"{step} (a new reader)", article=article)

    # Every field holds the marker now; readers still see what was published.
    article.refresh_from_db()
    claim = article.claims.get(quote__contains=MARKER)
    assert MARKER in article.title + article.dek + article.byline + article.body
    assert MARKER in claim.statement + claim.rating_explanation
    assert MARKER in article.corrections.get().text
    after = assert_no_leak(reader, step="all of it", article=article)
    assert after[article.get_absolute_url()].content == (
        before[article.get_absolute_url()].content
    )

    # Publishing is what shows it, at once, to every reader.
    workflow.publish(article, user=people["publisher"])
    assert MARKER in reader.get(article.get_absolute_url()).content.decode()


def _tag(client, article):
    article.refresh_from_db()
    start = article.body.index(f"Draft {MARKER}")
    end = article.body.index(", said")
    response = client.post(
        reverse("admin:articles_article_tag", args=[article.pk]),
        {"start": start, "end": end, "quote": article.body[start:end]},
    )
    assert response.status_code == 302
    claim = article.claims.get(quote__contains=MARKER)
    _save(
        client,
        article,
        {
            (lambda d: f"{claim_prefix(d, claim)}-statement"): f"Claim {MARKER}.",
            (lambda d: f"{claim_prefix(d, claim)}-claimant"): str(
                EntityFactory(name="Initech").pk
            ),
        },
    )


def _cite(client, article):
    claim = Claim.objects.get(article=article, quote__contains=MARKER)
    url = reverse("admin:articles_claim_change", args=[claim.pk])
    data = form_data(client.get(url), "claim_form")
    source = SourceFactory(title="Initech filing")
    data.update(
        {
            "citations-0-source": str(source.pk),
            "citations-0-relation": "supports",
            "citations-0-excerpt": f"Excerpt {MARKER}.",
            "citations-0-locator": f"page {MARKER}",
            "citations-0-note": f"Note {MARKER}.",
        }
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["errors"]
    assert claim.citations.get().excerpt == f"Excerpt {MARKER}."


def _rate(client, article):
    claim = Claim.objects.get(article=article, quote__contains=MARKER)
    _save(
        client,
        article,
        {
            (lambda d: f"{claim_prefix(d, claim)}-rating"): Rating.MOSTLY_ACCURATE,
            (
                lambda d: f"{claim_prefix(d, claim)}-rating_explanation"
            ): f"Explained {MARKER}.",
        },
    )
    claim.refresh_from_db()
    assert claim.rating == Rating.MOSTLY_ACCURATE


def _correct(client, article):
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url))
    total = int(data["corrections-TOTAL_FORMS"])
    data["corrections-TOTAL_FORMS"] = str(total + 1)
    data[f"corrections-{total}-kind"] = "correction"
    data[f"corrections-{total}-text"] = f"Correction {MARKER}."
    assert client.post(url, data).status_code == 302
    assert article.corrections.get().text == f"Correction {MARKER}."


def test_deleting_a_live_article_removes_it_from_cached_pages(people, published):
    """
    A delete is a change readers see: the cached pages must not keep it.

    The admin refuses to delete an article that has published versions
    (they are kept forever), so this is a delete made in code or a shell.
    """
    article = published
    reader = Client()
    assert reader.get(article.get_absolute_url()).status_code == 200
    assert article.title in reader.get("/").content.decode()
    admin = signed_in(UserFactory(username="boss", is_superuser=True))
    delete_url = reverse("admin:articles_article_delete", args=[article.pk])
    assert admin.post(delete_url, {"post": "yes"}).status_code == 403
    Article.objects.get(pk=article.pk).delete()
    assert reader.get(article.get_absolute_url()).status_code == 404
    assert article.title not in reader.get("/").content.decode()
    assert article.title not in reader.get("/feed/").content.decode()
