"""
The article page as readers get it (the demo article): each claim marked
whole, its note set apart from its words, every source reachable from its
fact-check, and one way of writing dates on every public page.
"""

import re
from html import escape
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from articles import demo as demo_newsroom
from articles import workflow
from articles.models import Article, PublishedVersion
from entities.models import Source
from tests.markup import assert_well_formed, pieces, text_content

pytestmark = pytest.mark.django_db

DATE = r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}"  # noqa: E501
DATETIME = rf"{DATE}, \d\d:\d\d [A-Z]+"


@pytest.fixture
def demo(db):
    call_command("load_demo", stdout=StringIO(), stderr=StringIO())
    return Article.objects.select_related("live_version").get(
        slug=demo_newsroom.ARTICLE_SLUG
    )


def article_body(html: str) -> str:
    return html.split('<div class="article-body">', 1)[1].split("\n  </div>", 1)[0]


def card(html: str, anchor: str) -> str:
    """The fact-check card of the claim ``anchor``, from its start to its end."""
    start = html.index(f'id="{anchor}">')
    return html[start : html.index(f'href="#{anchor}-text"', start)]


def test_each_claim_is_one_element_holding_its_whole_quote(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    body = article_body(html)
    assert_well_formed(body)
    found = pieces(body)
    # Every claim on words of the text (the claim about the lead image is
    # about the picture, and is marked on it, not in the text).
    claims = [c for c in demo.live_version.claims if c["quote"]]
    assert len(found) == len(claims) == 17
    for claim in claims:
        assert found[claim["anchor_id"]] == [claim["quote"].strip()], claim["quote"]
    # The claim about The Information's report names two entities: both
    # links are inside its one mark (it used to be cut into five).
    bing = next(c for c in claims if "search engine Bing" in c["quote"])
    inside = body.split(f'data-claim="{bing["anchor_id"]}">', 1)[1]
    inside = inside.split("</mark>", 1)[0]
    assert 'href="/entities/the-information/">The Information</a>' in inside
    assert 'href="/entities/bing/">Bing</a>' in inside


def test_the_text_reads_the_quote_and_the_label_apart(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    text = text_content(article_body(html))
    assert "last yearAccurate" not in text
    assert "at the tailend of last year [Accurate], which has been" in text
    assert "capabilities [Opinion]." in text
    # Each note is kept out of search snippets, and labels its claim.
    body = article_body(html)
    notes = re.findall(r'<span class="claim-note" data-nosnippet>', body)
    assert len(notes) == len([c for c in demo.live_version.claims if c["quote"]])
    assert 'aria-label="Accurate: fact-check of “OpenAI’s public release of' in body


def test_every_source_in_the_fact_checks_links_to_its_page(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    cited = 0
    for claim in demo.live_version.claims:
        fact_check = card(html, claim["anchor_id"])
        for citation in claim["citations"]:
            source = Source.objects.get(pk=citation["source"]["id"])
            title = escape(source.title)
            assert f'href="/sources/{source.pk}/">{title}</a>' in fact_check
            if source.url:
                assert f'href="{source.url}"' in fact_check
            if source.archive_url:
                assert f'href="{source.archive_url}"' in fact_check
            cited += 1
        if claim["claimant"]:
            slug = claim["claimant"]["slug"]
            assert f'href="/entities/{slug}/">' in fact_check
    assert cited >= 17


def test_the_page_says_how_many_claims_were_checked(client, demo):
    html = client.get(demo.get_absolute_url()).content.decode()
    summary = html.split('<p class="checked-summary">', 1)[1].split("</p>", 1)[0]
    assert "18 claims checked" in summary
    assert '<span class="rating rating--accurate">14 accurate</span>' in summary
    assert 'href="/methodology/"' in summary


def test_render_pages_marks_an_older_versions_body_again(client, demo):
    version = demo.live_version
    old = version.body_html
    # As published by the code before: marks cut at every link, labels glued
    # to the quote, and no record of the entity links.
    PublishedVersion.objects.filter(pk=version.pk).update(
        body_html='<p><mark class="claim">Old</mark><a class="claim-label">A</a></p>',
        links=None,
        rendered_with="",
    )
    call_command("render_pages", stdout=StringIO())
    version.refresh_from_db()
    assert version.body_html == old
    assert version.links  # found again in its text, with its entities' names
    html = client.get(demo.get_absolute_url()).content.decode()
    assert len(pieces(article_body(html))) == 17


def test_dates_are_written_one_way_on_every_public_page(client, demo):
    publisher = get_user_model().objects.get(username=demo_newsroom.PUBLISHER.username)
    workflow.add_correction(
        demo, user=publisher, kind="clarification", text="We clarified a date."
    )
    demo.dek = "A new standfirst."
    demo.save()
    workflow.publish(demo, user=publisher, note="Clarified.")
    source = Source.objects.exclude(published_on=None).first()
    pages = [
        "/",
        demo.get_absolute_url(),
        f"{demo.get_absolute_url()}history/",
        "/entities/microsoft/",
        source.get_absolute_url(),
        "/corrections/",
        "/about/",
        "/search/?q=Bing",
    ]
    seen = set()
    for url in pages:
        html = client.get(url).content.decode()
        shown = re.sub(r"<script.*?</script>", "", html, flags=re.S)
        for when in re.findall(r"<time [^>]*>(.*?)</time>", shown):
            assert re.fullmatch(f"{DATE}|{DATETIME}", when), (url, when)
            seen.add(url)
        # No date written another way in what readers read.
        text = text_content(re.sub(r"<(head|nav)\b.*?</\1>", "", shown, flags=re.S))
        assert not re.search(r"\b\d{4}-\d\d-\d\d\b", text), url
    assert seen >= set(pages) - {"/search/?q=Bing"}
