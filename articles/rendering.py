"""
Rendering article bodies: Markdown to sanitised HTML, with claims marked.

Markdown is rendered with raw HTML off, and the result is sanitised with an
allowlist (nh3). Claims and entity links are placed by putting private-use
sentinel characters at their offsets in the Markdown source, rendering,
sanitising, and then turning the sentinels into elements while the HTML is
read back as a tree:

- each claim is **one** ``<mark>``, with the entity links and emphasis inside
  it nested in it; it is cut in pieces only where it has to be for the HTML
  to stay well formed: where it crosses another claim (the later one is cut)
  or an element it does not contain (a claim over two paragraphs is one
  piece in each);
- an entity link that crosses a claim's edge is cut there instead, so it
  never cuts the claim;
- after each claim comes its note: the rating's short label, linking to the
  claim's fact-check. It is set apart from the quote (in the page's text it
  reads "quote [Label]"), left out of copied text by the stylesheet and out
  of search snippets (``data-nosnippet``);
- a claim about a library image that has no words marked in the text gets
  its note in the caption of the first figure of that image on the page
  (the lead figure, ``pages``, or one in the body), so it opens where the
  picture is, like any other claim.

Images: the author names a library image with Markdown's image form and
the ``image:`` scheme, ``![Optional caption for this story](image:12)``; the
renderer, not the author, writes the ``<figure>`` (``media.figures``), as a
block of its own: an image placed inside a paragraph splits it. Any other
image (a web address, an image in a heading or a table) is not shown, and
no HTML an author types ever reaches a page.
"""

import re
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .ratings import definition

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto"}
BLOCK_TAGS = {"p", "li", "blockquote", "pre", "h2", "h3", "h4", "tr", "hr", "br"}
VOID_TAGS = {"br", "hr", "img", "wbr"}
# Elements inside a line of text: a claim cut by an element's end opens again
# before them.
INLINE_TAGS = {"a", "abbr", "code", "em", "strong", "sub", "sup"}
# Elements whose text is part of a line: a claim's mark may continue in them.
# (Between blocks, the white space of the HTML source is not marked.)
PHRASING_TAGS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "em",
    "strong",
    "a",
    "code",
    "abbr",
    "sub",
    "sup",
    "td",
    "th",
    "pre",
}

START, END = "\ue000", "\ue001"
LINK_START, LINK_END = "\ue002", "\ue003"
# A library image: FIGURE, its id, CAPTION_AT, the caption given in the
# body (or NO_CAPTION), FIGURE_END. Replaced by the figure after sanitising.
FIGURE, CAPTION_AT, NO_CAPTION, FIGURE_END = "\ue004", "\ue005", "\ue006", "\ue007"
ID_BASE = 0xE100
MAX_MARKED_CLAIMS = 0xEFFF - ID_BASE
_SENTINELS = re.compile("[\ue000-\uefff]")
# Markdown block syntax at the start of a line that a sentinel must not break.
_BLOCK_PREFIX = re.compile(
    r"[ ]{0,3}(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]?)*"
)
QUOTE_IN_LABEL = 60  # characters of the quote in a note's accessible name

IMAGE_SCHEME = re.compile(r"image:([0-9]{1,18})\Z")
_FIGURES = re.compile(f"{FIGURE}[^{FIGURE_END}]*{FIGURE_END}")


def _library_image(token: Token) -> int | None:
    """The library id an image token names, or None."""
    if token.type != "image":
        return None
    match = IMAGE_SCHEME.match(token.attrs.get("src", "") or "")
    return int(match.group(1)) if match else None


def _only_sentinels(tokens: list[Token]) -> bool:
    text = "".join(t.content for t in tokens if t.type == "text")
    others = [t for t in tokens if t.type not in ("text", "softbreak", "hardbreak")]
    return not others and not _SENTINELS.sub("", text).strip()


