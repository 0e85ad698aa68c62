"""
Rendering article bodies: Markdown to sanitised HTML, with claims marked.

Markdown is rendered with raw HTML off, and the result is sanitised with an
allowlist (nh3). Claims are marked by placing private-use sentinel characters
at their offsets in the Markdown source, rendering, sanitising, and then
turning each run of text between sentinels into a <mark>. A claim that
crosses an element boundary (two paragraphs, an emphasis) becomes several
<mark> elements, so the HTML stays well formed.
"""

import re
from html import escape
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

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

START, END = "\ue000", "\ue001"
LINK_START, LINK_END = "\ue002", "\ue003"
ID_BASE = 0xE100
MAX_MARKED_CLAIMS = 0xEFFF - ID_BASE
_SENTINELS = re.compile("[\ue000-\uefff]")
# Markdown block syntax at the start of a line that a sentinel must not break.
_BLOCK_PREFIX = re.compile(
    r"[ ]{0,3}(?:#{1,6}[ \t]+|[-*+][ \t]+|\d{1,9}[.)][ \t]+|>[ \t]?)*"
)

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


def markdown_to_html(text: str) -> str:
    """Render Markdown to sanitised HTML."""
    return sanitise(_markdown.render(text))


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


def render_body(body: str, claims=(), links=()) -> str:
    """
    Render ``body`` with ``claims`` marked and ``links`` linked.

    ``claims`` is a sequence of mappings with ``start``, ``end``, ``rating``,
    ``rating_label`` and ``anchor_id`` (the id of the fact-check panel);
    ``links`` of mappings with ``start``, ``end`` and ``href`` (a site path).
    """
    body = _SENTINELS.sub("\ufffd", body)
    claims = [c for c in claims if 0 <= c["start"] < c["end"] <= len(body)]
    claims = claims[:MAX_MARKED_CLAIMS]
    links = [ln for ln in links if 0 <= ln["start"] < ln["end"] <= len(body)]
    links = links[: MAX_MARKED_CLAIMS - len(claims)]
    inserts = []
    for index, claim in enumerate(claims):
        code = chr(ID_BASE + index)
        start = min(_block_safe(body, claim["start"]), claim["end"])
        # Ends sort before starts at the same place so marks do not touch;
        # among starts, the longer claim opens first (it is the outer one).
        inserts.append((start, 1, -claim["end"], START + code))
        inserts.append((claim["end"], 0, -claim["start"], END + code))
    for index, link in enumerate(links):
        code = chr(ID_BASE + len(claims) + index)
        start = min(_block_safe(body, link["start"]), link["end"])
        inserts.append((start, 2, 0, LINK_START + code))
        inserts.append((link["end"], -1, 0, LINK_END + code))
    inserts.sort(key=lambda item: (item[0], item[1], item[2]))
    pieces, cursor = [], 0
    for position, _order, _length, marker in inserts:
        pieces.append(body[cursor:position])
        pieces.append(marker)
        cursor = position
    pieces.append(body[cursor:])
    html = markdown_to_html("".join(pieces))
    marker = _ClaimMarker(claims, links)
    marker.feed(html)
    marker.close()
    return _SENTINELS.sub("", "".join(marker.out))


class _ClaimMarker(HTMLParser):
    def __init__(self, claims, links):
        super().__init__(convert_charrefs=True)
        self.claims = claims
        self.links = links
        self.active = []
        self.link = None
        self.anchor_depth = 0
        self.opened = set()
        self.out = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.anchor_depth += 1
        self.out.append(self.get_starttag_text())

    def handle_startendtag(self, tag, attrs):
        self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        if tag == "a":
            self.anchor_depth = max(0, self.anchor_depth - 1)
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        text = []
        i = 0
        while i < len(data):
            char = data[i]
            if char in (LINK_START, LINK_END) and i + 1 < len(data):
                self._flush(text)
                text = []
                index = ord(data[i + 1]) - ID_BASE - len(self.claims)
                if 0 <= index < len(self.links):
                    self.link = index if char == LINK_START else None
                i += 2
                continue
            if char in (START, END) and i + 1 < len(data):
                self._flush(text)
                text = []
                index = ord(data[i + 1]) - ID_BASE
                if 0 <= index < len(self.claims):
                    if char == START:
                        self.active.append(index)
                    elif index in self.active:
                        self.active.remove(index)
                        self._label(index)
                i += 2
                continue
            text.append(char)
            i += 1
        self._flush(text)

    def _flush(self, chars):
        if not chars:
            return
        text = escape("".join(chars), quote=False)
        if self.link is not None and not self.anchor_depth:
            href = escape(self.links[self.link]["href"])
            text = f'<a class="entity-link" href="{href}">{text}</a>'
        if not self.active:
            self.out.append(text)
            return
        index = self.active[-1]
        claim = self.claims[index]
        attrs = f'class="claim claim--{escape(claim["rating"])}"'
        if index not in self.opened:
            self.opened.add(index)
            attrs += f' id="{escape(claim["anchor_id"])}-text"'
        self.out.append(f"<mark {attrs}>{text}</mark>")

    def _label(self, index):
        if self.anchor_depth:
            return
        claim = self.claims[index]
        self.out.append(
            f'<a class="claim-label claim-label--{escape(claim["rating"])}" '
            f'href="#{escape(claim["anchor_id"])}">'
            f"{escape(claim['rating_label'])}</a>"
        )


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
