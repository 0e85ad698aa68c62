"""
The tagging view in Chromium: tagging from the marked text, a selection
across paragraphs, and claims opened without losing what was typed.
"""

import pytest
from playwright.sync_api import expect

from tests.factories import ArticleFactory, ClaimFactory, UserFactory

from .support import (
    login,
    messages,
    select_with_keyboard,
    show_claims_in_text,
    tag_selected_claim,
)

pytestmark = pytest.mark.browser

BODY = (
    "🚀 Acme Corp said its profits doubled last year.\n\n"
    "Analysts expect the trend to continue."
)


@pytest.fixture
def article(roles):
    UserFactory(username="kim", groups=["Reporters"])
    article = ArticleFactory(body=BODY)
    ClaimFactory(
        article=article,
        quote="Analysts expect the trend",
        start=BODY.index("Analysts"),
        end=BODY.index("Analysts") + len("Analysts expect the trend"),
    )
    return article


def _select_in_text(page, words: str) -> None:
    """Select ``words`` in the marked text, as a mouse drag would."""
    page.locator("#newsroom-text").evaluate(
        """(region, words) => {
            const walker = document.createTreeWalker(region, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    const chosen = window.getSelection();
                    chosen.removeAllRanges();
                    chosen.addRange(range);
                    region.dispatchEvent(new MouseEvent("mouseup", {bubbles: true}));
                    return;
                }
            }
            throw new Error("not in the text: " + words);
        }""",
        words,
    )


def test_a_claim_is_tagged_from_the_marked_text(article, new_page):
    page = new_page()
    login(page, "kim")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    show_claims_in_text(page)
    _select_in_text(page, "its profits doubled")
    tagger = page.locator(".newsroom-text-tagger")
    expect(tagger).to_contain_text("Selected: “its profits doubled”")
    tagger.get_by_role("button", name="Tag selection as claim").click()
    expect(messages(page)).to_contain_text("Tagged claim")
    claim = article.claims.get(quote="its profits doubled")
    # Offsets in code points: the rocket before them counts once.
    assert BODY[claim.start : claim.end] == "its profits doubled"


def test_a_selection_across_paragraphs_is_tagged(article, new_page):
    # No character outside the BMP here: the keyboard helper counts in the
    # textarea's UTF-16 units.
    article.body = BODY.replace("🚀 ", "")
    article.save()
    page = new_page()
    login(page, "kim")
    page.goto(f"/admin/articles/article/{article.pk}/change/")
    body = page.locator("#id_body")
    words = "last year.\n\nAnalysts"
    start = body.input_value().index(words)
    select_with_keyboard(page, body, start, start + len(words))
    tag_selected_claim(page, "last year.")
    expect(messages(page)).to_contain_text("Tagged claim")
    assert article.claims.filter(quote=words).exists()


def test_a_claim_opens_in_a_new_tab_when_the_page_has_unsaved_changes(
    article, new_page
):
    page = new_page()
    login(page, "kim")
    url = f"/admin/articles/article/{article.pk}/change/"
    page.goto(url)
    page.locator("#id_dek").fill("A standfirst not saved yet.")
    show_claims_in_text(page)
    with page.context.expect_page() as opened:
        page.locator("#newsroom-text mark[data-href]").first.click()
    expect(opened.value.locator("h1")).to_contain_text("Change claim")
    # The article's page is still there, with what was typed.
    assert page.url.endswith(url)
    expect(page.locator("#id_dek")).to_have_value("A standfirst not saved yet.")

    # Nothing unsaved: the claim opens in the same tab. (A reload would keep
    # the typed text: browsers restore a form's fields.)
    page.goto(url)
    show_claims_in_text(page)
    page.locator("#newsroom-text mark[data-href]").first.click()
    expect(page.locator("h1")).to_contain_text("Change claim")
