"""Sources without duplicates: one address key per document, and the merge."""

import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from reversion.models import Version

from articles import workflow
from articles.models import Article, Citation, Claim
from entities.addresses import url_key
from entities.models import Source
from entities.workflow import check_merge_sources, merge_sources

from .factories import CitationFactory, ClaimFactory, SourceFactory

EQUIVALENT = [
    ("https://example.com/a", "HTTPS://EXAMPLE.COM/a"),
    ("https://example.com/a", "https://Example.Com/a"),
    ("https://example.com/a", "http://example.com/a"),
    ("https://example.com/a", "https://example.com:443/a"),
    ("http://example.com/a", "http://example.com:80/a"),
    ("https://example.com/a", "https://example.com/a/"),
    ("https://example.com", "https://example.com/"),
    ("https://example.com/", "https://example.com/index.html"),
    ("https://example.com/a", "https://example.com/a?utm_source=x&utm_medium=y"),
    ("https://example.com/a", "https://example.com/a?fbclid=IwAR0abc"),
    ("https://example.com/a", "https://example.com/a?gclid=xyz&msclkid=1"),
    ("https://example.com/a?id=1", "https://example.com/a?utm_campaign=c&id=1"),
    ("https://example.com/a?x=1&y=2", "https://example.com/a?y=2&x=1"),
    ("https://example.com/a", "https://example.com/a#comments"),
    ("https://example.com/a/b", "https://example.com/a/./c/../b"),
    ("https://example.com/a~b", "https://example.com/a%7Eb"),
    ("https://example.com/caf%C3%A9", "https://example.com/café"),
    ("https://example.com/a", "  https://example.com/a  "),
    ("https://example.com./a", "https://example.com/a"),
    ("https://bücher.de/a", "https://xn--bcher-kva.de/a"),
]

DISTINCT = [
    ("https://example.com/a", "https://example.com/b"),
    ("https://example.com/a", "https://example.com/A"),
    ("https://example.com/a", "https://www.example.com/a"),
    ("https://example.com/a", "https://example.com:8443/a"),
    ("https://example.com/a?id=1", "https://example.com/a?id=2"),
    ("https://example.com/a?id=1", "https://example.com/a"),
    ("https://example.com/a", "https://example.org/a"),
    ("https://example.com/a/b", "https://example.com/a"),
]


@pytest.mark.parametrize(("one", "other"), EQUIVALENT)
def test_equivalent_addresses_share_a_key(one, other):
    assert url_key(one) == url_key(other) != ""


@pytest.mark.parametrize(("one", "other"), DISTINCT)
def test_distinct_addresses_keep_their_own_keys(one, other):
    assert url_key(one) != url_key(other)


@pytest.mark.parametrize(
    "url", ["", "ftp://example.com/a", "mailto:a@example.com", "http://", "x"]
)
def test_no_key_for_what_is_no_web_address(url):
    assert url_key(url) == ""


def test_key_never_fails_on_odd_input():
    for url in ["https://[::1", "https://example.com:99999/", "http://\x00/"]:
        assert isinstance(url_key(url), str)


@pytest.mark.django_db
def test_a_second_source_at_the_same_address_is_refused():
    SourceFactory(url="https://example.com/report")
    duplicate = Source(title="Again", url="HTTP://example.com/report/?utm_source=t")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already in the library" in str(error.value)


@pytest.mark.django_db
def test_sources_without_address_are_not_duplicates():
    SourceFactory(url="")
    SourceFactory(url="")
    assert Source.objects.filter(url_key="").count() == 2


@pytest.mark.django_db
def test_admin_add_form_offers_the_existing_source(client, people):
    existing = SourceFactory(title="The Information's report", url="https://x.com/a")
    client.force_login(people["reporter"])
    response = client.post(
        reverse("admin:entities_source_add"),
        {"title": "Copy", "kind": "news_report", "url": "https://X.com/a/?fbclid=1"},
    )
    assert response.status_code == 200
    link = reverse("admin:entities_source_change", args=[existing.pk])
    assert f'as <a href="{link}">The Information&#x27;s report</a>' in (
        response.content.decode()
    )
    assert Source.objects.count() == 1


