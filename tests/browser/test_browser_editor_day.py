"""
The editor's day in Chromium, from the login form to the reader's page: a
reporter writes up the sample article and tags three claims by selecting
their words, adds The Information's report as a source and cites it; a
fact-checker rates the claims; a publisher is stopped by the gate, then
publishes; a reader opens a claim; a correction is published.
"""

import re
from datetime import date

import pytest
from django.conf import settings
from playwright.sync_api import expect

from entities.models import Entity, Source
from tests.factories import EntityFactory, SourceFactory, UserFactory

from .support import (
    PHONE,
    choose_autocomplete,
    claim_row,
    login,
    messages,
    select_with_keyboard,
    select_with_mouse,
    tag_selected_claim,
)

# Each claim of the article's list links to its own page.
OPEN_CLAIM = re.compile(r"^Open claim \d+")
pytestmark = pytest.mark.browser

SAMPLE = (
    settings.BASE_DIR / "articles" / "demo" / "openai-microsoft-partnership.txt"
).read_text(encoding="utf-8")
TITLE = "OpenAI and Microsoft expand their partnership"
SLUG = "openai-and-microsoft-expand-their-partnership"
DEK = "Microsoft makes a new multi-year, multi-billion dollar investment in OpenAI."

OWN_VOICE = (
    "OpenAI and Microsoft have announced that they are expanding their current "
    "partnership."
)
INVESTMENTS = (
    "Microsoft had previously made large investments in OpenAI in 2019 and 2021"
)
BING = (
    "Earlier this month, The Information reported that Microsoft was interested in "
    "integrating ChatGPT into its search engine Bing."
)
REPORT_TITLE = (
    "Microsoft and OpenAI Working on ChatGPT-Powered Bing in Challenge to Google"
)
REPORT_URL = (
    "https://www.theinformation.com/articles/microsoft-and-openai-working-on-"
    "chatgpt-powered-bing-in-challenge-to-google"
)
CORRECTION = "An earlier version misspelled “tail end”."


@pytest.fixture
def newsroom(roles):
    """The staff, and the entities and source the newsroom already has."""
    UserFactory(username="rita", first_name="Rita", groups=["Reporters"])
    UserFactory(username="fiona", first_name="Fiona", groups=["Fact-checkers"])
    UserFactory(username="paul", first_name="Paul", groups=["Publishers"])
    for name, kind in (
        ("The Information", Entity.Kind.PUBLICATION),
        ("Microsoft", Entity.Kind.ORGANIZATION),
        ("OpenAI", Entity.Kind.ORGANIZATION),
        ("ChatGPT", Entity.Kind.PRODUCT),
        ("Bing", Entity.Kind.PRODUCT),
    ):
        EntityFactory(name=name, slug=name.lower().replace(" ", "-"), kind=kind)
    SourceFactory(
        title="Microsoft and OpenAI extend partnership",
        kind=Source.Kind.BLOG_POST,
        publisher=Entity.objects.get(slug="microsoft"),
        url="https://blogs.microsoft.com/blog/2023/01/23/"
        "microsoftandopenaiextendpartnership/",
        published_on=date(2023, 1, 23),
    )


def cite(page, *, typed, source, relation, excerpt):
    """On a claim's page, cite a source, and save."""
    expect(page.locator("h1")).to_contain_text("Change claim")
    form = page.locator("#citations-group .inline-related:not(.empty-form)").last
    choose_autocomplete(page, form.locator(".fieldBox.field-source"), typed, source)
    form.locator("select[name$='-relation']").select_option(relation)
    form.locator("textarea[name$='-excerpt']").fill(excerpt)
    page.get_by_role("button", name="Save and continue editing").click()
    expect(messages(page)).to_contain_text("was changed successfully")


def rate(page, claim_quote, rating, explanation):
    row = claim_row(page, claim_quote)
    row.locator("select[name$='-rating']").select_option(rating)
    row.locator("textarea[name$='-rating_explanation']").fill(explanation)


def save_and_continue(page):
    page.get_by_role("button", name="Save and continue editing").click()
    expect(messages(page)).to_contain_text("was changed successfully")


