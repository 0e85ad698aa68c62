"""Markdown rendering with claims marked in place."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from articles.rendering import html_to_text, markdown_to_html, render_body
from tests.markup import assert_well_formed, pieces, text_content


def claim(start, end, rating="accurate", anchor_id="claim-1"):
    return {
        "start": start,
        "end": end,
        "rating": rating,
        "rating_label": rating.capitalize(),
        "anchor_id": anchor_id,
    }


def test_claim_is_marked_with_its_rating_label():
    body = "Acme said profits doubled. Nobody else did."
    html = render_body(body, [claim(5, 25)])
    assert (
        '<mark class="claim claim--accurate" id="claim-1-text" data-claim="claim-1">'
        "said profits doubled</mark>" in html
    )
    assert (
        '<a class="claim-label claim-label--accurate" href="#claim-1" '
        'aria-label="Accurate: fact-check">Accurate</a>' in html
    )
    assert_well_formed(html)


def test_claim_across_paragraphs_and_emphasis_stays_well_formed():
    body = "First *para* ends here.\n\nSecond para starts."
    html = render_body(body, [claim(6, 35)])
    assert_well_formed(html)
    # One piece per paragraph: the emphasis is inside the first one.
    assert pieces(html) == {
        "claim-1": ["para ends here.", "Second par"],
    }
    assert "<mark" in html.split("<em>")[0]
    assert html_to_text(html).startswith("First para ends here.")


def test_claim_with_entity_links_is_one_element_with_the_links_inside():
    body = "OpenAI and Microsoft have announced that they are expanding it."
    links = [
        {"start": 0, "end": 6, "href": "/entities/openai/"},
        {"start": 11, "end": 20, "href": "/entities/microsoft/"},
    ]
    html = render_body(body, [claim(0, len(body) - 1)], links)
    assert_well_formed(html)
    assert html.count("<mark") == 1
    assert pieces(html) == {"claim-1": [body[:-1]]}
    mark = html.split("<mark", 1)[1].split("</mark>", 1)[0]
    assert '<a class="entity-link" href="/entities/openai/">OpenAI</a>' in mark
    assert '<a class="entity-link" href="/entities/microsoft/">Microsoft</a>' in mark


def test_an_entity_link_across_a_claims_edge_is_cut_not_the_claim():
    body = "Satya Nadella said the deal was done."
    html = render_body(
        body, [claim(6, 36)], [{"start": 0, "end": 13, "href": "/entities/satya/"}]
    )
    assert_well_formed(html)
    assert pieces(html) == {"claim-1": ["Nadella said the deal was done"]}
    assert html.count('href="/entities/satya/"') == 2
    assert '<a class="entity-link" href="/entities/satya/">Satya</a> <mark' in html


def test_nested_claims_are_each_one_element():
    body = "One two three four five six."
    claims = [claim(0, 27, "accurate", "claim-1"), claim(4, 13, "false", "claim-2")]
    html = render_body(body, claims)
    assert_well_formed(html)
    assert pieces(html) == {
        "claim-1": ["One two three four five six"],
        "claim-2": ["two three"],
    }
    # The inner claim, with its note, sits inside the outer one.
    outer = html.split('id="claim-1-text"', 1)[1].rsplit("</mark>", 1)[0]
    assert 'id="claim-2-text"' in outer and 'href="#claim-2"' in outer


def test_only_claims_that_truly_cross_are_cut():
    body = "One two three four five six."
    claims = [
        claim(0, 18, "accurate", "claim-1"),
        claim(4, 13, "false", "claim-2"),
        claim(8, 23, "opinion", "claim-3"),
        claim(24, 27, "accurate", "claim-4"),
    ]
    html = render_body(body, claims)
    assert_well_formed(html)
    assert pieces(html) == {
        "claim-1": ["One two three four"],
        "claim-2": ["two three"],
        # Claim 3 crosses claims 2 and 1: it is cut where each ends.
        "claim-3": ["three", " four", " five"],
        "claim-4": ["six"],
    }
    for anchor in ("claim-1", "claim-2", "claim-3", "claim-4"):
        assert html.count(f'href="#{anchor}"') == 1
        assert html.count(f'id="{anchor}-text"') == 1


def test_the_label_is_set_apart_from_the_quote_in_the_text():
    body = "Acme said its profits doubled last year, which nobody believed."
    start = body.index("its profits")
    end = body.index(", which")
    html = render_body(body, [claim(start, end, "accurate")])
    text = text_content(html)
    assert "last yearAccurate" not in text
    assert "last year [Accurate], which" in text
    note = html.split('<span class="claim-note"', 1)[1]
    assert note.startswith(" data-nosnippet>")


def test_a_note_never_goes_inside_a_link_of_the_body():
    body = "See [the big report](https://example.org/report) now."
    html = render_body(body, [claim(9, 19)])
    assert_well_formed(html)
    assert pieces(html) == {"claim-1": ["big report"]}
    assert '</a><span class="claim-note"' in html


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


_WORDS = st.lists(
    st.sampled_from(["acme", "grew", "fast", "Bing", "said", "x", "9"]),
    min_size=1,
    max_size=8,
)


@st.composite
def marked_bodies(draw):
    """A plain body (words, paragraphs), claims and entity links on it."""
    paragraphs = draw(st.lists(_WORDS.map(" ".join), min_size=1, max_size=4))
    body = "\n\n".join(paragraphs)
    offsets = st.integers(0, len(body))
    claims, links = [], []
    for n in range(draw(st.integers(0, 6))):
        start, end = sorted(draw(st.tuples(offsets, offsets)))
        if start < end:
            claims.append(claim(start, end, "accurate", f"claim-{n}"))
    words = [m.span() for m in re.finditer(r"\w+", body)]
    for start, end in draw(st.lists(st.sampled_from(words), max_size=3)):
        links.append({"start": start, "end": end, "href": f"/entities/e{start}/"})
    return body, claims, links


def _trim(body, c):
    start, end = c["start"], c["end"]
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


@settings(max_examples=300, deadline=None)
@given(marked_bodies())
def test_every_claim_is_whole_unless_it_crosses_a_claim_or_a_paragraph(case):
    body, claims, links = case
    html = render_body(body, claims, links)
    assert_well_formed(html)
    found = pieces(html)
    spans = {c["anchor_id"]: _trim(body, c) for c in claims}
    for anchor, (start, end) in spans.items():
        if start == end:
            assert anchor not in found
            continue
        quote = body[start:end]
        assert "".join(found[anchor]) == quote.replace("\n\n", ""), anchor
        crossed = any(
            other_start < start < other_end < end
            for other, (other_start, other_end) in spans.items()
            if other != anchor
        )
        if crossed or "\n\n" in quote:
            assert len(found[anchor]) >= 2, (anchor, found[anchor])
        else:
            assert len(found[anchor]) == 1, (anchor, found[anchor])
        assert html.count(f'href="#{anchor}"') == 1
        assert html.count(f'id="{anchor}-text"') == 1
