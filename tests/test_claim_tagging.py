"""
Tagging claims in the admin (DESIGN §6): the article's text with its claims
marked, select-to-tag offsets, stale ratings shown with what changed, and
claims typed in the inline form on the same save as an edit of the body.
"""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import gate, staleness, workflow
from articles.models import Claim, Rating
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    SourceFactory,
)
from tests.test_admin import claim_prefix, form_data

pytestmark = pytest.mark.django_db

# Characters outside the BMP (two UTF-16 units each in JavaScript, one code
# point in Python), curly quotes and a combining accent.
BODY = (
    "🚀 Launch day: “We did it,” said Ana Pérez of Rocket Co. 🚀\n\n"
    "The rocket 🛰️ reached orbit at 10:42, and “it worked first time”, she said."
)


@pytest.fixture
def article(people):
    return ArticleFactory(title="Launch", body=BODY)


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def claim_on(article, quote, **fields):
    start = article.body.index(quote)
    return ClaimFactory(
        article=article,
        quote=quote,
        start=start,
        end=start + len(quote),
        prefix=article.body[max(0, start - 32) : start],
        suffix=article.body[start + len(quote) : start + len(quote) + 32],
        **fields,
    )


class TextView(HTMLParser):
    """The runs of text of the tagging view, each with the claims around it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.inside = 0
        self.marks = []  # the data-claim of each open mark
        self.runs = []  # (offset, text, claims around it)
        self.labels = []  # (claim, href, text)
        self._run = None
        self._label = None
        self.opened = self.closed = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id") == "newsroom-text":
            self.inside = 1
            return
        if not self.inside:
            return
        if tag == "div":
            self.inside += 1
        elif tag == "mark":
            self.marks.append(int(attrs["data-claim"]))
            self.opened += 1
        elif tag == "span" and "data-o" in attrs:
            self._run = [int(attrs["data-o"]), "", tuple(self.marks)]
        elif tag == "a":
            self._label = [self.marks[-1], attrs["href"], ""]
        elif tag == "script":
            raise AssertionError("no scripts in the text")

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "div":
            self.inside -= 1
        elif tag == "mark":
            self.marks.pop()
            self.closed += 1
        elif tag == "span" and self._run:
            self.runs.append(tuple(self._run))
            self._run = None
        elif tag == "a" and self._label:
            self.labels.append(tuple(self._label))
            self._label = None

    def handle_data(self, data):
        if self._run is not None:
            self._run[1] += data
        elif self._label is not None:
            self._label[2] += data


def text_view(response) -> TextView:
    view = TextView()
    view.feed(response.content.decode())
    return view


def test_the_text_is_shown_whole_with_code_point_offsets(client, people, article):
    claim_on(article, "“We did it,”")
    client.force_login(people["reporter"])
    view = text_view(client.get(change_url(article)))
    assert "".join(text for _, text, _ in view.runs) == BODY
    for offset, text, _ in view.runs:
        # Python indices: the emoji before do not count twice.
        assert BODY[offset : offset + len(text)] == text
    assert view.opened == view.closed == 1


def test_claims_are_marked_with_their_rating_in_words(client, people, article):
    rated = claim_on(article, "reached orbit at 10:42", tagged_by=people["reporter"])
    CitationFactory(claim=rated)
    workflow.rate_claim(rated, user=people["checker"], rating=Rating.ACCURATE)
    claim_on(article, "said Ana Pérez of Rocket Co.")
    client.force_login(people["reporter"])
    response = client.get(change_url(article))
    view = text_view(response)
    labels = {claim: (href, text) for claim, href, text in view.labels}
    unrated = article.claims.get(quote__startswith="said Ana")
    assert labels[unrated.pk] == (
        reverse("admin:articles_claim_change", args=[unrated.pk]),
        "Claim 1: Not yet checked",
    )
    assert labels[rated.pk][1] == "Claim 2: Accurate"
    page = response.content.decode()
    assert 'class="newsroom-claim newsroom-claim--accurate"' in page
    # The colours have a legend in words.
    assert "Needs context</span>" in page


def test_nested_and_crossing_claims_are_all_shown(client, people, article):
    outer = claim_on(article, "“We did it,” said Ana Pérez of Rocket Co.")
    inner = claim_on(article, "Ana Pérez")
    crossing = claim_on(article, "Rocket Co. 🚀\n\nThe rocket 🛰️")
    client.force_login(people["reporter"])
    view = text_view(client.get(change_url(article)))
    assert view.opened == view.closed
    for claim in (outer, inner, crossing):
        covered = "".join(text for _, text, claims in view.runs if claim.pk in claims)
        assert covered == claim.quote
    # The inner claim sits inside the outer one.
    inside = [claims for _, text, claims in view.runs if text == "Ana Pérez"]
    assert inside == [(outer.pk, inner.pk)]
    # Each claim has one label, where it starts.
    assert sorted(claim for claim, _, _ in view.labels) == sorted(
        [outer.pk, inner.pk, crossing.pk]
    )


def test_claims_no_longer_in_the_text_are_listed_apart(client, people, article):
    lost = claim_on(article, "reached orbit at 10:42")
    Claim.objects.filter(pk=lost.pk).update(anchor=Claim.Anchor.ORPHANED)
    client.force_login(people["reporter"])
    response = client.get(change_url(article))
    assert text_view(response).labels == []
    assert "Not in the text:" in response.content.decode()


def test_tagging_counts_code_points_outside_the_bmp(client, people, article):
    client.force_login(people["reporter"])
    quote = "“it worked first time”"
    start = BODY.index(quote)
    # What the script sends: code points, not UTF-16 units.
    utf16_start = len(BODY[:start].encode("utf-16-le")) // 2
    assert utf16_start > start
    response = client.post(
        reverse("admin:articles_article_tag", args=[article.pk]),
        {"start": start, "end": start + len(quote), "quote": quote},
        follow=True,
    )
    assert any("Tagged claim" in str(m) for m in response.context["messages"])
    claim = article.claims.get()
    assert (claim.quote, claim.start, claim.end) == (quote, start, start + len(quote))
    assert BODY[claim.start - len(claim.prefix) : claim.start] == claim.prefix


def test_a_selection_across_paragraphs_is_tagged_as_browsers_send_it(
    client, people, article
):
    client.force_login(people["reporter"])
    quote = "🚀\n\nThe rocket"
    start = BODY.index(quote)
    response = client.post(
        reverse("admin:articles_article_tag", args=[article.pk]),
        # A form sends the selection's line breaks as CR LF.
        {"start": start, "end": start + len(quote), "quote": "🚀\r\n\r\nThe rocket"},
        follow=True,
    )
    assert any("Tagged claim" in str(m) for m in response.context["messages"])
    assert article.claims.get().quote == quote


def test_after_a_refused_save_the_text_view_shows_the_saved_text(
    client, people, article
):
    claim_on(article, "reached orbit at 10:42", tagged_by=people["reporter"])
    client.force_login(people["reporter"])
    data = form_data(client.get(change_url(article)))
    data["body"] = "Rewritten from the first word. " + data["body"]
    blank = int(data["claims-TOTAL_FORMS"]) - 1
    data[f"claims-{blank}-quote"] = "words that are nowhere in the text"
    response = client.post(change_url(article), data)
    assert response.status_code == 200  # refused: the quote is not in the text
    view = text_view(response)
    assert "".join(text for _, text, _ in view.runs) == BODY
    assert view.opened == view.closed == 1  # the claim, marked where it is
    assert "Not in the text" not in response.content.decode()


def test_tagging_refuses_utf16_offsets(client, people, article):
    client.force_login(people["reporter"])
    quote = "“it worked first time”"
    start = len(BODY[: BODY.index(quote)].encode("utf-16-le")) // 2
    response = client.post(
        reverse("admin:articles_article_tag", args=[article.pk]),
        {"start": start, "end": start + len(quote), "quote": quote},
        follow=True,
    )
    assert any("Reload the page" in str(m) for m in response.context["messages"])
    assert not article.claims.exists()


def test_the_page_works_without_javascript(client, people, article):
    """The text and its labels are plain links; claims are added in the inline."""
    client.force_login(people["reporter"])
    response = client.get(change_url(article))
    page = response.content.decode()
    assert "newsroom/tag_claim" in page
    assert 'id="newsroom-text"' in page
    assert 'contenteditable="true"' not in page  # set by the script only
    # The blank row the page comes with, filled in as a browser submits it.
    data = form_data(response)
    blank = int(data["claims-TOTAL_FORMS"]) - 1
    assert data[f"claims-{blank}-quote"] == ""
    data[f"claims-{blank}-quote"] = "it worked first time"
    data[f"claims-{blank}-kind"] = Claim.Kind.QUOTE
    assert client.post(change_url(article), data).status_code == 302
    claim = article.claims.get()
    assert BODY[claim.start : claim.end] == "it worked first time"


def test_a_claim_typed_in_the_same_save_as_a_body_edit_is_placed_on_the_new_text(
    client, people, article
):
    old = claim_on(article, "reached orbit at 10:42", tagged_by=people["reporter"])
    client.force_login(people["reporter"])
    data = form_data(client.get(change_url(article)))
    data["body"] = "Update: all went well. 🎉\n\n" + BODY
    total = int(data["claims-TOTAL_FORMS"])
    data["claims-TOTAL_FORMS"] = str(total + 1)
    data[f"claims-{total}-quote"] = "all went well"
    data[f"claims-{total}-kind"] = Claim.Kind.FACT
    assert client.post(change_url(article), data).status_code == 302
    article.refresh_from_db()
    new = article.claims.get(quote="all went well")
    assert new.start == article.body.index("all went well")
    assert new.anchor == Claim.Anchor.ANCHORED
    old.refresh_from_db()
    assert article.body[old.start : old.end] == old.quote == "reached orbit at 10:42"


def test_stale_ratings_say_what_changed(client, people, article):
    claim = claim_on(article, "reached orbit at 10:42", tagged_by=people["reporter"])
    CitationFactory(claim=claim, source=SourceFactory(title="Launch log"))
    claim = workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    CitationFactory(claim=claim, source=SourceFactory(title="Tracking data"))
    assert staleness.stale_reasons(claim) == ["a source was added: Tracking data"]
    client.force_login(people["checker"])
    data = form_data(client.get(change_url(article)))
    data["body"] = BODY.replace("10:42", "10:43")
    assert client.post(change_url(article), data).status_code == 302
    claim.refresh_from_db()
    assert claim.anchor == Claim.Anchor.CHANGED
    assert staleness.stale_reasons(claim) == [
        "the quote changed from “reached orbit at 10:42”",
        "a source was added: Tracking data",
    ]
    page = client.get(change_url(article)).content.decode()
    assert "Stale: re-check needed" in page
    assert (
        "What changed: the quote changed from “reached orbit at 10:42”; a source "
        "was added: Tracking data." in page
    )
    assert "Claim 1: Re-check needed" in page
    # The re-check: rated again, it is no longer stale.
    data = form_data(client.get(change_url(article)))
    prefix = claim_prefix(data, claim)
    data[f"{prefix}-rating"] = Rating.MOSTLY_ACCURATE
    assert client.post(change_url(article), data).status_code == 302
    claim.refresh_from_db()
    assert claim.anchor == Claim.Anchor.ANCHORED
    assert staleness.stale_reasons(claim) == []


def test_ratings_checked_before_snapshots_say_only_that_something_changed(people):
    article = ArticleFactory(body=BODY)
    claim = claim_on(article, "reached orbit at 10:42", tagged_by=people["reporter"])
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.OPINION)
    Claim.objects.filter(pk=claim.pk).update(checked_snapshot={}, quote="reached orbit")
    claim.refresh_from_db()
    assert staleness.stale_reasons(claim) == [
        "its quote or its sources changed after the check"
    ]


def test_stale_reasons_name_removed_sources_and_changed_excerpts(people):
    article = ArticleFactory(body=BODY)
    claim = claim_on(article, "reached orbit at 10:42", tagged_by=people["reporter"])
    log = CitationFactory(claim=claim, source=SourceFactory(title="Launch log"))
    CitationFactory(claim=claim, source=SourceFactory(title="Press release"))
    claim = workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    log.excerpt = "Orbit at 10:42:07."
    log.save()
    claim.citations.get(source__title="Press release").delete()
    assert staleness.stale_reasons(claim) == [
        "the excerpt or place cited in Launch log changed",
        "a source was removed: Press release",
    ]
    blockers = gate.gate_blockers(article)
    assert [b.code for b in blockers] == ["stale"]
    assert "a source was removed: Press release" in blockers[0].message
