"""
Query counts that do not grow with the data (DESIGN §9 "Fast").

Every public page and the admin pages editors live in are measured twice:
with one item and with many (300 claims, or 100 articles, versions, entities
or citations), under the same bound. The page cache is off, so the rendering
path is what is counted, not a cache hit.
"""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType

from articles import staleness, workflow
from articles.models import (
    Article,
    Citation,
    Claim,
    Mention,
    PublishedVersion,
    Rating,
)
from articles.structured_data import FEED_PAGE_SIZE
from tests.factories import ArticleFactory, EntityFactory, SourceFactory, publisher

pytestmark = pytest.mark.django_db

# What each page costs today, whatever the amount of data behind it. The
# public pages include the one query for the site's public generation (the
# cache key), which the page cache needs even when it is off.
BOUNDS = {
    "home": 4,  # generation, articles page + count, latest fact-checks
    "article": 2,  # generation, the stored page of the live version
    "history": 4,  # generation, article, versions count, versions shown
    "entity": 6,
    "source": 4,
    "search": 3,  # generation, the search, the versions found
    "feed": 2,
    "feed_json": 2,  # generation, articles
    "sitemap": 7,  # generation, then a count and a page of each of 3 sections
    "sitemap_news": 3,  # generation, count, page
    "factchecks": 4,  # generation, count, a page of claims, their versions' data
    "corrections": 4,  # generation, profile, count, page
    "corrections_feed": 2,  # generation, latest corrections
    "about": 4,  # generation, profile, team, funders
    "methodology": 2,  # generation, profile
    "admin_changelist": 7,
    # The article's form with its inlines, the workflow panel, the gate, the
    # comparison with the live version and the saved text with its claims
    # marked; claims come a page at a time. The entity suggestions check
    # whether an entity changed (two queries), and read every entity's
    # names only when one did since the process last read them. The desk's
    # panel: the article's notes (and their replies), and for an editor the
    # staff who can be assigned (one query).
    "admin_change": 26,
    "entity_changelist": 7,
    "entity_change": 9,
}


@pytest.fixture(autouse=True)
def page_cache_off(settings):
    settings.NEWSROOM_PAGE_CACHE = False


@pytest.fixture
def staff(roles):
    return publisher(username="qc-publisher")


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser(
        "qc-admin", "qc-admin@example.org", "not used"
    )
    client.force_login(user)
    return client


def article_with_claims(
    n_claims: int,
    *,
    user,
    claimant=None,
    source=None,
    sources=(),
    entities=(),
    publish: bool = True,
    word: str = "turnover",
) -> Article:
    """
    An article with ``n_claims`` rated, cited claims; published if asked.

    Each claim cites ``source``, or the ``sources`` in turn when given.
    """
    claimant = claimant or EntityFactory(name="Acme Corp", slug="acme-corp")
    source = source or SourceFactory(publisher=claimant)
    sentences = [
        f"Claim {i} says the {word} of unit {i} rose by {i} percent."
        for i in range(n_claims)
    ]
    body = "\n\n".join(
        " ".join(sentences[i : i + 10]) for i in range(0, len(sentences), 10)
    )
    article = ArticleFactory(body=body)
    claims, citations, offset = [], [], 0
    for i, text in enumerate(sentences):
        start = body.index(text, offset)
        offset = start + len(text)
        claim = Claim(
            article=article,
            quote=text,
            start=start,
            end=offset,
            prefix=body[max(0, start - 32) : start],
            suffix=body[offset : offset + 32],
            claimant=claimant,
            statement=text,
            rating=Rating.ACCURATE,
            rating_explanation="Matches the report.",
        )
        cited = sources[i % len(sources)] if sources else source
        citation = Citation(claim=claim, source=cited, relation="origin")
        claim.checked_fingerprint = staleness.claim_fingerprint(claim, [citation])
        claim.checked_snapshot = staleness.check_snapshot(claim, [citation])
        claims.append(claim)
        citations.append(citation)
    Claim.objects.bulk_create(claims)
    for citation in citations:
        citation.claim = citation.claim  # the claim has its primary key now
    Citation.objects.bulk_create(citations)
    Mention.objects.bulk_create(
        Mention(article=article, entity=entity, count=1) for entity in entities
    )
    if publish:
        workflow.publish(article, user=user)
        article.refresh_from_db()
    return article


