"""
The editing surface in Chromium: the article's change page fits the window
at 1,024 and 1,280 px (the demo article, the demo's timeline with its open
note thread, the claim that thread is on, and an article of 300 claims), with
each claim's rating and state in view.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from articles import demo, demo_day
from tests.test_query_counts import article_with_claims

from .support import PASSWORD, login, screenshot

pytestmark = pytest.mark.browser

WIDTHS = [1024, 1280]

# How far the page is wider than its window (0: no horizontal scroll).
_OVERFLOW_JS = """() => Math.max(
  document.documentElement.scrollWidth, document.body.scrollWidth
) - document.documentElement.clientWidth"""
# Elements that stick out of the window on the right (for the failure message).
_WIDE_JS = """() => [...document.querySelectorAll("body *")]
  .filter(el => el.getBoundingClientRect().right
    > document.documentElement.clientWidth + 1)
  .filter(el => ![...el.classList].includes("select2-hidden-accessible"))
  .slice(0, 8).map(el => el.tagName + "." + el.className + "#" + el.id + " "
    + Math.round(el.getBoundingClientRect().right))"""


def assert_no_horizontal_scroll(page):
    overflow = page.evaluate(_OVERFLOW_JS)
    assert overflow <= 0, f"{overflow}px too wide: {page.evaluate(_WIDE_JS)}"


def _change_page(new_page, width, article, username):
    page = new_page(viewport={"width": width, "height": 900})
    login(page, username, PASSWORD)
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    expect(page.locator("#claims-group")).to_be_visible()
    return page


@pytest.mark.parametrize("width", WIDTHS)
def test_demo_article_page_fits_the_window(demo_newsroom, new_page, width):
    page = _change_page(new_page, width, demo_newsroom, demo.FACT_CHECKER.username)
    assert_no_horizontal_scroll(page)
    # Each claim's rating and state are on screen, not past the right edge.
    for part in ("rating", "state"):
        box = page.locator(f"#claims-group .newsroom-claimrow__{part}").first
        box = box.bounding_box()
        assert box is not None and box["x"] + box["width"] <= width, part
    page.locator("#claims-group").scroll_into_view_if_needed()
    page.evaluate(
        "() => window.scrollBy(0, document.querySelector('#claims-group')"
        ".getBoundingClientRect().top - 10)"
    )
    screenshot(page, f"admin-claimlist-{width}")


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(
    "role", [demo.REPORTER, demo.FACT_CHECKER, demo.PUBLISHER], ids=lambda r: r.username
)
def test_pages_with_an_open_note_thread_fit_the_window(
    demo_newsroom, new_page, width, role
):
    from desk.models import Note

    # The demo's timeline: the reporter's note on a claim, open, with its
    # reply box (whose label is hidden but for screen readers).
    note = Note.objects.get(
        article__slug=demo_day.TIMELINE_SLUG, parent=None, resolved_at=None
    )
    assert note.claim_id is not None
    page = _change_page(new_page, width, note.article, role.username)
    reply = page.locator(f"#newsroom-reply-{note.pk}")
    expect(reply).to_be_visible()
    expect(page.get_by_label("Reply", exact=True)).to_have_count(1)
    assert_no_horizontal_scroll(page)
    page.goto(f"/admin/articles/claim/{note.claim_id}/change/")
    expect(reply).to_be_visible()
    assert_no_horizontal_scroll(page)
    # Hidden for the eye, still the box's name: one pixel, clipped.
    box = page.locator(f"label[for=newsroom-reply-{note.pk}]").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box


@pytest.mark.parametrize("width", WIDTHS)
def test_article_of_300_claims_fits_the_window(
    transactional_db, roles, new_page, width
):
    from tests.factories import fact_checker

    user = fact_checker(username="fern")
    article = article_with_claims(300, user=user, publish=False)
    assert get_user_model().objects.filter(username="fern").exists()
    page = _change_page(new_page, width, article, "fern")
    assert_no_horizontal_scroll(page)


def test_article_list_reads_at_1280(demo_newsroom, new_page):
    page = new_page(viewport={"width": 1280, "height": 900})
    login(page, demo.PUBLISHER.username, PASSWORD)
    page.goto("/admin/articles/article/")
    assert_no_horizontal_scroll(page)
    screenshot(page, "admin-articles-1280")
    title = page.locator("#result_list tbody tr th.field-title").first
    # The headline reads on a line or two, not a word per line.
    assert title.bounding_box()["width"] >= 280


def test_preview_follows_the_typing_beside_the_text(roles, new_page):
    from articles.rendering import render_body
    from tests.factories import ArticleFactory, reporter

    reporter(username="rae")
    article = ArticleFactory(body="First paragraph.")
    page = new_page(viewport={"width": 1600, "height": 1000})
    login(page, "rae")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    preview = page.locator("#newsroom-preview")
    expect(preview).to_contain_text("First paragraph.")
    body = page.locator("#id_body")
    # Side by side: the preview is to the right of the text.
    assert preview.bounding_box()["x"] > body.bounding_box()["x"] + 300
    body.press("Control+End")
    body.press_sequentially("\n\nAcme said ")
    page.get_by_role("button", name="Bold (Ctrl+B)").click()
    body.press("Control+End")
    body.press_sequentially(" and grew.")
    expect(preview.locator("strong")).to_have_text("text")
    text = body.input_value()
    assert text.endswith("Acme said **text** and grew.")
    expect(preview).to_contain_text("and grew.")
    # The same markup as the public page's for the same text.
    assert preview.inner_html().strip() == render_body(text).strip()
    screenshot(page, "admin-editor-1600")


def test_preview_is_a_switch_on_a_narrow_screen(roles, new_page):
    from tests.factories import ArticleFactory, reporter

    reporter(username="rae")
    article = ArticleFactory(body="Only *this*.")
    page = new_page(viewport={"width": 1024, "height": 900})
    login(page, "rae")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    preview = page.locator("#newsroom-preview")
    expect(preview).to_be_hidden()
    # The text is shown once: its marked copy is a view of the editor.
    expect(page.locator(".field-claims_in_text")).to_be_hidden()
    expect(page.locator("#newsroom-text")).to_be_hidden()
    page.get_by_role("button", name="Claims in the text").click()
    expect(page.locator("#newsroom-text")).to_be_visible()
    expect(page.locator("#id_body")).to_be_hidden()
    page.get_by_role("button", name="Text", exact=True).click()
    expect(page.locator("#id_body")).to_be_visible()
    page.get_by_role("button", name="Show preview").click()
    expect(preview.locator("em")).to_have_text("this")
    expect(page.locator("#id_body")).to_be_hidden()
    page.get_by_role("button", name="Show text").click()
    expect(page.locator("#id_body")).to_be_visible()
    assert_no_horizontal_scroll(page)


def test_autosave_survives_a_closed_tab_and_is_offered_back(roles, new_page):
    from articles.models import Draft
    from tests.factories import ArticleFactory, reporter

    reporter(username="rae")
    article = ArticleFactory(body="First paragraph.")
    url = f"/admin/articles/article/{article.pk}/change/"
    page = new_page()
    login(page, "rae")
    page.goto(url)
    body = page.locator("#id_body")
    body.press("Control+End")
    body.press_sequentially("\n\nA second paragraph, never saved.")
    expect(page.locator(".newsroom-editor__kept")).to_contain_text("Draft kept")
    page.close()  # the tab is closed without saving

    page = new_page()
    login(page, "rae")
    page.goto(url)
    prompt = page.locator("#newsroom-draft")
    expect(prompt).to_contain_text("Unsaved work from")
    expect(page.locator("#id_body")).to_have_value("First paragraph.")
    prompt.get_by_role("button", name="Restore my draft").click()
    expect(prompt).to_have_count(0)
    expect(page.locator("#id_body")).to_have_value(
        "First paragraph.\n\nA second paragraph, never saved."
    )
    expect(page.locator("#newsroom-preview")).to_contain_text("never saved")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was changed successfully")
    article.refresh_from_db()
    assert article.body.endswith("A second paragraph, never saved.")
    assert not Draft.objects.exists()


def test_a_new_article_survives_a_closed_tab_and_is_offered_back(roles, new_page):
    from articles.models import Article, Draft
    from tests.factories import reporter

    reporter(username="rae")
    url = "/admin/articles/article/add/"
    page = new_page()
    login(page, "rae")
    page.goto(url)
    page.locator("#id_title").press_sequentially("A story never saved")
    page.locator("#id_body").press_sequentially("Its first paragraph, typed.")
    expect(page.locator(".newsroom-editor__kept")).to_contain_text("Draft kept")
    page.close()  # the tab is closed before the first save

    page = new_page()
    login(page, "rae")
    page.goto(url)
    prompt = page.locator("#newsroom-draft")
    expect(prompt).to_contain_text("Unsaved work from")
    expect(prompt).to_contain_text("You were writing a new article")
    expect(page.locator("#id_body")).to_have_value("")
    prompt.get_by_role("button", name="Restore my draft").click()
    expect(prompt).to_have_count(0)
    expect(page.locator("#id_title")).to_have_value("A story never saved")
    expect(page.locator("#id_body")).to_have_value("Its first paragraph, typed.")
    # As when typed: the title fills the slug, the preview shows the text.
    expect(page.locator("#id_slug")).to_have_value("a-story-never-saved")
    expect(page.locator("#newsroom-preview")).to_contain_text("first paragraph")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator("ul.messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(slug="a-story-never-saved")
    assert article.body == "Its first paragraph, typed."
    assert not Draft.objects.exists()


def test_a_draft_made_on_an_older_version_meets_the_conflict_view(roles, new_page):
    from articles.models import Draft
    from tests.factories import ArticleFactory, reporter

    reporter(username="rae")
    article = ArticleFactory(body="First paragraph.")
    Draft.objects.create(
        article=article,
        user=get_user_model().objects.get(username="rae"),
        title=article.title,
        dek=article.dek,
        body="First paragraph, as I wrote it.",
        byline=article.byline,
        base_lock_version=article.lock_version,
    )
    article.body = "First paragraph, as a colleague saved it."
    article.lock_version += 1
    article.save()
    page = new_page()
    login(page, "rae")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    prompt = page.locator("#newsroom-draft")
    expect(prompt).to_contain_text("saved by someone since you opened it")
    prompt.get_by_role("button", name="Restore my draft").click()
    page.get_by_role("button", name="Save and continue editing").click()
    # Not applied silently: the save meets the edit-conflict rule.
    expect(page.locator("#content")).to_contain_text(
        "after you opened it. Your changes are NOT saved yet"
    )
    article.refresh_from_db()
    assert article.body == "First paragraph, as a colleague saved it."


def test_words_typed_and_not_saved_are_tagged_with_the_keyboard(roles, new_page):
    from tests.factories import ArticleFactory, reporter

    from .support import select_with_keyboard

    reporter(username="rae")
    article = ArticleFactory(body="Acme said its profits doubled last year.")
    page = new_page()
    login(page, "rae")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    body = page.locator("#id_body")
    body.press("Control+End")
    body.press_sequentially("\n\nIt hired 500 people in March.")
    text = body.input_value()
    words = "hired 500 people"
    select_with_keyboard(page, body, text.index(words), text.index(words) + len(words))
    tagger = page.locator(".newsroom-tagger")
    expect(tagger).to_contain_text("Selected: “hired 500 people”")
    expect(tagger).to_contain_text("Your edits are saved with it.")
    # The next Tab reaches "Tag claim"; Enter saves the text and tags the words.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Tag claim")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("ul.messagelist")).to_contain_text(
        "Your edits are saved, and claim “hired 500 people” is tagged in them"
    )
    article.refresh_from_db()
    claim = article.claims.get()
    assert article.body.endswith("It hired 500 people in March.")
    assert article.body[claim.start : claim.end] == words
    assert claim.anchor == "anchored"
