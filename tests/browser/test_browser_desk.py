"""
The desk in Chromium: each demo role signs in and lands on its own desk; a
fact-checker goes from the desk to the claim waiting for a re-check,
re-confirms it, and the desk no longer lists it.
"""

import pytest
from playwright.sync_api import expect

from articles import demo

from .support import DESKTOP, PASSWORD, axe_violations, login, messages, screenshot

pytestmark = pytest.mark.browser

ROLES = {
    demo.REPORTER.username: ("Reporter", "Articles assigned to me"),
    demo.FACT_CHECKER.username: ("Fact-checker", "Claims waiting for a check"),
    demo.PUBLISHER.username: ("Publisher", "Scheduled publications"),
}


@pytest.fixture
def day_in_progress(transactional_db):
    """The demo newsroom as ``make run`` serves it: a day in progress."""
    demo.load_demo(passwords={user.username: PASSWORD for user in demo.USERS})


def test_each_role_lands_on_its_own_desk(day_in_progress, new_page):
    for username, (role, section) in ROLES.items():
        page = new_page(viewport=DESKTOP)
        login(page, username)
        expect(page.locator("h1")).to_have_text("Your desk")
        expect(page.locator("#user-tools")).to_contain_text(f"({role})")
        expect(page.locator(".newsroom-desk")).to_contain_text(section)
        assert axe_violations(page) == []
        screenshot(page, f"desk-{username}", full_page=True)
    # At 1,024 px the desk fits without scrolling sideways.
    page.set_viewport_size({"width": 1024, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024


def test_a_fact_checker_reconfirms_a_stale_rating_from_the_desk(
    day_in_progress, new_page
):
    page = new_page(viewport=DESKTOP)
    login(page, demo.FACT_CHECKER.username)
    waiting = page.locator("#desk-waiting")
    expect(waiting).to_contain_text("Microsoft first invested in OpenAI")
    expect(page.locator("#desk-notes")).to_contain_text("I fixed a typo")
    waiting.get_by_role("link", name="Microsoft first invested").click()
    expect(page.locator(".newsroom-deskpanel")).to_contain_text(
        "the quote changed from"
    )
    expect(page.locator("#notes")).to_contain_text("@factchecker")
    screenshot(page, "claim-reconfirm")
    page.get_by_role("button", name="Re-confirm: still accurate").click()
    expect(messages(page)).to_contain_text("Re-confirmed: still accurate")
    page.goto("/admin/")
    expect(page.locator("#desk-waiting")).to_contain_text(
        "Every claim in review is checked."
    )