def more_versions(article: Article, n: int) -> None:
    """Give ``article`` ``n`` more published versions, each with a new standfirst."""
    live = article.live_version
    fields = {
        f.attname: getattr(live, f.attname)
        for f in PublishedVersion._meta.concrete_fields
        if f.attname not in ("id", "number", "dek")
    }
    versions = PublishedVersion.objects.bulk_create(
        PublishedVersion(
            **fields, number=live.number + i, dek=f"Standfirst number {i}."
        )
        for i in range(1, n + 1)
    )
    Article.objects.filter(pk=article.pk).update(live_version=versions[-1])


def count_page(url, client, assert_max, bound):
    # Content types are read once per process, then cached: count the steady
    # state, whichever test ran first.
    ContentType.objects.get_for_models(*apps.get_models())
    with assert_max(bound):
        response = client.get(url)
    assert response.status_code == 200, url
    return response


# Public pages -------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 300])
def test_article_page_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    article = article_with_claims(n, user=staff)
    response = count_page(
        article.get_absolute_url(),
        client,
        django_assert_max_num_queries,
        BOUNDS["article"],
    )
    assert response.content.count(b'class="claim claim--accurate"') == n


@pytest.mark.parametrize("n", [1, 100])
def test_article_page_queries_do_not_grow_with_sources_and_entities(
    client, staff, django_assert_max_num_queries, n
):
    entities = [
        EntityFactory(name=f"Company {i}", slug=f"company-{i}") for i in range(n)
    ]
    sources = [SourceFactory(publisher=entity) for entity in entities]
    article = article_with_claims(
        n, user=staff, claimant=entities[0], sources=sources, entities=entities
    )
    response = count_page(
        article.get_absolute_url(),
        client,
        django_assert_max_num_queries,
        BOUNDS["article"],
    )
    assert response.content.count(b"/entities/company-") >= n


@pytest.mark.django_db(transaction=True)
def test_article_page_with_a_lead_image_and_five_in_its_body_keeps_its_count(
    client, staff, django_assert_max_num_queries, run_tasks
):
    from tests.factories import library_image

    images = [library_image(staff, alt=f"Picture {i}") for i in range(6)]
    article = article_with_claims(20, user=staff, publish=False)
    article.lead_image = images[0]
    article.body += "".join(
        f"\n\n![Caption {i}](image:{im.pk})" for i, im in enumerate(images[1:])
    )
    article.save()
    workflow.publish(article, user=staff)
    run_tasks()  # the renditions, and the stored page that names them
    response = count_page(
        article.get_absolute_url(),
        client,
        django_assert_max_num_queries,
        BOUNDS["article"],
    )
    assert response.content.count(b"<figure") == 6
    assert response.content.count(b'type="image/webp"') == 6


@pytest.mark.parametrize("n", [1, 100])
def test_home_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        article_with_claims(1, user=staff)
    count_page("/", client, django_assert_max_num_queries, BOUNDS["home"])


@pytest.mark.parametrize("n", [1, 300])
def test_home_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    article_with_claims(n, user=staff)
    count_page("/", client, django_assert_max_num_queries, BOUNDS["home"])


@pytest.mark.parametrize("n", [1, 300])
def test_history_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    article = article_with_claims(n, user=staff)
    more_versions(article, 1)
    count_page(
        f"{article.get_absolute_url()}history/",
        client,
        django_assert_max_num_queries,
        BOUNDS["history"],
    )