def _library_figures(state) -> None:
    """Lift each library image out of its paragraph into a figure of its own."""
    tokens, out = state.tokens, []
    i = 0
    while i < len(tokens):
        opening = tokens[i]
        inline = tokens[i + 1] if i + 1 < len(tokens) else None
        if not (
            opening.type == "paragraph_open"
            and inline is not None
            and any(_library_image(c) is not None for c in inline.children or ())
        ):
            out.append(opening)
            i += 1
            continue
        closing = tokens[i + 2]
        segment: list[Token] = []
        for child in [*inline.children, None]:
            image_id = None if child is None else _library_image(child)
            if child is not None and image_id is None:
                segment.append(child)
                continue
            if segment and _only_sentinels(segment):
                # Claim marks that open or close here: kept, invisible.
                raw = Token("library_raw", "", 0)
                raw.content = "".join(t.content for t in segment if t.type == "text")
                out.append(raw)
            elif segment:
                part = Token("inline", "", 0, children=segment, map=inline.map)
                out.extend((opening, part, closing))
            segment = []
            if child is not None:
                figure = Token("library_figure", "", 0)
                caption = state.md.renderer.renderInlineAsText(
                    child.children or [], state.md.options, state.env
                )
                figure.meta = {"id": image_id, "caption": caption}
                out.append(figure)
        i += 3
    state.tokens = out


def _render_figure(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    caption = meta["caption"].replace(FIGURE_END, "") if meta["caption"] else ""
    caption = escape(caption, quote=False)
    return f"{FIGURE}{meta['id']}{CAPTION_AT}{caption or NO_CAPTION}{FIGURE_END}\n"


def _render_raw(self, tokens, idx, options, env) -> str:
    return escape(tokens[idx].content, quote=False)


def _render_image(self, tokens, idx, options, env) -> str:
    # Images not lifted into figures (web addresses, images in headings
    # or tables) are not shown.
    return ""


_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_markdown.core.ruler.after("inline", "library_figures", _library_figures)
_markdown.add_render_rule("library_figure", _render_figure)
_markdown.add_render_rule("library_raw", _render_raw)
_markdown.add_render_rule("image", _render_image)


def placed_images(body: str) -> list[tuple[int, str]]:
    """The library images placed in ``body``: (id, caption given there), in order."""
    if "image:" not in body:
        return []
    return [
        (token.meta["id"], token.meta["caption"])
        for token in _markdown.parse(_SENTINELS.sub("\ufffd", body))
        if token.type == "library_figure"
    ]


def _render_sanitised(text: str) -> str:
    return sanitise(_markdown.render(text))


def markdown_to_html(text: str) -> str:
    """Render Markdown to sanitised HTML (library images left out)."""
    return _FIGURES.sub("", _render_sanitised(text))


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )


def _block_safe(body: str, position: int) -> int:
    """Move a start sentinel at a line start past the line's block syntax."""
    line_start = body.rfind("\n", 0, position) + 1
    if body[line_start:position].strip():
        return position
    match = _BLOCK_PREFIX.match(body, line_start)
    return max(position, match.end()) if match else position


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    """``start``-``end`` without the white space at either end."""
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _link_pieces(link, edges) -> list[tuple[int, int]]:
    """A link's span cut at the claim edges inside it, so claims stay whole."""
    cuts = sorted({e for e in edges if link["start"] < e < link["end"]})
    points = [link["start"], *cuts, link["end"]]
    return list(zip(points, points[1:], strict=False))


def _claim_spans(body: str, claims) -> list[tuple[int, int, dict]]:
    """The claims marked in ``body`` (sentinels replaced), with their spans."""
    spans = []
    for claim in claims:
        if not 0 <= claim["start"] < claim["end"] <= len(body):
            continue
        start, end = _trimmed(body, claim["start"], claim["end"])
        if start < end:
            spans.append((start, end, claim))
    return spans[:MAX_MARKED_CLAIMS]


def image_claims(claims, image_id) -> list[dict]:
    """The ``claims`` about library image ``image_id``."""
    return [
        claim
        for claim in claims
        if (claim.get("media") or {}).get("image") is not None
        and str(claim["media"]["image"]) == str(image_id)
    ]


_NOTE_TARGET = re.compile(r'<a class="claim-label [^"]*" href="#([^"]+)"')


def noted(html: str) -> set[str]:
    """The anchors of the claims that have a note in ``html`` (the body's)."""
    # The sanitiser leaves no class on an author's links: these are ours.
    return set(_NOTE_TARGET.findall(html))


