"""No script of a captured page runs when a reader opens our archived copy."""

import pytest
from django.urls import reverse

from sources import workflow
from sources.models import Capture
from tests.factories import SourceFactory

pytestmark = pytest.mark.browser

CAPTURED = (
    b"<html><head><title>Captured page</title>"
    b"<script>document.title='pwned'; alert('inline')</script>"
    b"</head><body><h1 id=h>The report</h1>"
    b"<img src=x onerror=\"document.getElementById('h').textContent='pwned'\">"
    b"<script>document.body.dataset.ran='yes'</script></body></html>"
)


def test_no_script_of_a_captured_page_runs(transactional_db, media, people, new_page):
    from tests.test_sources_archive import cite

    source = SourceFactory(url="https://example.org/report")
    workflow.store_file(
        source,
        data=CAPTURED,
        name="report.html",
        content_type="text/html",
        origin=Capture.Origin.FILE,
    )
    cite(source, people)  # the archive is public while a published article cites it
    page = new_page()
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(reverse("sources:archive", args=[source.pk]))
    assert response.status == 200
    assert "sandbox" in response.headers["content-security-policy"]
    assert page.locator("h1").text_content() == "The report"
    assert page.title() == "Captured page"
    assert page.locator("body").get_attribute("data-ran") is None
    assert page.get_by_role("note").text_content().startswith("Archived copy")
    assert dialogs == []
    # The control: without our policy the same page's scripts do run.
    control = new_page(bypass_csp=True)
    control.on("dialog", lambda dialog: dialog.dismiss())
    control.goto(reverse("sources:archive", args=[source.pk]))
    assert control.locator("body").get_attribute("data-ran") == "yes"


def test_screenshots_of_our_archived_copy_and_of_a_gone_source(demo_newsroom, new_page):
    from playwright.sync_api import expect

    from entities.models import Source
    from sources.fetching import Fetched

    from .support import screenshot
    from .test_browser_screenshots import _open_the_bing_claim

    article = demo_newsroom
    source = Source.objects.get(url__contains="chatgpt-powered-bing")
    page = new_page()
    response = page.goto(reverse("sources:archive", args=[source.pk]))
    assert "noindex" in response.headers["x-robots-tag"]
    expect(page.get_by_role("note")).to_contain_text("Archived copy")
    screenshot(page, "source-archive-1280")
    # The original goes (a check finds it answering 404): the fact-check of
    # the claim that cites it says so, and points to our copy.
    workflow.record_fetch(
        source, Fetched(url=source.url, final_url=source.url, status=404)
    )
    page.goto(article.get_absolute_url())
    _open_the_bing_claim(page)
    gone = page.locator(".claim-panel .source-gone")
    expect(gone).to_contain_text("The original is gone (since")
    assert gone.locator("a").get_attribute("href") == reverse(
        "sources:archive", args=[source.pk]
    )
    screenshot(page, "source-gone-1280")