@pytest.mark.django_db
def test_admin_change_form_keeps_a_source_own_address(client, people):
    source = SourceFactory(url="https://x.com/a")
    client.force_login(people["reporter"])
    url = reverse("admin:entities_source_change", args=[source.pk])
    response = client.post(
        url,
        _with_inlines(
            client,
            url,
            {"title": "Renamed", "kind": "news_report", "url": "https://x.com/a/"},
        ),
    )
    assert response.status_code == 302
    source.refresh_from_db()
    assert source.title == "Renamed"


def _with_inlines(client, url, data: dict) -> dict:
    """``data`` with the inline formsets' management fields the page carries."""
    html = client.get(url).content.decode()
    hidden = re.findall(
        r'<input type="hidden" name="([\w-]+-(?:TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS)"'
        r' value="(\d*)"',
        html,
    )
    return {**dict(hidden), **data}


def _rated_claim(people, source, *, quote="its profits doubled last year"):
    claim = ClaimFactory(quote=quote, tagged_by=people["reporter"])
    CitationFactory(claim=claim, source=source)
    workflow.rate_claim(claim, user=people["checker"], rating="accurate")
    claim.refresh_from_db()
    assert not claim.stale
    return claim


def _leftover_duplicate(url: str) -> Source:
    """A duplicate as the key's migration leaves it: no key, not merged."""
    source = SourceFactory(url="https://placeholder.example/x")
    Source.objects.filter(pk=source.pk).update(url=url, url_key="")
    source.refresh_from_db()
    return source


@pytest.mark.django_db
def test_merge_moves_citations_makes_ratings_stale_and_records_a_revision(people):
    keep = SourceFactory(url="https://example.com/report", title="Report")
    duplicate = _leftover_duplicate("http://example.com/report/")
    claim = _rated_claim(people, duplicate)
    report = merge_sources(keep, duplicates=[duplicate], user=people["reporter"])

    assert list(Citation.objects.values_list("source", flat=True)) == [keep.pk]
    claim.refresh_from_db()
    assert claim.stale
    assert report.moved == 1 and report.stale_claims == [claim]
    duplicate.refresh_from_db()
    assert duplicate.merged_into == keep and duplicate.url_key == ""
    version = Version.objects.get_for_object(duplicate).first()
    assert version.revision.user == people["reporter"]
    assert "Merged 1 duplicate source(s) into “Report”" in version.revision.comment
    assert Version.objects.get_for_object(claim.article).first().revision == (
        version.revision
    )


@pytest.mark.django_db
def test_merge_removes_a_citation_that_repeats_one_the_claim_has(people):
    keep = SourceFactory(url="https://example.com/report")
    duplicate = _leftover_duplicate("https://example.com/report?utm_source=a")
    claim = ClaimFactory()
    CitationFactory(claim=claim, source=keep)
    CitationFactory(claim=claim, source=duplicate)
    report = merge_sources(keep, duplicates=[duplicate], user=people["reporter"])
    assert report.folded == 1
    assert list(claim.citations.values_list("source", flat=True)) == [keep.pk]


@pytest.mark.django_db
def test_merged_source_page_sends_readers_to_the_kept_one(client, people):
    keep = SourceFactory()
    duplicate = SourceFactory()
    merge_sources(keep, duplicates=[duplicate], user=people["reporter"])
    response = client.get(reverse("entities:source", args=[duplicate.pk]))
    assert response.status_code == 301
    assert response["Location"] == reverse("entities:source", args=[keep.pk])


@pytest.mark.django_db
def test_merge_refusals(people):
    keep, other = SourceFactory(), SourceFactory()
    assert check_merge_sources(keep, user=people["reporter"], duplicates=[keep]) == [
        "Choose at least two sources: the one to keep and a duplicate."
    ]
    with pytest.raises(PermissionDenied):
        merge_sources(keep, duplicates=[other], user=_nobody())
    merge_sources(keep, duplicates=[other], user=people["reporter"])
    other.refresh_from_db()
    with pytest.raises(ValidationError, match="already merged"):
        merge_sources(keep, duplicates=[other], user=people["reporter"])


def _nobody():
    from .factories import UserFactory

    return UserFactory(username="nobody")