def render_body(body: str, claims=(), links=(), figure=None) -> str:
    """
    Render ``body`` with ``claims`` marked and ``links`` linked.

    ``claims`` is a sequence of mappings with ``start``, ``end``, ``rating``,
    ``anchor_id`` (the id of the fact-check panel) and optionally ``quote``
    and ``media``; ``links`` of mappings with ``start``, ``end`` and
    ``href`` (a site path); ``figure(image_id, caption)`` returns the HTML
    of a library image placed in the body (``caption``: the one given there,
    or None), "" when it has none to show; it is called with ``notes=``, the
    HTML to put in its caption, for the first figure of an image that
    claims not marked in the text are about.
    """
    body = _SENTINELS.sub("\ufffd", body)
    spans = _claim_spans(body, claims)
    marked = {id(claim) for _, _, claim in spans}
    about_images = [
        claim
        for claim in claims
        if id(claim) not in marked and (claim.get("media") or {}).get("image")
    ]
    edges = {edge for start, end, _ in spans for edge in (start, end)}
    pieces = [
        (start, end, link["href"])
        for link in links
        if 0 <= link["start"] < link["end"] <= len(body)
        for start, end in (
            _trimmed(body, *piece) for piece in _link_pieces(link, edges)
        )
        if start < end
    ]
    pieces = pieces[: MAX_MARKED_CLAIMS - len(spans)]
    inserts = []
    for index, (start, end, _claim) in enumerate(spans):
        code = chr(ID_BASE + index)
        opening = min(_block_safe(body, start), end)
        # At one place: links close first (they sit inside claims), then
        # claims, the inner (later) one first; then claims open, the outer
        # (longer) one first, then links.
        inserts.append((opening, 1, (-end, index), START + code))
        inserts.append((end, 0, (-start, -index), END + code))
    for index, (start, end, _href) in enumerate(pieces):
        code = chr(ID_BASE + len(spans) + index)
        opening = min(_block_safe(body, start), end)
        inserts.append((opening, 2, (0, 0), LINK_START + code))
        inserts.append((end, -1, (0, 0), LINK_END + code))
    inserts.sort(key=lambda item: item[:3])
    text, cursor = [], 0
    for position, _order, _key, marker in inserts:
        text.append(body[cursor:position])
        text.append(marker)
        cursor = position
    text.append(body[cursor:])
    html = _render_sanitised("".join(text))
    marker = _ClaimMarker(
        [claim for _, _, claim in spans], [p[2] for p in pieces], figure, about_images
    )
    marker.feed(html)
    marker.close()
    return _SENTINELS.sub("", marker.html())


def _shortened(words: str) -> str:
    words = " ".join(words.split()).strip("“”\"'‘’ ")
    if len(words) > QUOTE_IN_LABEL:
        cut = words.rfind(" ", 0, QUOTE_IN_LABEL)
        words = words[: cut if cut > 0 else QUOTE_IN_LABEL].rstrip(" ,;:") + "…"
    return words


def claim_note(claim) -> str:
    """The note after a claim: its rating's short label, linking to its fact-check."""
    rating = definition(claim["rating"])
    anchor = escape(claim["anchor_id"])
    quote = _shortened(claim.get("quote", ""))
    name = f"{rating.short_label}: fact-check"
    if quote:
        name += f" of “{quote}”"
    return _note(rating, anchor, name)


def figure_notes(claims) -> str:
    """
    The notes of ``claims`` about an image, for its figure's caption: like a
    claim's note in the text, named by what the claim says of the image;
    the first has the id the fact-check's "Back to the text" links to.
    """
    notes = []
    for claim in claims:
        rating = definition(claim["rating"])
        anchor = escape(claim["anchor_id"])
        name = f"{rating.short_label}: fact-check of this image"
        if statement := _shortened(claim.get("statement", "")):
            name += f", “{statement}”"
        notes.append(_note(rating, anchor, name, ident=f"{anchor}-text"))
    return "".join(notes)


def _note(rating, anchor: str, name: str, *, ident: str = "") -> str:
    ident = f' id="{ident}"' if ident else ""
    return (
        f'<span class="claim-note"{ident} data-nosnippet>'
        '<span class="visually-hidden" aria-hidden="true"> [</span>'
        f'<a class="claim-label claim-label--{escape(rating.value)}" '
        f'href="#{anchor}" aria-label="{escape(name)}">'
        f"{escape(rating.short_label)}</a>"
        '<span class="visually-hidden" aria-hidden="true">]</span></span>'
    )


