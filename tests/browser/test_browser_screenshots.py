"""
Screenshots of the demo newsroom, written to var/screenshots/ on every run
(CI leaves the folder behind). docs/screenshots/ holds a copy for the README:
refresh it with ``cp var/screenshots/*.png docs/screenshots/`` after a run.
"""

import pytest
from playwright.sync_api import expect

from articles.demo import REPORTER

from .support import DESKTOP, PHONE, SCREENSHOTS, login, screenshot

pytestmark = pytest.mark.browser

NAMES = (
    "article-375",
    "claim-375",
    "article-1280",
    "admin-tagging",
    "admin-claims",
    "history",
)


def test_screenshots_of_the_reader_pages_and_the_tagging_view(demo_newsroom, new_page):
    article = demo_newsroom
    phone = new_page(viewport=PHONE)
    phone.goto(article.get_absolute_url())
    expect(phone.locator("mark.claim").first).to_be_visible()
    screenshot(phone, "article-375")
    # A reader opens the claim about The Information's report.
    phone.locator(".article-body p", has_text="Earlier this month").locator(
        "a.claim-label"
    ).first.click()
    expect(phone.locator(".factcheck:target")).to_be_in_viewport()
    screenshot(phone, "claim-375")

    desktop = new_page(viewport=DESKTOP)
    desktop.goto(article.get_absolute_url())
    screenshot(desktop, "article-1280")
    desktop.goto(f"{article.get_absolute_url()}history/")
    expect(desktop.locator("h1")).to_have_text("Version history")
    expect(desktop.locator("#version-2 .history-diff ins")).to_contain_text(
        "Microsoft has since unveiled a new Bing"
    )
    screenshot(desktop, "history", full_page=True)

    # The tagging view: words of a claim selected in the body, ready to tag.
    login(desktop, REPORTER.username)
    desktop.goto(f"/admin/articles/article/{article.pk}/change/")
    body = desktop.locator("#id_body")
    body.evaluate("el => { el.rows = 14; }")
    desktop.evaluate(
        "el => window.scrollBy(0, el.getBoundingClientRect().top - 120)",
        body.element_handle(),
    )
    words = "is OpenAI’s exclusive cloud provider"
    start = body.input_value().index(words)
    body.evaluate(
        "(el, [start, end]) => { el.focus(); el.setSelectionRange(start, end); }",
        [start, start + len(words)],
    )
    expect(desktop.locator(".newsroom-tagger")).to_contain_text("Selected:")
    screenshot(desktop, "admin-tagging")
    # The same page's text with its claims marked, coloured by rating.
    text = desktop.locator("#newsroom-text")
    expect(text.locator("mark.newsroom-claim").first).to_be_visible()
    desktop.evaluate(
        "el => window.scrollBy(0, el.getBoundingClientRect().top - 60)",
        text.element_handle(),
    )
    screenshot(desktop, "admin-claims")

    for name in NAMES:
        size = (SCREENSHOTS / f"{name}.png").stat().st_size
        assert 0 < size < 500_000, (name, size)
