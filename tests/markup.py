"""
Reading the marked text of an article as a browser would: its elements'
balance, each claim's marks piece by piece, its text content.
"""

from html.parser import HTMLParser


class _Balance(HTMLParser):
    VOID = {"br", "hr", "img"}

    def __init__(self):
        super().__init__()
        self.stack = []

    def handle_starttag(self, tag, attrs):
        assert not (tag == "a" and "a" in self.stack), "a link inside a link"
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (self.stack, tag)
        self.stack.pop()


def assert_well_formed(html):
    parser = _Balance()
    parser.feed(html)
    assert parser.stack == []


class _Pieces(HTMLParser):
    """The text of each claim's marks, piece by piece, by the claim's anchor."""

    def __init__(self):
        super().__init__()
        self.open = []  # (anchor, text) of the marks open now
        self.pieces = {}
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "mark":
            self.open.append([attrs["data-claim"], ""])
        elif tag == "span" and (self.hidden or "claim-note" in attrs.get("class", "")):
            self.hidden += 1

    def handle_endtag(self, tag):
        if tag == "mark":
            anchor, text = self.open.pop()
            self.pieces.setdefault(anchor, []).append(text)
        elif tag == "span" and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            for piece in self.open:
                piece[1] += data


def pieces(html) -> dict[str, list[str]]:
    """Each claim's marks (anchor: the text of each piece), notes left out."""
    parser = _Pieces()
    parser.feed(html)
    return parser.pieces


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def text_content(html) -> str:
    """What the DOM's textContent reads: every text node, in order."""
    parser = _Text()
    parser.feed(html)
    return "".join(parser.parts)
