"""
Every public URL pattern, fuzzed (hypothesis): random path segments and
query parameters never make a 500, a response over a size bound, or a
request of unbounded work.

The patterns are read from the URL configuration, so a page added later is
fuzzed without a change here; the admin is left out (it is for staff).
"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from articles import previews, workflow
from articles.models import Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
    fact_checker,
    publisher,
    reporter,
    without_claims,
)

pytestmark = pytest.mark.django_db

# No public response is larger than this, nor makes more queries.
MAX_BYTES = 1024 * 1024
MAX_QUERIES = 15


def public_routes() -> list[tuple[str, dict]]:
    """(route, converters) of every URL pattern outside the admin."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace != "admin":
                    yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern.pattern.converters

    return list(walk(get_resolver().url_patterns))


ROUTES = public_routes()


def test_the_fuzzed_routes_are_every_public_page():
    routes = {route for route, _ in ROUTES}
    assert {
        "",
        "articles/<slug:slug>/",
        "articles/<slug:slug>/history/",
        "entities/<slug:slug>/",
        "sources/<id:pk>/",
        "sources/<id:pk>/archive/",
        "articles/<slug:slug>/evidence.json",
        "preview/<str:token>/",
        "search/",
        "feed/",
        "sitemap.xml",
        "factchecks.json",
        "robots.txt",
        "healthz",
    } <= routes
    assert not any(route.startswith("admin/") for route in routes)


@pytest.fixture
def site(roles, media):
    """
    A small newsroom: two versions of an article, a withdrawn one, a preview,
    a source with an archived copy.
    """
    from sources import workflow as sources_workflow
    from sources.models import Capture

    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    source = SourceFactory(title="Annual report", publisher=acme)
    sources_workflow.store_file(
        source,
        data=b"<title>Annual report</title><p>Profits doubled.</p>",
        name="report.html",
        origin=Capture.Origin.FILE,
    )
    article = ArticleFactory(title="Acme doubles <b>profits</b>", slug="acme")
    claim = ClaimFactory(article=article, claimant=acme)
    CitationFactory(claim=claim, source=source, relation="origin")
    workflow.rate_claim(claim, user=fact_checker(), rating=Rating.ACCURATE)
    editor = publisher()
    workflow.publish(article, user=editor)
    article.refresh_from_db()
    article.body = article.body.replace("next year", "the year after")
    article.save()
    workflow.publish(article, user=editor, note="Outlook")
    gone = without_claims(ArticleFactory(slug="gone"))
    workflow.publish(gone, user=editor)
    gone.refresh_from_db()
    workflow.unpublish(gone, user=editor, note="Withdrawn")
    _link, token = previews.create_preview(
        ArticleFactory(slug="draft"), user=reporter()
    )
    return {
        "slug": ["acme", "gone", "draft", "acme-corp", "no-such-thing"],
        "pk": [str(source.pk), str(source.pk + 1000)],
        "token": [token, token[:-1] + "x", "not-a-token"],
    }


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40
)
# Numbers around the limits of the databases' integers, and near misses.
_NUMBERS = st.one_of(
    st.sampled_from(
        [
            "0",
            "01",
            "1",
            "2",
            "-1",
            "last",
            "1e9",
            "٣",
            " 1",
            "1.0",
            "",
            "461168601842738792",
            str(2**31),
            str(2**63 - 1),
            str(2**63),
            str(2**64),
            "9" * 40,
        ]
    ),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)
_WORDS = st.sampled_from(["acme", "profits", "water", "Acme doubles", "*", '"'])
_VALUES = st.one_of(_NUMBERS, _WORDS, _TEXT, st.just("x" * 3000))
_NAMES = st.one_of(st.sampled_from(["page", "q", "p", "r", "from", "to"]), _TEXT)


def _segment(name, converter, known):
    pattern = getattr(converter, "regex", "[^/]+")
    return st.one_of(
        st.sampled_from(known.get(name, ["x"])),
        st.from_regex(f"^{pattern}$", fullmatch=True).filter(lambda s: len(s) < 300),
        _NUMBERS.map(lambda s: s.replace("/", "")),
    )


@st.composite
def requests(draw, route, converters, known):
    path = "/" + route
    for name, converter in converters.items():
        value = draw(_segment(name, converter, known))
        path = re.sub(rf"<[^>]*:{name}>", lambda _m, v=value: v, path, count=1)
    query = draw(st.lists(st.tuples(_NAMES, _VALUES), max_size=4))
    if draw(st.booleans()):  # a search that finds something, and a page
        query += [("q", draw(_WORDS)), ("page", draw(_NUMBERS))]
    return path, query


@pytest.mark.parametrize(("route", "converters"), ROUTES, ids=[r for r, _ in ROUTES])
def test_no_public_url_answers_500_or_too_much(client, site, route, converters):
    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    @given(request=requests(route, converters, site))
    def check(request):
        path, query = request
        with CaptureQueriesContext(connection) as queries:
            # The test client raises any exception a view lets out (a 500).
            response = client.get(path, query)
        assert response.status_code < 500, (path, query)
        assert not response.streaming
        assert len(response.content) <= MAX_BYTES, (path, query)
        assert len(queries) <= MAX_QUERIES, (path, query)

    check()
