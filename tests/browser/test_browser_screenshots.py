"""
Screenshots of the demo newsroom, written to var/screenshots/ on every run
(CI leaves the folder behind). docs/screenshots/ holds a copy for the README:
refresh it with ``cp var/screenshots/*.png docs/screenshots/`` after a run.
"""

import pytest
from playwright.sync_api import expect

from articles.demo import REPORTER

from .support import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    login,
    screenshot,
    show_claims_in_text,
)

pytestmark = pytest.mark.browser

NAMES = (
    "article-375",
    "claim-375",
    "article-1280",
    "claim-1280",
    "corrections-375",
    "methodology-1280",
    "about-1280",
    "admin-tagging",
    "admin-claims",
    "history",
)


def _open_the_bing_claim(page):
    """A reader opens the claim about The Information's report."""
    paragraph = page.locator(".article-body p", has_text="Earlier this month")
    paragraph.evaluate("el => window.scrollBy(0, el.getBoundingClientRect().top - 90)")
    paragraph.locator("a.claim-label").first.click()
    expect(page.locator(".claim-panel")).to_be_in_viewport()


def test_screenshots_of_the_reader_pages_and_the_tagging_view(demo_newsroom, new_page):
    article = demo_newsroom
    phone = new_page(viewport=PHONE)
    phone.goto(article.get_absolute_url())
    expect(phone.locator("mark.claim").first).to_be_visible()
    screenshot(phone, "article-375")
    _open_the_bing_claim(phone)
    screenshot(phone, "claim-375")
    phone.goto("/corrections/")
    screenshot(phone, "corrections-375")

    desktop = new_page(viewport=DESKTOP)
    desktop.goto(article.get_absolute_url())
    screenshot(desktop, "article-1280")
    _open_the_bing_claim(desktop)
    screenshot(desktop, "claim-1280")
    desktop.goto("/methodology/")
    screenshot(desktop, "methodology-1280")
    desktop.goto("/about/")
    screenshot(desktop, "about-1280")
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
    text = show_claims_in_text(desktop)
    expect(text.locator("mark.newsroom-claim").first).to_be_visible()
    desktop.evaluate(
        "el => window.scrollBy(0, el.getBoundingClientRect().top - 60)",
        text.element_handle(),
    )
    screenshot(desktop, "admin-claims")

    for name in NAMES:
        size = (SCREENSHOTS / f"{name}.png").stat().st_size
        assert 0 < size < 500_000, (name, size)


def test_screenshot_of_a_change_too_large_to_compare_word_by_word(
    transactional_db, new_page
):
    from django.contrib.auth import get_user_model

    from articles import workflow
    from articles.models import BODY_MAX_LENGTH, Article
    from articles.roles import setup_roles

    setup_roles()
    publisher = get_user_model().objects.create_superuser("screens", "", "x")
    # The body's limit holds 15,000 such items.
    paragraphs = [f"Item {i}." for i in range(15_000)]
    article = Article.objects.create(
        title="The annual filing, as filed",
        slug="annual-filing",
        dek="Every paragraph of the company's filing.",
        body="\n\n".join(paragraphs),
        byline="By the newsroom",
    )
    # A filing as filed: nothing in it to check (a checker records so).
    workflow.record_no_claims(article, user=publisher)
    workflow.publish(article, user=publisher, note="As filed")
    article.refresh_from_db()
    article.body = "\n\n".join(reversed(paragraphs))
    assert len(article.body) <= BODY_MAX_LENGTH
    article.save()
    workflow.record_no_claims(article, user=publisher)
    workflow.publish(article, user=publisher, note="In the order of the amended filing")
    page = new_page(viewport=DESKTOP)
    page.goto(f"{article.get_absolute_url()}history/")
    expect(page.locator("#version-2 .diff-summary")).to_contain_text(
        "Paragraphs 1–15,000 replaced: too many changes to compare word by word"
    )
    screenshot(page, "history-large")
    size = (SCREENSHOTS / "history-large.png").stat().st_size
    assert 0 < size < 500_000
