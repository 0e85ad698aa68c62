"""
Accessibility in Chromium: axe-core finds no serious or critical problem on
the public pages and the admin's tagging view, and claims can be tagged and
opened with the keyboard alone.
"""

import pytest
from playwright.sync_api import expect

from articles.demo import REPORTER
from entities.models import Source
from tests.factories import ArticleFactory, UserFactory

from .support import PHONE, axe_violations, login, messages

pytestmark = pytest.mark.browser


def test_axe_finds_no_serious_problem_on_public_pages_or_the_tagging_view(
    demo_newsroom, new_page
):
    article = demo_newsroom
    source = Source.objects.get(title__startswith="Microsoft and OpenAI Working")
    pages = [
        "/",
        article.get_absolute_url(),
        f"{article.get_absolute_url()}history/",
        "/entities/the-information/",
        source.get_absolute_url(),
        "/search/?q=Bing",
        "/search/?q=nothing+matches+this",
    ]
    violations = []
    page = new_page()
    for url in pages:
        assert page.goto(url).status == 200, url
        violations += axe_violations(page)
    assert page.goto("/no-such-page/").status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    violations += axe_violations(page)
    # The article on a phone, with a claim opened in place.
    phone = new_page(viewport=PHONE)
    phone.goto(article.get_absolute_url())
    phone.locator("a.claim-label").nth(3).click()
    expect(phone.locator(".claim-panel")).to_be_in_viewport()
    violations += axe_violations(phone)
    # The admin's tagging view: the article's page, words selected.
    login(page, REPORTER.username)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    page.locator("#id_body").press("Control+Home")
    page.keyboard.press("Shift+End")
    expect(page.get_by_role("button", name="Tag claim")).to_be_enabled()
    violations += axe_violations(page)
    assert not violations, "axe-core found:\n" + "\n".join(violations)


def _tab_to(page, selector, limit=120):
    """Press Tab until the element matching ``selector`` has the focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_claims_are_tagged_and_opened_with_the_keyboard_alone(roles, new_page):
    UserFactory(username="kim", groups=["Reporters"])
    article = ArticleFactory(
        body="Acme Corp said its profits doubled last year.\n\n"
        "Analysts expect the trend to continue."
    )
    page = new_page()
    page.goto("/admin/login/")
    # The username box takes the focus once the page has loaded.
    expect(page.locator("#id_username")).to_be_focused()
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery")
    page.keyboard.press("Enter")
    expect(page.locator("#user-tools")).to_contain_text("Log out", ignore_case=True)
    page.goto(f"/admin/articles/article/{article.pk}/change/")

    # Tab to the body, select "its profits doubled last year" with the keys.
    _tab_to(page, "#id_body")
    page.keyboard.press("Control+Home")
    for _ in range(len("Acme Corp said ")):
        page.keyboard.press("ArrowRight")
    for _ in range(len("its profits doubled last year")):
        page.keyboard.press("Shift+ArrowRight")
    expect(page.locator(".newsroom-tagger")).to_contain_text(
        "Selected: “its profits doubled last year”"
    )
    # The next Tab reaches "Tag claim"; Enter tags the claim.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Tag claim")).to_be_focused()
    page.keyboard.press("Enter")
    expect(messages(page)).to_contain_text("Tagged claim")

    # From the claims, Tab to the claim's link and open it with Enter.
    _tab_to(page, "#claims-group a.inlinechangelink")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text("Change claim")
    expect(page.locator("#id_quote")).to_have_value("its profits doubled last year")
