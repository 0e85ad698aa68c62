"""
The reader's page in Chromium, at a phone's width (375 px) and a desktop's
(1,280 px): a claim's fact-check opens where the claim is, by mouse and by
keyboard; without JavaScript every fact-check is still reached; and axe-core
finds nothing serious on the article and the transparency pages.
"""

import re

import pytest
import reversion
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from masthead import workflow as masthead
from masthead.models import Funder

from .support import DESKTOP, PHONE, axe_violations

pytestmark = pytest.mark.browser

PARAGRAPH = "Earlier this month"  # The Information's report, with two claims


def box(locator):
    found = locator.bounding_box()
    assert found is not None, locator
    return found


def claim_in(page, words):
    """The paragraph that holds ``words``, and the note of its first claim."""
    paragraph = page.locator(".article-body > p", has_text=words)
    return paragraph, paragraph.locator("a.claim-label").first


def open_on(page, words):
    """Scroll the paragraph into the middle of the screen, open its first claim."""
    paragraph, label = claim_in(page, words)
    paragraph.evaluate("el => el.scrollIntoView({block: 'center'})")
    label.click()
    anchor = label.get_attribute("href").removeprefix("#")
    return paragraph, label, page.locator(f"#{anchor}-panel")


def test_a_claim_opens_in_the_margin_beside_its_line_on_a_desktop(
    demo_newsroom, new_page
):
    page = new_page(viewport=DESKTOP)
    page.goto(demo_newsroom.get_absolute_url())
    paragraph, label, panel = open_on(page, PARAGRAPH)
    expect(panel).to_be_visible()
    expect(label).to_have_attribute("aria-expanded", "true")
    expect(panel.locator(".rating")).to_have_text("Accurate")
    expect(panel).to_contain_text("Made by: The Information")
    # The paragraph has not moved out of sight, and the fact-check is beside
    # it: right of the text, starting at the claim's line.
    expect(paragraph).to_be_in_viewport()
    text, note, opened = box(paragraph), box(label), box(panel)
    assert opened["x"] > text["x"] + text["width"], (opened, text)
    assert opened["x"] + opened["width"] <= DESKTOP["width"]
    assert 0 <= opened["y"] - (note["y"] + note["height"]) < 24, (opened, note)
    assert text["y"] <= note["y"] <= text["y"] + text["height"]
    # Its mark is lit; the claim reads as one element with its links inside.
    mark = page.locator(f"mark#{panel.get_attribute('id')[:-6]}-text")
    expect(mark).to_have_class("claim claim--accurate is-open")
    expect(mark.locator("a.entity-link")).to_have_text(["The Information", "Bing"])
    # Another claim closes the first; the same note closes its own.
    other = paragraph.locator("a.claim-label").nth(1)
    other.click()
    expect(panel).to_have_count(0)
    expect(label).to_have_attribute("aria-expanded", "false")
    other.click()
    expect(page.locator(".claim-panel")).to_have_count(0)