def test_the_editors_day_from_login_to_a_published_correction(newsroom, new_page):
    # A reporter logs in and pastes the sample article into a new article.
    reporter = new_page()
    login(reporter, "rita")
    reporter.get_by_role("link", name="Articles", exact=True).first.click()
    reporter.get_by_role("link", name="Add article").click()
    reporter.locator("#id_title").press_sequentially(TITLE)
    expect(reporter.locator("#id_slug")).to_have_value(SLUG)
    reporter.locator("#id_dek").fill(DEK)
    reporter.locator("#id_body").focus()
    reporter.keyboard.insert_text(SAMPLE.strip())  # what a paste does
    reporter.locator("#id_byline").fill("By Rita")
    reporter.locator("#id_authors_from").select_option(label="rita")
    reporter.get_by_role("button", name="Choose selected authors").click()
    reporter.get_by_role("button", name="Save and continue editing").click()
    expect(messages(reporter)).to_contain_text("was added successfully")
    article_url = reporter.url
    # The entities it names were found in the text.
    expect(reporter.locator("#mentions-group")).to_contain_text("The Information")
    expect(reporter.locator("#mentions-group")).to_contain_text("ChatGPT")

    # She tags three claims by selecting their words: two with the
    # keyboard, one with the mouse.
    body = reporter.locator("#id_body")
    for quote, select in (
        (OWN_VOICE, select_with_keyboard),
        (BING, select_with_mouse),
        (INVESTMENTS, select_with_keyboard),
    ):
        text = body.input_value()
        start = text.index(quote)
        select(reporter, body, start, start + len(quote))
        tag_selected_claim(reporter, quote)
    expect(reporter.locator("#claims-group tr.has_original")).to_have_count(3)
    expect(reporter.locator(".newsroom-blocker--unrated")).to_have_count(3)

    # She says who made each claim and what it claims, and saves.
    bing = claim_row(reporter, BING)
    choose_autocomplete(
        reporter, bing.locator(".field-claimant"), "Informa", "The Information"
    )
    bing.locator("select[name$='-kind']").select_option("attribution")
    for quote, statement in (
        (OWN_VOICE, "OpenAI and Microsoft are extending their partnership."),
        (BING, "The Information reported Microsoft was putting ChatGPT in Bing."),
        (INVESTMENTS, "Microsoft invested in OpenAI in 2019 and 2021."),
    ):
        claim_row(reporter, quote).locator("input[name$='-statement']").fill(statement)
    save_and_continue(reporter)

    # She adds The Information's report as a source ...
    reporter.goto("/admin/entities/source/add/")
    reporter.locator("#id_title").fill(REPORT_TITLE)
    reporter.locator("#id_kind").select_option("news_report")
    choose_autocomplete(
        reporter, reporter.locator(".field-publisher"), "Informa", "The Information"
    )
    reporter.locator("#id_published_on").fill("2023-01-03")
    reporter.locator("#id_url").fill(REPORT_URL)
    reporter.get_by_role("button", name="Save", exact=True).click()
    expect(messages(reporter)).to_contain_text("was added successfully")

    # ... and cites the evidence of each claim, on the claim's own page.
    reporter.goto(article_url)
    claim_urls = {
        quote: claim_row(reporter, quote)
        .get_by_role("link", name=OPEN_CLAIM)
        .get_attribute("href")
        for quote in (OWN_VOICE, INVESTMENTS)
    }
    claim_row(reporter, BING).get_by_role("link", name=OPEN_CLAIM).click()
    cite(
        reporter,
        typed="ChatGPT-Powered",
        source=REPORT_TITLE,
        relation="origin",
        excerpt=f"“{REPORT_TITLE}”",
    )
    for quote, excerpt in (
        (OWN_VOICE, "Today, we are announcing the third phase of our long-term "),
        (INVESTMENTS, "This agreement follows our previous investments in 2019 "),
    ):
        reporter.goto(claim_urls[quote])
        cite(
            reporter,
            typed="extend partnership",
            source="Microsoft and OpenAI extend partnership",
            relation="supports",
            excerpt=excerpt + "…",
        )
    reporter.goto(article_url)
    reporter.get_by_role("button", name="Submit for review").click()
    expect(messages(reporter)).to_contain_text("Submitted for review")
    expect(reporter.locator(".newsroom-workflow__state")).to_contain_text("In review")

    # A fact-checker finds the article among those with unrated claims and
    # rates two of the three.
    checker = new_page()
    login(checker, "fiona")
    checker.goto("/admin/articles/article/")
    checker.get_by_role("link", name="Has unrated claims").click()
    checker.get_by_role("link", name=TITLE).click()
    rate(checker, OWN_VOICE, "accurate", "Both companies announced it that day.")
    rate(checker, BING, "accurate", "The Information's headline says so.")
    save_and_continue(checker)
    expect(claim_row(checker, BING).locator(".field-state")).to_contain_text(
        "Checked by Fiona"
    )

    # The publisher sees what blocks publishing, and no Publish button: a
    # button is there only when it works.
    publisher = new_page()
    login(publisher, "paul")
    publisher.goto(article_url)
    blockers = publisher.locator(".newsroom-blockers")
    expect(blockers).to_contain_text("1 to fix")
    expect(blockers).to_contain_text("Microsoft had previously made")
    expect(blockers).to_contain_text("is not rated yet")
    expect(publisher.get_by_role("button", name="Publish", exact=True)).to_have_count(0)

    reader = new_page(viewport=PHONE)
    response = reader.goto(f"/articles/{SLUG}/")
    assert response.status == 404
    expect(reader.locator("h1")).to_have_text("Page not found")

    # The last claim is rated; now the article passes the gate and is published.
    checker.reload()
    rate(
        checker,
        INVESTMENTS,
        "mostly_accurate",
        "Microsoft confirms both investments; the 2021 amount was never disclosed.",
    )
    save_and_continue(checker)
    publisher.reload()
    expect(publisher.locator(".newsroom-gate-ok")).to_contain_text("passes")
    publisher.locator("#newsroom-publish-note").fill("First publication.")
    publisher.get_by_role("button", name="Publish", exact=True).click()
    expect(messages(publisher)).to_contain_text("Published version 1")

    # The reader sees the marked claims, opens one, and sees its rating and
    # its sources.
    reader.goto(f"/articles/{SLUG}/")
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".article-body a.claim-label")).to_have_text(
        ["Accurate", "Mostly accurate", "Accurate"]
    )
    mark = reader.locator("mark.claim[id$='-text']", has_text="Earlier this month")
    # The claim is one mark, the entity links it names inside it.
    expect(mark.locator("a.entity-link")).to_have_text(["The Information", "Bing"])
    expect(reader.locator(".article-body p", has=mark)).to_contain_text(BING)
    claim_id = mark.get_attribute("id").removesuffix("-text")
    # Opened, its fact-check shows in place, under its paragraph on a phone.
    reader.locator(f"a.claim-label[href='#{claim_id}']").click()
    expect(reader).to_have_url(re.compile(f"#{claim_id}$"))
    panel = reader.locator(f"#{claim_id}-panel")
    expect(panel).to_be_in_viewport()
    expect(panel.locator(".rating")).to_have_text("Accurate")
    expect(panel).to_contain_text("Made by: The Information")
    expect(panel).to_contain_text("The Information's headline says so.")
    source_link = panel.get_by_role("link", name=REPORT_TITLE, exact=True)
    expect(source_link).to_have_attribute("href", re.compile(r"^/sources/\d+/$"))
    original = panel.get_by_role("link", name=f"Original: {REPORT_TITLE}")
    expect(original).to_have_attribute("href", REPORT_URL)
    expect(panel.locator(".factcheck-sources")).to_contain_text("Origin")

    # The publisher fixes a typo, adds a correction and publishes again.
    publisher.reload()
    body = publisher.locator("#id_body")
    start = body.input_value().index("tailend")
    select_with_keyboard(publisher, body, start, start + len("tailend"))
    publisher.keyboard.type("tail end")
    publisher.get_by_role("button", name="Add another Correction").click()
    publisher.locator("#id_corrections-0-kind").select_option("correction")
    publisher.locator("#id_corrections-0-text").fill(CORRECTION)
    save_and_continue(publisher)
    expect(messages(publisher)).to_contain_text("moved with the text")
    expect(publisher.locator(".newsroom-workflow__state")).to_contain_text(
        "The working copy has changed since"
    )
    publisher.locator("#newsroom-publish-note").fill("Fixed a typo.")
    publisher.get_by_role("button", name="Publish changes").click()
    expect(messages(publisher)).to_contain_text("Published version 2")

    # The reader sees the corrected text, the correction and the history.
    reader.reload()
    expect(reader.locator(".article-body")).to_contain_text("at the tail end of")
    expect(reader.locator(".corrections")).to_contain_text(CORRECTION)
    expect(reader.locator(".article-body a.claim-label")).to_have_count(3)
    reader.get_by_role("link", name=re.compile("Version history")).click()
    expect(reader.locator("h1")).to_have_text("Version history")
    versions = reader.locator(".version-list > li")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text("Version 2")
    expect(versions.first).to_contain_text("Fixed a typo.")
    expect(versions.last).to_contain_text("Version 1")
    expect(versions.last).to_contain_text("First publication.")
    expect(reader.locator(".corrections")).to_contain_text(CORRECTION)
    # The newest version shows, word by word, what changed in the text.
    changes = versions.first.locator(".history-changes")
    expect(changes.locator("summary")).to_have_text("What changed from version 1")
    expect(changes.locator("h3")).to_have_text(["Body"])
    expect(changes.locator(".history-diff del")).to_have_text(["tailend"])
    expect(changes.locator(".history-diff ins")).to_have_text(["tail end"])
