"""
Cross-site scripting payloads for tests/test_xss.py.

Drawn from the OWASP XSS filter-evasion cheat sheet, the mutation-XSS
(mXSS) fixtures that broke well-known sanitisers (DOMPurify, Bleach, the
Google Closure sanitiser), and payloads aimed at one context: an attribute, a
URL, a Markdown body, a JSON-LD block, a <textarea> or a <title>.

Each payload calls ``alert(N)`` (or ``confirm``/``prompt``) with its own
number N, so a dialog names the payload that fired. ``XSSN`` in a template
is replaced by that number.

``raw_html`` renders a payload the way a careless template would (no
escaping, no sanitiser, Markdown with raw HTML on and every link scheme
allowed): the positive control that proves the browser harness sees an XSS
when there is one.
"""

import json
from dataclasses import dataclass

from markdown_it import MarkdownIt

# The context a payload is made for; raw_html puts it there.
HTML = "html"  # element content
ATTR = "attr"  # inside a double-quoted attribute value
ATTR_SINGLE = "attr_single"  # inside a single-quoted attribute value
ATTR_BARE = "attr_bare"  # an unquoted attribute value
URL = "url"  # an href
URL_FIELD = "url_field"  # an href, and a valid http(s) URL for URL fields
MARKDOWN = "markdown"  # an article body
JSONLD = "jsonld"  # a string in a <script type="application/ld+json">
TEXTAREA = "textarea"  # a <textarea> (the admin's forms)
TITLE = "title"  # a <title> (every page's)

