"""Markdown rendering with claims marked in place."""

from html.parser import HTMLParser

from articles.rendering import html_to_text, markdown_to_html, render_body


def claim(start, end, rating="accurate", anchor_id="claim-1"):
    return {
        "start": start,
        "end": end,
        "rating": rating,
        "rating_label": rating.capitalize(),
        "anchor_id": anchor_id,
    }


class _Balance(HTMLParser):
    VOID = {"br", "hr", "img"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def assert_well_formed(html):
    parser = _Balance()
    parser.feed(html)
    assert parser.stack == []


def test_claim_is_marked_with_its_rating_label():
    body = "Acme said profits doubled. Nobody else did."
    html = render_body(body, [claim(5, 25)])
    assert (
        '<mark class="claim claim--accurate" id="claim-1-text">said profits doubled'
        in html
    )
    assert (
        '<a class="claim-label claim-label--accurate" href="#claim-1">Accurate</a>'
        in html
    )
    assert_well_formed(html)


def test_claim_across_paragraphs_and_emphasis_stays_well_formed():
    body = "First *para* ends here.\n\nSecond para starts."
    html = render_body(body, [claim(6, 35)])
    assert_well_formed(html)
    assert html.count("<mark") == 4
    assert html_to_text(html).startswith("First para ends here.")


def test_nested_and_overlapping_claims():
    body = "One two three four five six."
    claims = [
        claim(0, 18, "accurate", "claim-1"),
        claim(4, 13, "false", "claim-2"),
        claim(8, 23, "opinion", "claim-3"),
    ]
    html = render_body(body, claims)
    assert_well_formed(html)
    assert 'href="#claim-1"' in html and 'href="#claim-2"' in html
    assert 'href="#claim-3"' in html
    assert 'claim--false" id="claim-2-text">two </mark>' in html


def test_claim_at_the_start_of_a_heading_or_list_item_keeps_the_markup():
    body = "## Big news\n\n- Acme grew.\n- Rivals shrank."
    html = render_body(
        body, [claim(0, 11, anchor_id="c1"), claim(13, 25, anchor_id="c2")]
    )
    assert "<h2><mark" in html
    assert "<li><mark" in html


def test_private_use_characters_in_the_body_cannot_forge_marks():
    body = "Text \ue000\ue100 with \ue001\ue100 markers."
    html = render_body(body, [])
    assert "<mark" not in html


def test_raw_html_is_escaped_and_links_get_rel():
    html = markdown_to_html('<b onclick="x()">hi</b> [site](https://example.org)')
    assert "<b" not in html
    assert 'rel="nofollow noopener noreferrer"' in html