@pytest.mark.parametrize("n", [1, 100])
def test_history_queries_do_not_grow_with_versions(
    client, staff, django_assert_max_num_queries, n
):
    article = article_with_claims(1, user=staff)
    more_versions(article, n)
    response = count_page(
        f"{article.get_absolute_url()}history/",
        client,
        django_assert_max_num_queries,
        BOUNDS["history"],
    )
    assert f"Version {n + 1}".encode() in response.content
    last_page = response.context["page"].paginator.num_pages
    older = count_page(
        f"{article.get_absolute_url()}history/?page={last_page}",
        client,
        django_assert_max_num_queries,
        BOUNDS["history"],
    )
    assert b"First published version." in older.content


@pytest.mark.parametrize("n", [1, 300])
def test_entity_page_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    article_with_claims(n, user=staff, claimant=acme, entities=[acme])
    count_page(
        acme.get_absolute_url(), client, django_assert_max_num_queries, BOUNDS["entity"]
    )


@pytest.mark.parametrize("n", [1, 100])
def test_entity_page_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    source = SourceFactory(publisher=acme)
    for _ in range(n):
        article_with_claims(
            1, user=staff, claimant=acme, source=source, entities=[acme]
        )
    count_page(
        acme.get_absolute_url(), client, django_assert_max_num_queries, BOUNDS["entity"]
    )


@pytest.mark.parametrize("n", [1, 300])
def test_source_page_queries_do_not_grow_with_citations(
    client, staff, django_assert_max_num_queries, n
):
    source = SourceFactory()
    article_with_claims(n, user=staff, source=source)
    count_page(
        source.get_absolute_url(),
        client,
        django_assert_max_num_queries,
        BOUNDS["source"],
    )


@pytest.mark.parametrize("n", [1, 100])
def test_source_page_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    source = SourceFactory()
    for _ in range(n):
        article_with_claims(1, user=staff, source=source)
    response = count_page(
        source.get_absolute_url(),
        client,
        django_assert_max_num_queries,
        BOUNDS["source"],
    )
    assert response.context["citations"].paginator.count == n