_TEMPLATES = [
    # Script elements, OWASP basics and their filter evasions.
    (HTML, "<script>alert(XSSN)</script>"),
    (HTML, "<ScRiPt>alert(XSSN)</sCrIpT>"),
    (HTML, "<script src=data:,alert(XSSN)></script>"),
    (HTML, '<SCRIPT/XSS SRC="data:,alert(XSSN)"></SCRIPT>'),
    (HTML, "<<script>alert(XSSN);//<</script>"),
    (HTML, '<IMG """><SCRIPT>alert(XSSN)</SCRIPT>">'),
    (HTML, "<scr<script>ipt>alert(XSSN)</scr</script>ipt>"),
    (HTML, "<script>\\u0061lert(XSSN)</script>"),
    # Event handlers.
    (HTML, "<img src=x onerror=alert(XSSN)>"),
    (HTML, '<IMG SRC=/ onerror="alert(XSSN)"></img>'),
    (HTML, "<img src=x:alert(alt) onerror=eval(src) alt=XSSN>"),
    (HTML, "<img/src/onerror=alert(XSSN)>"),
    (HTML, "<img src=x onerror=&#97;&#108;&#101;&#114;&#116;&#40;XSSN&#41;>"),
    (HTML, '<img src=x onerror="&#x61;lert(XSSN)">'),
    (HTML, "<img src=x onerror=\\u0061lert(XSSN)>"),
    (HTML, "<img src=x onerror=window['al'+'ert'](XSSN)>"),
    (HTML, "<img src=x onerror=top[/al/.source+/ert/.source](XSSN)>"),
    (HTML, "<img src=x onerror=alert`XSSN`>"),
    (HTML, "<img src=x onerror=confirm(XSSN)>"),
    (HTML, "<body onload=alert(XSSN)>"),
    (HTML, "<body onpageshow=alert(XSSN)>"),
    (HTML, "<details open ontoggle=alert(XSSN)>"),
    (HTML, "<input autofocus onfocus=alert(XSSN)>"),
    (HTML, "<select autofocus onfocus=alert(XSSN)></select>"),
    (HTML, "<textarea autofocus onfocus=prompt(XSSN)></textarea>"),
    (HTML, "<video><source onerror=alert(XSSN)></video>"),
    (HTML, "<audio src=x onerror=alert(XSSN)>"),
    (HTML, "<video src=x onerror=alert(XSSN)></video>"),
    (HTML, "<style onload=alert(XSSN)></style>"),
    (HTML, "<marquee onstart=alert(XSSN)>news</marquee>"),
    (HTML, '<div style="animation-name:x" onanimationstart="alert(XSSN)">'),
    (HTML, '<div onmouseover="alert(XSSN)">hover me</div>'),
    (HTML, "<p onclick=alert(XSSN)>click me</p>"),
    (HTML, "<x-widget onfocusin=alert(XSSN) tabindex=1>custom</x-widget>"),
    (HTML, "<BODY onload!#$%&()*~+-_.,:;?@[/|\\]^`=alert(XSSN)>"),
    (HTML, "<isindex type=image src=1 onerror=alert(XSSN)>"),
    (HTML, '"><script>alert(XSSN)</script>'),
    (HTML, "'><img src=x onerror=alert(XSSN)>"),
    # SVG and MathML.
    (HTML, "<svg onload=alert(XSSN)>"),
    (HTML, "<svg/onload=alert(XSSN)//>"),
    (HTML, "<svg><script>alert(XSSN)</script></svg>"),
    (HTML, "<svg><script href=data:,alert(XSSN) /></svg>"),
    (HTML, "<svg><animate onbegin=alert(XSSN) attributeName=x dur=1s></svg>"),
    (
        HTML,
        '<svg><a xlink:href="javascript:alert(XSSN)"><text y="20">svg</text></a></svg>',
    ),
    (
        HTML,
        '<math><maction actiontype="statusline" xlink:href="javascript:alert(XSSN)">'
        "m</maction></math>",
    ),
    # Links, frames and forms with script URLs.
    (HTML, '<a href="javascript:alert(XSSN)">plain</a>'),
    (
        HTML,
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;'
        '&#58;alert(XSSN)">entities</a>',
    ),
    (HTML, '<a href="jav&#x09;ascript:alert(XSSN)">tab</a>'),
    (HTML, '<a href=" &#14;  javascript:alert(XSSN)">control</a>'),
    (HTML, '<iframe src="javascript:alert(XSSN)"></iframe>'),
    (HTML, '<iframe srcdoc="<script>parent.alert(XSSN)</script>"></iframe>'),
    (HTML, '<iframe src="data:text/html,<script>alert(XSSN)</script>"></iframe>'),
    (HTML, '<object data="javascript:alert(XSSN)"></object>'),
    (HTML, '<embed src="data:text/html,<script>alert(XSSN)</script>">'),
    (HTML, '<form action="javascript:alert(XSSN)"><input type=submit></form>'),
    (HTML, "<form><button formaction=javascript:alert(XSSN)>go</button></form>"),
    (
        HTML,
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">b</a>',
    ),
    (HTML, '<meta http-equiv="refresh" content="0;url=javascript:alert(XSSN)">'),
    (HTML, "<div style=\"background:url('javascript:alert(XSSN)')\">css</div>"),
    # Broken markup, comments and raw-text elements: mutation XSS.
    (HTML, '<!--<img src="--><img src=x onerror=alert(XSSN)//">'),
    (HTML, "<![CDATA[<]]><img src=x onerror=alert(XSSN)//>"),
    (HTML, '<noscript><p title="</noscript><img src=x onerror=alert(XSSN)>">'),
    (HTML, '<svg></p><style><a id="</style><img src=1 onerror=alert(XSSN)>">'),
    (
        HTML,
        '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;'
        '&lt;img src=1 onerror=alert(XSSN)&gt;">',
    ),
    (
        HTML,
        "<form><math><mtext></form><form><mglyph><style></math>"
        "<img src onerror=alert(XSSN)>",
    ),
    (HTML, '<svg><p><style><g title="</style><img src=x onerror=alert(XSSN)>">'),
    (HTML, '<xmp><p title="</xmp><img src=x onerror=alert(XSSN)>">'),
    (HTML, '<title><a title="</title><img src=x onerror=alert(XSSN)>">'),
    (HTML, "<iframe><textarea></iframe><img src=x onerror=alert(XSSN)>"),
    (HTML, "<svg><style><img src=x onerror=alert(XSSN)></style></svg>"),
    # Attribute contexts.
    (ATTR, '" onfocus="alert(XSSN)" autofocus="'),
    (ATTR, '" onmouseover="alert(XSSN)'),
    (ATTR, '"><svg onload=alert(XSSN)>'),
    (ATTR, '" style="animation-name:x" onanimationstart="alert(XSSN)'),
    (ATTR_SINGLE, "' onfocus='alert(XSSN)' autofocus='"),
    (ATTR_BARE, "x onmouseover=alert(XSSN)"),
    # URLs: script schemes, and http(s) URLs that break out of an attribute.
    (URL, "javascript:alert(XSSN)"),
    (URL, "JaVaScRiPt:alert(XSSN)"),
    (URL, "javascript://example.org/%0Aalert(XSSN)"),
    (URL, "  javascript:alert(XSSN)"),
    (URL, "java\tscript:alert(XSSN)"),
    (URL, "javascript&colon;alert(XSSN)"),
    (URL, "data:text/html,<script>alert(XSSN)</script>"),
    (URL, "vbscript:msgbox(XSSN)"),
    (URL_FIELD, 'https://example.org/"onmouseover="alert(XSSN)'),
    (URL_FIELD, 'https://example.org/?q="><script>alert(XSSN)</script>'),
    (URL_FIELD, 'http://example.org/"><img/src/onerror=alert(XSSN)>'),
    (URL_FIELD, "https://example.org/'onfocus='alert(XSSN)'autofocus='"),
    # Markdown link and image tricks.
    (MARKDOWN, "[click](javascript:alert(XSSN))"),
    (MARKDOWN, "[click](JaVaScRiPt:alert(XSSN))"),
    (MARKDOWN, "[click](javascript&#58;alert(XSSN))"),
    (MARKDOWN, "[click](<javascript:alert(XSSN)>)"),
    (MARKDOWN, "<javascript:alert(XSSN)>"),
    (MARKDOWN, "[![image](x)](javascript:alert(XSSN))"),
    (MARKDOWN, "[ref link][rXSSN]\n\n[rXSSN]: javascript:alert(XSSN)"),
    (MARKDOWN, '![x](x"onerror="alert(XSSN))'),
    (MARKDOWN, '[t](https://example.org "title\\" onmouseover=\\"alert(XSSN)")'),
    (MARKDOWN, "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
    (
        MARKDOWN,
        "`<script>alert(XSSN)</script>` and **<img src=x onerror=alert(XSSN)>**",
    ),
    # JSON-LD break-outs.
    (JSONLD, "</script><script>alert(XSSN)</script>"),
    (JSONLD, "</SCRIPT ><img src=x onerror=alert(XSSN)>"),
    (JSONLD, "\u2028</script><svg onload=alert(XSSN)>"),
    (JSONLD, "<!--<script></script><img src=x onerror=alert(XSSN)>"),
    # Raw-text and escapable raw-text elements.
    (TEXTAREA, "</textarea><img src=x onerror=alert(XSSN)>"),
    (TITLE, "</title><script>alert(XSSN)</script>"),
]


@dataclass(frozen=True)
class Payload:
    number: int
    context: str
    text: str

    def __str__(self):
        return self.text


PAYLOADS = [
    Payload(n, context, template.replace("XSSN", str(n)))
    for n, (context, template) in enumerate(_TEMPLATES, start=1)
]
URL_FIELD_PAYLOADS = [p for p in PAYLOADS if p.context == URL_FIELD]

# Script and data URLs that URL fields must refuse.
BAD_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "javascript://example.org/%0Aalert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "ftp://example.org/x",
    "//example.org/no-scheme",
    "https://",
]


