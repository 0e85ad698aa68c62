"""
Images, the way an editor and a reader meet them (issue 18): an image is
uploaded to the media library, placed in an article's body and made its
lead image, the article is published, and readers see both with caption and
credit at 375 px and 1,280 px, with no serious accessibility problem.
"""

import pytest
from playwright.sync_api import expect

from articles import workflow
from articles.models import Article
from media.models import Image
from tests.factories import UserFactory, image_file

from .support import (
    DESKTOP,
    PHONE,
    axe_violations,
    choose_autocomplete,
    login,
    messages,
    screenshot,
)

pytestmark = pytest.mark.browser

BODY = (
    "The harbour reopened on Monday after a week of storms.\n\n"
    "Ferries ran again from dawn, and the first boats were full.\n\n"
    "![The first ferry leaves the quay on Monday morning.](image:{pk})\n\n"
    "The port authority said repairs to the outer wall would take a month."
)


def test_an_image_is_uploaded_placed_published_and_seen_on_a_phone_and_a_desktop(
    roles, new_page
):
    UserFactory(username="paula", first_name="Paula", groups=["Publishers"])
    editor = new_page()
    login(editor, "paula")
    # The media library: upload a picture with its words.
    editor.goto("/admin/media/image/add/")
    editor.locator("#id_upload").set_input_files(
        files=[
            {
                "name": "ferry.jpg",
                "mimeType": "image/jpeg",
                "buffer": image_file(size=(1600, 1000), color=(30, 90, 160)),
            }
        ]
    )
    editor.locator("#id_alt").fill("A white ferry pulling away from a stone quay")
    editor.locator("#id_caption").fill("The ferry, as the library describes it.")
    editor.locator("#id_credit").fill("Photo: Paula Port / Harbour Desk")
    editor.locator("#id_licence").fill("CC BY 4.0")
    editor.get_by_role("button", name="Save", exact=True).click()
    expect(messages(editor)).to_contain_text("was added successfully")
    image = Image.objects.get()
    screenshot(editor, "admin-media-library")

    # An article that places it in its body and takes it as its lead image.
    editor.goto("/admin/articles/article/add/")
    editor.locator("#id_title").press_sequentially("The harbour reopens")
    editor.locator("#id_dek").fill("Ferries are back after a week of storms.")
    editor.locator("#id_byline").fill("Paula Port")
    editor.locator("#id_body").fill(BODY.format(pk=image.pk))
    choose_autocomplete(
        editor, editor.locator(".field-lead_image"), "ferry", "white ferry"
    )
    editor.get_by_role("button", name="Save and continue editing").click()
    expect(messages(editor)).to_contain_text("was added successfully")
    # A fact-checker reads it: nothing in it to check (the gate asks for that).
    checker = UserFactory(username="fiona", groups=["Fact-checkers"])
    workflow.record_no_claims(Article.objects.get(), user=checker)
    editor.reload()
    expect(editor.locator(".newsroom-gate-ok")).to_contain_text("passes")
    editor.locator("#newsroom-publish-note").fill("First publication.")
    editor.get_by_role("button", name="Publish", exact=True).click()
    expect(messages(editor)).to_contain_text("Published version 1")

    violations = []
    for viewport, name in (
        (PHONE, "article-image-375"),
        (DESKTOP, "article-image-1280"),
    ):
        reader = new_page(viewport=viewport)
        assert reader.goto("/articles/the-harbour-reopens/").status == 200
        figures = reader.locator("figure")
        expect(figures).to_have_count(2)
        lead, placed = figures.nth(0), figures.nth(1)
        expect(lead.locator("figcaption")).to_contain_text(
            "The ferry, as the library describes it."
        )
        expect(placed.locator("figcaption")).to_contain_text(
            "The first ferry leaves the quay on Monday morning."
        )
        for figure in (lead, placed):
            expect(figure.locator("figcaption")).to_contain_text(
                "Photo: Paula Port / Harbour Desk · CC BY 4.0"
            )
            picture = figure.locator("img")
            expect(picture).to_have_attribute(
                "alt", "A white ferry pulling away from a stone quay"
            )
            picture.scroll_into_view_if_needed()
            reader.wait_for_function(
                "img => img.complete && img.naturalWidth > 0",
                arg=picture.element_handle(),
            )
            shown = picture.bounding_box()
            # The picture fits the screen and keeps its shape.
            assert shown["width"] <= viewport["width"]
            assert abs(shown["height"] / shown["width"] - 1000 / 1600) < 0.02
        reader.evaluate("window.scrollTo(0, 0)")
        screenshot(reader, name)
        violations += axe_violations(reader)
    assert not violations, "axe-core found:\n" + "\n".join(violations)