@pytest.mark.parametrize("n", [1, 100])
def test_search_queries_do_not_grow_with_results(
    client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        article_with_claims(1, user=staff, word="zeppelin")
    response = count_page(
        "/search/?q=zeppelin", client, django_assert_max_num_queries, BOUNDS["search"]
    )
    assert response.content.count(b"<mark>") >= min(n, 20)


@pytest.mark.parametrize("n", [1, 300])
def test_search_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    article_with_claims(n, user=staff, word="zeppelin")
    count_page(
        "/search/?q=zeppelin", client, django_assert_max_num_queries, BOUNDS["search"]
    )


@pytest.mark.parametrize("n", [1, 100])
def test_feed_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        article_with_claims(1, user=staff)
    response = count_page(
        "/feed/", client, django_assert_max_num_queries, BOUNDS["feed"]
    )
    assert response.content.count(b"<item>") == min(n, 30)


@pytest.mark.parametrize("n", [1, 300])
def test_feed_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    article_with_claims(n, user=staff)
    count_page("/feed/", client, django_assert_max_num_queries, BOUNDS["feed"])


@pytest.mark.parametrize("n", [1, 100])
def test_sitemap_queries_do_not_grow_with_articles_and_entities(
    client, staff, django_assert_max_num_queries, n
):
    for i in range(n):
        entity = EntityFactory(name=f"Company {i}", slug=f"company-{i}")
        article_with_claims(1, user=staff, claimant=entity, entities=[entity])
    response = count_page(
        "/sitemap.xml", client, django_assert_max_num_queries, BOUNDS["sitemap"]
    )
    # Each article, its entity and its source.
    assert response.content.count(b"<url>") == 3 * n


@pytest.mark.parametrize("n", [1, 300])
def test_sitemap_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    article_with_claims(n, user=staff, claimant=acme, entities=[acme])
    response = count_page(
        "/sitemap.xml", client, django_assert_max_num_queries, BOUNDS["sitemap"]
    )
    assert response.content.count(b"<url>") == 3


@pytest.mark.parametrize("n", [1, 300])
def test_factchecks_json_queries_do_not_grow_with_claims(
    client, staff, django_assert_max_num_queries, n
):
    article_with_claims(n, user=staff)
    response = count_page(
        "/factchecks.json", client, django_assert_max_num_queries, BOUNDS["factchecks"]
    )
    assert len(response.json()["dataFeedElement"]) == min(n, FEED_PAGE_SIZE)


@pytest.mark.parametrize("n", [1, 100])
def test_factchecks_json_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        article_with_claims(1, user=staff)
    response = count_page(
        "/factchecks.json", client, django_assert_max_num_queries, BOUNDS["factchecks"]
    )
    assert len(response.json()["dataFeedElement"]) == min(n, FEED_PAGE_SIZE)


@pytest.mark.parametrize("n", [1, 100])
def test_json_feed_and_news_sitemap_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        article_with_claims(1, user=staff)
    response = count_page(
        "/feed.json", client, django_assert_max_num_queries, BOUNDS["feed_json"]
    )
    assert len(response.json()["items"]) == min(n, 30)
    response = count_page(
        "/sitemap-news.xml",
        client,
        django_assert_max_num_queries,
        BOUNDS["sitemap_news"],
    )
    assert response.content.count(b"<news:news>") == n


def corrected_articles(n_articles: int, n_corrections: int, *, user) -> None:
    """Published articles, each with ``n_corrections`` corrections, published."""
    for _ in range(n_articles):
        article = article_with_claims(1, user=user)
        for i in range(n_corrections):
            workflow.add_correction(
                article, user=user, kind="correction", text=f"Correction {i}."
            )
        workflow.publish(article, user=user)


@pytest.mark.parametrize("n", [1, 100])
def test_corrections_queries_do_not_grow_with_corrections(
    client, staff, django_assert_max_num_queries, n
):
    corrected_articles(1, n, user=staff)
    response = count_page(
        "/corrections/", client, django_assert_max_num_queries, BOUNDS["corrections"]
    )
    assert response.content.count(b'<li id="correction-') == min(n, 25)
    response = count_page(
        "/corrections/feed/",
        client,
        django_assert_max_num_queries,
        BOUNDS["corrections_feed"],
    )
    assert response.content.count(b"<item>") == min(n, 30)


@pytest.mark.parametrize("n", [1, 50])
def test_corrections_queries_do_not_grow_with_articles(
    client, staff, django_assert_max_num_queries, n
):
    corrected_articles(n, 1, user=staff)
    response = count_page(
        "/corrections/", client, django_assert_max_num_queries, BOUNDS["corrections"]
    )
    assert response.content.count(b'<li id="correction-') == min(n, 25)


@pytest.mark.parametrize("n", [1, 100])
def test_about_and_methodology_queries_do_not_grow_with_team_and_funders(
    client, staff, django_assert_max_num_queries, n
):
    from masthead import workflow as masthead
    from masthead.models import Funder, Masthead, TeamMember

    masthead.save_item(Masthead(about="We check claims."), user=staff)
    for i in range(n):
        masthead.save_item(TeamMember(name=f"Person {i}", role="Editor"), user=staff)
        masthead.save_item(Funder(name=f"Fund {i}", kind="grant"), user=staff)
    response = count_page(
        "/about/", client, django_assert_max_num_queries, BOUNDS["about"]
    )
    assert response.content.count(b'class="team-name"') == n
    count_page(
        "/methodology/", client, django_assert_max_num_queries, BOUNDS["methodology"]
    )


# The admin ------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 50])
def test_admin_article_changelist_queries_do_not_grow_with_articles(
    admin_client, staff, django_assert_max_num_queries, n
):
    for i in range(n):
        article_with_claims(3, user=staff, publish=i % 2 == 0)
    response = count_page(
        "/admin/articles/article/",
        admin_client,
        django_assert_max_num_queries,
        BOUNDS["admin_changelist"],
    )
    assert response.context["cl"].result_count == n


@pytest.mark.parametrize("n", [1, 50])
def test_admin_article_search_queries_do_not_grow_with_matches(
    admin_client, staff, django_assert_max_num_queries, n
):
    for _ in range(n):
        article_with_claims(1, user=staff, word="zeppelin")
    article_with_claims(1, user=staff, word="turnover")
    response = count_page(
        "/admin/articles/article/?q=zeppelin",
        admin_client,
        django_assert_max_num_queries,
        BOUNDS["admin_changelist"],
    )
    assert response.context["cl"].result_count == n


@pytest.mark.parametrize("n", [1, 100])
def test_admin_article_change_page_queries_do_not_grow_with_claims_or_entities(
    admin_client, staff, django_assert_max_num_queries, n
):
    # One entity named, or 34: each row of the mentions shows its entity and
    # its article without a query of its own.
    entities = [
        EntityFactory(name=f"Company {i}", slug=f"company-{i}")
        for i in range(n // 3 + 1)
    ]
    article = article_with_claims(n, user=staff, entities=entities)
    url = f"/admin/articles/article/{article.pk}/change/"
    response = count_page(
        url, admin_client, django_assert_max_num_queries, BOUNDS["admin_change"]
    )
    claims, mentions = (
        inline.formset for inline in response.context["inline_admin_formsets"][:2]
    )
    assert claims.initial_form_count() == min(n, claims.per_page)
    assert mentions.initial_form_count() == len(entities)
    last_page = claims.page.paginator.num_pages
    response = count_page(
        f"{url}?claims={last_page}",
        admin_client,
        django_assert_max_num_queries,
        BOUNDS["admin_change"],
    )


@pytest.mark.parametrize("n", [1, 100])
def test_admin_entity_changelist_queries_do_not_grow_with_entities(
    admin_client, staff, django_assert_max_num_queries, n
):
    for i in range(n):
        entity = EntityFactory(name=f"Company {i}", slug=f"company-{i}")
        SourceFactory(publisher=entity)
    response = count_page(
        "/admin/entities/entity/",
        admin_client,
        django_assert_max_num_queries,
        BOUNDS["entity_changelist"],
    )
    assert response.context["cl"].result_count == n


@pytest.mark.parametrize("n", [1, 100])
def test_admin_entity_change_page_queries_do_not_grow_with_use(
    admin_client, staff, django_assert_max_num_queries, n
):
    acme = EntityFactory(name="Acme Corp", slug="acme-corp")
    source = SourceFactory(publisher=acme)
    article_with_claims(n, user=staff, claimant=acme, source=source, entities=[acme])
    for _ in range(n - 1):
        Mention.objects.create(article=ArticleFactory(), entity=acme, count=1)
        SourceFactory(publisher=acme)
    count_page(
        f"/admin/entities/entity/{acme.pk}/change/",
        admin_client,
        django_assert_max_num_queries,
        BOUNDS["entity_change"],
    )


@pytest.mark.parametrize("model", ["entity", "source"])
def test_saving_an_entity_or_source_costs_the_same_however_many_claims_rest_on_it(
    model, roles
):
    """Only a change of what the ClaimReview prints (a name, a kind, a title,
    an address) visits the ratings resting on it; a description does not."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = publisher()
    counts = []
    for n in (1, 30):
        claimant = EntityFactory()
        source = SourceFactory(publisher=claimant)
        article_with_claims(n, user=user, claimant=claimant, source=source)
        obj = claimant if model == "entity" else source
        obj.refresh_from_db()
        if model == "entity":
            obj.description = f"Described again ({n})"
        else:
            obj.notes = f"Noted again ({n})"
        with CaptureQueriesContext(connection) as queries:
            obj.save()
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