def bundles(limit: int) -> list[str]:
    """The payloads joined by spaces into texts of at most ``limit`` characters."""
    out, current = [], ""
    for payload in PAYLOADS:
        text = payload.text
        if len(text) > limit:
            raise ValueError(f"payload {payload.number} is longer than {limit}")
        if current and len(current) + 1 + len(text) > limit:
            out.append(current)
            current = ""
        current = f"{current} {text}" if current else text
    if current:
        out.append(current)
    return out


# The positive control -----------------------------------------------------------

_unsafe_markdown = MarkdownIt("commonmark", {"html": True})
_unsafe_markdown.validateLink = lambda url: True


def raw_html(payload: Payload) -> str:
    """The payload where it was made to go, with no escaping and no sanitiser."""
    text = payload.text
    return {
        HTML: lambda: text,
        ATTR: lambda: f'<input value="{text}">',
        ATTR_SINGLE: lambda: f"<input value='{text}'>",
        ATTR_BARE: lambda: f"<input value={text}>",
        URL: lambda: f'<a href="{text}">link</a>',
        URL_FIELD: lambda: f'<a href="{text}">link</a>',
        MARKDOWN: lambda: _unsafe_markdown.render(text),
        JSONLD: lambda: (
            '<script type="application/ld+json">'
            + json.dumps({"headline": text}, ensure_ascii=False)
            + "</script>"
        ),
        TEXTAREA: lambda: f"<textarea>{text}</textarea>",
        TITLE: lambda: f"<title>{text}</title>",
    }[payload.context]()


def control_page() -> str:
    """Every payload rendered raw, each in its own box."""
    cases = "\n".join(
        f'<div class="case" id="case-{p.number}">{raw_html(p)}</div>' for p in PAYLOADS
    )
    return (
        "<!doctype html><html><head><meta charset=utf-8><title>control</title>"
        f"</head><body>\n{cases}\n</body></html>"
    )