def test_a_claim_opens_under_its_paragraph_on_a_phone(demo_newsroom, new_page):
    page = new_page(viewport=PHONE)
    page.goto(demo_newsroom.get_absolute_url())
    paragraph, label, panel = open_on(page, PARAGRAPH)
    expect(panel).to_be_visible()
    expect(paragraph).to_be_in_viewport()
    expect(label).to_be_in_viewport()
    text, opened = box(paragraph), box(panel)
    assert opened["y"] >= text["y"] + text["height"] - 1, (opened, text)
    assert opened["x"] >= 0 and opened["x"] + opened["width"] <= PHONE["width"]
    # Right under it, before the next paragraph.
    assert panel.evaluate("el => el.previousElementSibling.textContent").startswith(
        PARAGRAPH
    )
    # The sources are reachable from it: the source's page, the original.
    claim = next(
        c for c in demo_newsroom.live_version.claims if c["quote"].startswith(PARAGRAPH)
    )
    source = claim["citations"][0]["source"]
    sources = panel.locator(".factcheck-sources")
    expect(
        sources.get_by_role("link", name=source["title"], exact=True)
    ).to_have_attribute("href", f"/sources/{source['id']}/")
    expect(
        sources.get_by_role("link", name=f"Original: {source['title']}")
    ).to_have_attribute("href", source["url"])
    # Turning the phone into a desktop moves it into the margin.
    # The page hears of the new width through a media query's change event,
    # after the resize returns: wait for the move, then measure it.
    page.set_viewport_size(DESKTOP)
    expect(panel).to_be_visible()
    page.wait_for_function(
        "([panel, text]) => panel.getBoundingClientRect().left"
        " > text.getBoundingClientRect().right",
        arg=[panel.element_handle(), paragraph.element_handle()],
    )
    assert box(panel)["x"] > box(paragraph)["x"] + box(paragraph)["width"]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_a_claim_opens_and_closes_with_the_keyboard_alone(
    demo_newsroom, new_page, viewport
):
    page = new_page(viewport=viewport)
    page.goto(demo_newsroom.get_absolute_url())
    first = page.locator(".article-body a.claim-label").first
    # Tab from the top of the page to the first note of a claim in the text
    # (past the note of the claim about the lead image, in its caption).
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement.matches('.article-body a.claim-label')"
        ):
            break
    expect(first).to_be_focused()
    expect(first).to_have_attribute("role", "button")
    expect(first).to_have_attribute("aria-expanded", "false")
    # The claim it belongs to stands out while its note has the focus.
    mark = page.locator(f"mark#{first.get_attribute('href')[1:]}-text")
    expect(mark).not_to_have_css("background-color", "rgba(0, 0, 0, 0)")
    y = page.evaluate("window.scrollY")
    page.keyboard.press("Enter")
    anchor = first.get_attribute("href").removeprefix("#")
    panel = page.locator(f"#{anchor}-panel")
    expect(panel).to_be_visible()
    expect(first).to_have_attribute("aria-expanded", "true")
    expect(first).to_have_attribute("aria-controls", f"{anchor}-panel")
    expect(first).to_be_focused()  # the focus stays where it was
    assert abs(page.evaluate("window.scrollY") - y) < viewport["height"] / 2
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(first).to_have_attribute("aria-expanded", "false")
    expect(first).to_be_focused()
    # The space bar opens it too; Tab goes on into the fact-check, and
    # Escape from there brings the focus back to the claim.
    page.keyboard.press(" ")
    expect(panel).to_be_visible()
    for _ in range(10):
        page.keyboard.press("Tab")
        if panel.evaluate("el => el.contains(document.activeElement)"):
            break
    assert panel.evaluate("el => el.contains(document.activeElement)")
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(first).to_be_focused()
    # From claim to claim: the next Tab stops reach the next claims' notes.
    labels = page.locator(".article-body a.claim-label")
    reached = set()
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.add(page.evaluate("document.activeElement.getAttribute('href')"))
    # A label after each claim in the text (the claim about the lead image
    # has no words of the text: its label is in the picture's caption).
    in_text = [c for c in demo_newsroom.live_version.claims if c["quote"]]
    expect(labels).to_have_count(len(in_text))
    assert {
        labels.nth(1).get_attribute("href"),
        labels.nth(2).get_attribute("href"),
    } <= (reached)


def test_without_javascript_every_fact_check_is_reached(demo_newsroom, new_page):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(demo_newsroom.get_absolute_url())
    labels = page.locator(".article-body a.claim-label")
    claims = demo_newsroom.live_version.claims
    expect(labels).to_have_count(len([c for c in claims if c["quote"]]))
    expect(page.locator(".factcheck")).to_have_count(len(claims))
    for anchor in labels.evaluate_all("els => els.map(el => el.hash)"):
        card = page.locator(anchor)
        expect(card).to_be_attached()
        expect(card).to_be_visible()
        expect(card.locator(".rating")).to_have_count(1)
    labels.nth(8).click()
    target = page.locator(".factcheck:target")
    expect(target).to_be_in_viewport()
    expect(target.locator(".factcheck-sources a[href^='/sources/']")).not_to_have_count(
        0
    )
    target.get_by_role("link", name="Back to the text").click()
    expect(page.locator("mark:target")).to_be_in_viewport()
    # The notes still sit in the margin on a desktop.
    desktop = new_page(viewport=DESKTOP, java_script_enabled=False)
    desktop.goto(demo_newsroom.get_absolute_url())
    note = desktop.locator(".article-body a.claim-label").first
    text = box(desktop.locator(".article-body > p").first)
    assert box(note)["x"] > text["x"] + text["width"]


def test_axe_finds_no_serious_problem_on_the_reader_and_transparency_pages(
    demo_newsroom, new_page
):
    from django.contrib.auth import get_user_model

    from articles.demo import PUBLISHER

    user = get_user_model().objects.get(username=PUBLISHER.username)
    masthead.save_item(
        Funder(name="Open Data Fund", kind="grant", amount="$5,000", period="2026"),
        user=user,
    )
    violations = []
    for viewport in (PHONE, DESKTOP):
        page = new_page(viewport=viewport)
        for url in ("/corrections/", "/methodology/", "/about/"):
            assert page.goto(url).status == 200, url
            violations += axe_violations(page)
        page.goto(demo_newsroom.get_absolute_url())
        violations += axe_violations(page)
        _, _, panel = open_on(page, PARAGRAPH)
        expect(panel).to_be_visible()
        violations += axe_violations(page)
        page.locator(".factchecks-toggle").click()
        expect(page.locator("#factcheck-list")).to_be_visible()
        violations += axe_violations(page)
    assert not violations, "axe-core found:\n" + "\n".join(violations)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_search_box_fits_its_placeholder(demo_newsroom, new_page, viewport):
    page = new_page(viewport=viewport)
    page.goto("/")
    field = page.locator("#site-search-q")
    expect(field).to_have_attribute("placeholder", "Search stories")
    room, needed = field.evaluate(
        """el => {
          const style = getComputedStyle(el);
          const context = document.createElement("canvas").getContext("2d");
          context.font = style.font;
          const text = context.measureText(el.placeholder).width;
          const room = el.clientWidth - parseFloat(style.paddingLeft)
            - parseFloat(style.paddingRight);
          return [room, text];
        }"""
    )
    assert needed <= room, (needed, room)
    assert box(page.locator(".site-search"))["x"] >= 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_a_link_to_a_claim_opens_it_at_its_place(demo_newsroom, new_page):
    claims = demo_newsroom.live_version.claims
    anchor = next(c for c in claims if c["quote"].startswith(PARAGRAPH))["anchor_id"]
    page = new_page(viewport=PHONE)
    page.goto(f"{demo_newsroom.get_absolute_url()}#{anchor}")
    expect(page.locator(f"#{anchor}-panel")).to_be_visible()
    expect(page.locator(f"#{anchor}-text")).to_be_in_viewport()
    expect(page.locator("#factcheck-list")).to_be_hidden()