@dataclass
class _Frame:
    """An open element: one of the HTML's own, a claim's mark or an entity link."""

    kind: str  # "html", "claim" or "link"
    tag: str
    index: int = -1  # the claim's or link's number
    start_tag: str = ""
    at: int = 0  # where its start tag is in the output
    made: bool = False  # opened by the marker (a mark, a link, a piece)


class _ClaimMarker(HTMLParser):
    """Turns the sentinels of sanitised HTML into marks, links and notes."""

    def __init__(self, claims, hrefs, figure=None, about_images=()):
        super().__init__(convert_charrefs=True)
        self.claims = claims
        self.hrefs = hrefs
        self.figure = figure
        self.about_images = list(about_images)  # claims with no note yet
        self.out = []
        self.stack: list[_Frame] = []
        self.active: list[int] = []  # claims open in the text, outermost first
        self.link: int | None = None  # the link piece open in the text
        self.identified: set[int] = set()  # claims whose first piece has the id
        self.anchors = 0  # the HTML's own links open around the text
        self.deferred: list[int] = []  # notes waiting for a link to close

    def html(self) -> str:
        while self.stack:
            self._close_top()
        return "".join(self.out)

    # The HTML's own elements

    def handle_starttag(self, tag, attrs):
        text = self.get_starttag_text()
        if tag in VOID_TAGS:
            self.out.append(text)
            return
        if tag in INLINE_TAGS:
            self._reopen()
            if tag == "a" and self.link is not None:
                self._close_through("link", self.link)  # no link inside a link
        self._push(_Frame("html", tag, start_tag=text))

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag in VOID_TAGS:
            return
        if not any(f.kind == "html" and f.tag == tag for f in self.stack):
            return  # nothing of the sanitiser's output; ignore a stray end tag
        while True:
            frame = self._close_top()
            if frame.kind == "html" and frame.tag == tag:
                break
        if tag == "a" and not self.anchors:
            for index in self.deferred:
                self.out.append(claim_note(self.claims[index]))
            self.deferred = []

    def handle_data(self, data):
        text, i = [], 0
        while i < len(data):
            char = data[i]
            end = data.find(FIGURE_END, i) if char == FIGURE else -1
            if end > 0:
                self._text("".join(text))
                text = []
                self._figure(data[i + 1 : end])
                i = end + 1
                continue
            if char in (START, END, LINK_START, LINK_END) and i + 1 < len(data):
                self._text("".join(text))
                text = []
                self._sentinel(char, ord(data[i + 1]) - ID_BASE)
                i += 2
                continue
            text.append(char)
            i += 1
        self._text("".join(text))

    # Library images

    def _figure(self, placed: str) -> None:
        """Write the figure of a placed image (marks in its caption are kept)."""
        image_id, _, caption = placed.partition(CAPTION_AT)
        # The figure is a block of its own, never inside a claim's mark or a
        # link: what is open is cut here and goes on after it.
        while self.stack and self.stack[-1].kind != "html":
            self._close_top()
        # A claim that opens or closes inside the caption the author typed
        # opens or closes here; its note follows the figure.
        ended = []
        for found in re.finditer(f"([{START}{END}])(.)", caption):
            index = ord(found.group(2)) - ID_BASE
            if not 0 <= index < len(self.claims):
                continue
            if found.group(1) == START:
                self.active.append(index)
            elif index in self.active:
                ended.append(index)
        caption = _SENTINELS.sub("", caption)
        if self.figure is not None and image_id.isdigit():
            given = None if caption == "" and NO_CAPTION in placed else caption
            about = image_claims(self.about_images, image_id)
            shown = self.figure(int(image_id), given, **self._notes(about))
            if shown and about:
                # Their notes are in this figure's caption: the next figure of
                # the image has none.
                self.about_images = [
                    c for c in self.about_images if all(c is not a for a in about)
                ]
            self.out.append(shown)
        for index in ended:
            self._end(index)

    @staticmethod
    def _notes(about) -> dict:
        return {"notes": figure_notes(about)} if about else {}

    # Claims and links

    def _sentinel(self, char, code):
        if char in (START, END):
            if 0 <= code < len(self.claims):
                (self._start if char == START else self._end)(code)
            return
        index = code - len(self.claims)
        if 0 <= index < len(self.hrefs):
            if char == LINK_START:
                if self.link is not None:
                    return  # links do not overlap; keep the first
                self._reopen()
                self.link = index
                self._open_link(index)
            elif self.link == index:
                self.link = None
                self._close_through("link", index)

    def _start(self, index):
        self._reopen()
        self.active.append(index)
        self._open_claim(index)

    def _end(self, index):
        if index not in self.active:
            return
        self.active.remove(index)
        self._close_through("claim", index, note=True)

    def _close_through(self, kind, index, *, note=False):
        """Close the element of ``kind`` ``index``, and what is open inside it."""
        position = next(
            (
                n
                for n, f in enumerate(self.stack)
                if f.kind == kind and f.index == index
            ),
            None,
        )
        inside = []
        if position is not None:
            while len(self.stack) > position + 1:
                inside.append(self._close_top())
            self._close_top()
        if note:
            if self.anchors:
                self.deferred.append(index)  # a link cannot hold another
            else:
                self.out.append(claim_note(self.claims[index]))
        # What was inside goes on after it: the HTML's elements as they
        # were, the claims and links still open as their next pieces.
        for frame in reversed(inside):
            if frame.kind == "html":
                self._push(
                    _Frame("html", frame.tag, start_tag=frame.start_tag, made=True)
                )
            elif frame.kind == "claim" and frame.index in self.active:
                self._open_claim(frame.index)
            elif frame.kind == "link" and frame.index == self.link:
                self._open_link(frame.index)

    def _reopen(self):
        """Open again, innermost last, the claims and link cut by an element's end."""
        open_now = {(f.kind, f.index) for f in self.stack if f.kind != "html"}
        for index in self.active:
            if ("claim", index) not in open_now:
                self._open_claim(index)
        if self.link is not None and ("link", self.link) not in open_now:
            self._open_link(self.link)

    def _open_claim(self, index):
        claim = self.claims[index]
        anchor = escape(claim["anchor_id"])
        attrs = f'class="claim claim--{escape(claim["rating"])}"'
        if index not in self.identified:
            self.identified.add(index)
            attrs += f' id="{anchor}-text"'
        self._push(
            _Frame(
                "claim",
                "mark",
                index,
                f'<mark {attrs} data-claim="{anchor}">',
                made=True,
            )
        )

    def _open_link(self, index):
        if self.anchors:
            return  # inside one of the body's own links: no link in a link
        href = escape(self.hrefs[index])
        self._push(
            _Frame(
                "link", "a", index, f'<a class="entity-link" href="{href}">', made=True
            )
        )

    def _push(self, frame: _Frame):
        frame.at = len(self.out)
        self.out.append(frame.start_tag)
        self.stack.append(frame)
        if frame.tag == "a":
            self.anchors += frame.kind == "html"

    def _close_top(self) -> _Frame:
        frame = self.stack.pop()
        if frame.kind == "html" and frame.tag == "a":
            self.anchors -= 1
        if frame.made and frame.at == len(self.out) - 1:
            # Nothing went into it: leave it out (and give the id to the
            # claim's next piece).
            self.out.pop()
            if frame.kind == "claim" and " id=" in frame.start_tag:
                self.identified.discard(frame.index)
        else:
            self.out.append(f"</{frame.tag}>")
        return frame

    def _text(self, text):
        if not text:
            return
        innermost = next((f.tag for f in reversed(self.stack) if f.kind == "html"), "")
        if text.strip() or innermost in PHRASING_TAGS:
            self._reopen()
        self.out.append(escape(text, quote=False))


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)

    def handle_endtag(self, tag):
        if tag in BLOCK_TAGS:
            self.parts.append("\n\n")


def html_to_text(html: str) -> str:
    """The readable text of sanitised HTML, paragraphs separated by a blank line."""
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    text = "".join(extractor.parts)
    return "\n\n".join(p.strip() for p in re.split(r"\n\s*\n", text) if p.strip())