@pytest.mark.django_db
def test_admin_merge_action_keeps_the_oldest(client, people):
    keep = SourceFactory(url="https://example.com/r", title="First")
    duplicate = _leftover_duplicate("https://example.com/r/")
    client.force_login(people["reporter"])
    changelist = reverse("admin:entities_source_changelist")
    listed = client.get(changelist + "?duplicates=to_merge")
    assert list(listed.context["cl"].result_list) == [duplicate]
    response = client.post(
        changelist,
        {"action": "merge_selected", "_selected_action": [keep.pk, duplicate.pk]},
        follow=True,
    )
    assert "Merged 1 duplicate source(s) into “First”" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into_id == keep.pk


@pytest.mark.django_db
def test_import_reuses_the_source_at_an_equivalent_address():
    source = SourceFactory(url="https://example.com/r")
    assert Source.objects.with_url("HTTP://example.com/r/?utm_medium=x").get() == (
        source
    )


@pytest.mark.django_db(transaction=True)
def test_migration_keeps_existing_duplicates_for_the_merge():
    executor = MigrationExecutor(connection)
    executor.migrate([("entities", "0002_limit_text_lengths")])
    old = executor.loader.project_state(
        [("entities", "0002_limit_text_lengths")]
    ).apps.get_model("entities", "Source")
    first = old.objects.create(title="One", url="https://example.com/a")
    second = old.objects.create(title="Two", url="http://EXAMPLE.COM/a/")
    third = old.objects.create(title="Three", url="")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    keys = dict(Source.objects.values_list("pk", "url_key"))
    assert keys == {first.pk: "https://example.com/a", second.pk: "", third.pk: ""}
    # Both stay; the duplicate is listed for the merge.
    assert Article.objects.count() == 0 and Claim.objects.count() == 0


@pytest.mark.django_db
def test_a_source_added_from_a_claim_row_is_cited_for_it(client, people):
    claim = _rated_claim(people, SourceFactory())
    article_page = reverse("admin:articles_article_change", args=[claim.article_id])
    client.force_login(people["reporter"])
    html = client.get(article_page).content.decode()
    add = reverse("admin:entities_source_add") + f"?cite_claim={claim.pk}"
    assert f'href="{add}"' in html.replace("&amp;", "&")
    assert "Add a source, to cite it for claim" in client.get(add).content.decode()
    response = client.post(
        add,
        _with_inlines(
            client,
            add,
            {
                "title": "Acme's annual report",
                "kind": "document",
                "url": "https://example.com/r",
            },
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert response["Location"] == f"{article_page}#claims-group"
    source = Source.objects.get(title="Acme's annual report")
    assert claim.citations.filter(source=source, relation="supports").exists()
    claim.refresh_from_db()
    assert claim.stale  # what the rating covered changed: a re-check is due
    version = Version.objects.get_for_object(claim.article).first()
    assert version.revision.comment.startswith("Cited “Acme's annual report”")


@pytest.mark.django_db
def test_an_address_the_library_has_is_offered_for_citing_from_the_claim_row(
    client, people
):
    known = SourceFactory(title="Acme's annual report", url="https://example.com/r")
    claim = _rated_claim(people, SourceFactory())
    article_page = reverse("admin:articles_article_change", args=[claim.article_id])
    client.force_login(people["reporter"])
    add = reverse("admin:entities_source_add") + f"?cite_claim={claim.pk}"
    data = _with_inlines(
        client,
        add,
        {"title": "Annual report", "kind": "document", "url": "HTTPS://Example.com/r"},
    )
    response = client.post(add, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "already in the library" in page
    assert f'name="cite_existing" value="{known.pk}"' in page
    assert f"Cite it for claim {claim} instead" in html.unescape(page)
    response = client.post(add, {**data, "cite_existing": str(known.pk)})
    assert response.status_code == 302
    assert response["Location"] == f"{article_page}#claims-group"
    assert claim.citations.filter(source=known).exists()
    assert Source.objects.count() == 2  # nothing added


@pytest.mark.django_db
def test_citing_needs_the_right_to_cite(people):
    from articles import citing

    claim = ClaimFactory()
    assert citing.check_cite(claim, user=_nobody()) == ["You may not cite sources."]
    with pytest.raises(PermissionDenied):
        citing.cite(claim, user=_nobody(), source=SourceFactory())
    assert not claim.citations.exists()