def media_claim(article):
    """The demo's claim about its lead image: no words of the text, a picture."""
    return next(c for c in article.live_version.claims if not c["quote"])


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_a_link_to_a_claim_about_the_lead_image_opens_it_at_the_image(
    demo_newsroom, new_page, viewport
):
    claim = media_claim(demo_newsroom)
    anchor = claim["anchor_id"]
    assert claim["media"]["image"] == demo_newsroom.lead_image_id
    page = new_page(viewport=viewport)
    page.goto(f"{demo_newsroom.get_absolute_url()}#{anchor}")
    figure = page.locator("figure.figure--lead")
    label = figure.locator(f"figcaption a.claim-label[href='#{anchor}']")
    panel = page.locator(f"#{anchor}-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".rating")).to_have_text(claim["rating_label"])
    expect(panel).to_contain_text(claim["statement"])
    expect(label).to_have_attribute("aria-expanded", "true")
    expect(label).to_be_in_viewport()
    expect(page.locator("#factcheck-list")).to_be_hidden()
    picture, opened = box(figure), box(panel)
    if viewport is PHONE:
        # Under the picture, before the text.
        assert opened["y"] >= picture["y"] + picture["height"] - 1, (opened, picture)
        assert panel.evaluate("el => el.previousElementSibling.tagName") == "FIGURE"
    else:
        # In the margin beside the picture's caption.
        assert opened["x"] > picture["x"] + picture["width"], (opened, picture)
        assert opened["x"] + opened["width"] <= DESKTOP["width"]
    expect(panel).to_be_in_viewport()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_the_claim_about_the_lead_image_opens_with_the_keyboard(
    demo_newsroom, new_page, viewport
):
    anchor = media_claim(demo_newsroom)["anchor_id"]
    page = new_page(viewport=viewport)
    page.goto(demo_newsroom.get_absolute_url())
    label = page.locator(f"figure.figure--lead a.claim-label[href='#{anchor}']")
    expect(label).to_have_attribute("aria-label", re.compile("this image"))
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('a.claim-label')"):
            break
    # The first claim the keyboard reaches is the picture's, at the top.
    expect(label).to_be_focused()
    expect(label).to_have_attribute("role", "button")
    expect(label).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    panel = page.locator(f"#{anchor}-panel")
    expect(panel).to_be_visible()
    expect(label).to_have_attribute("aria-expanded", "true")
    expect(label).to_have_attribute("aria-controls", f"{anchor}-panel")
    expect(label).to_be_focused()
    page.keyboard.press("Escape")
    expect(panel).to_have_count(0)
    expect(label).to_have_attribute("aria-expanded", "false")
    expect(label).to_be_focused()
    # Tab goes on to the claims of the text.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.article-body') !== null"), (
        page.evaluate("document.activeElement.outerHTML")
    )


def test_a_link_to_a_claim_with_no_place_on_the_page_opens_its_card(
    demo_newsroom, new_page
):
    from articles import workflow
    from articles.demo import PUBLISHER

    # The picture the claim is about no longer shown: its claim has no place.
    publisher = get_user_model().objects.get(username=PUBLISHER.username)
    with reversion.create_revision():
        demo_newsroom.lead_image = None
        demo_newsroom.save()
        reversion.set_user(publisher)
    workflow.publish(demo_newsroom, user=publisher, note="Without the picture.")
    demo_newsroom.refresh_from_db()
    anchor = media_claim(demo_newsroom)["anchor_id"]
    page = new_page(viewport=PHONE)
    page.goto(f"{demo_newsroom.get_absolute_url()}#{anchor}")
    expect(page.locator("figure.figure--lead")).to_have_count(0)
    expect(page.locator(f"a.claim-label[href='#{anchor}']")).to_have_count(0)
    card = page.locator(f"#factcheck-list > #{anchor}")
    expect(page.locator("#factcheck-list")).to_be_visible()
    expect(page.locator(".factchecks-toggle")).to_have_attribute(
        "aria-expanded", "true"
    )
    expect(card).to_be_in_viewport()
    expect(card).to_be_focused()
