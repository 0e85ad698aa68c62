"""
What a capture keeps of a page: the WARC record of the response, the page's
title, and its main text (what drift is measured on: a changed advert, a
clock or a "last updated" time is not a changed source).
"""

import hashlib
import io
import json
import logging
import re
import subprocess  # nosec B404
import sys
from html.parser import HTMLParser
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

logger = logging.getLogger(__name__)
# Run with limits, without a shell (the one use of subprocess here).
PDFTEXT = Path(__file__).with_name("pdftext.py")

# Elements whose text is never the page's main text.
SKIPPED = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "iframe",
    "svg",
    "time",
    "button",
    "select",
}
# Class or id words that mark adverts, promotions and clocks.
NOISE = re.compile(
    r"(^|[\s_-])(ad|ads|advert|advertisement|sponsor|sponsored|promo|banner|"
    r"cookie|timestamp|dateline|updated|clock|share|related)([\s_-]|$)",
    re.IGNORECASE,
)
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "param",
    "source",
    "track",
    "wbr",
}
BLOCK = {"p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "br", "section"}


class _TextParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []  # (tag, skipping from here)
        self.skip = 0
        self.parts: list[str] = []
        self.main_parts: list[str] | None = None
        self.in_main = 0
        self.title: list[str] = []
        self.in_title = False
        self.og_title = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and (attrs.get("property") or "") == "og:title":
            self.og_title = (attrs.get("content") or "").strip()
        if tag == "title":
            self.in_title = True
        if tag in VOID:
            if tag == "br" and not self.skip:
                self._add("\n")
            return
        noisy = tag in SKIPPED or bool(
            NOISE.search(" ".join(filter(None, (attrs.get("class"), attrs.get("id")))))
        )
        self.stack.append((tag, noisy))
        if noisy:
            self.skip += 1
        if tag in ("main", "article") and not self.skip:
            if self.main_parts is None:
                self.main_parts = []
            self.in_main += 1
        if tag in BLOCK:
            self._add("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        # Close up to the matching tag (HTML in the wild leaves tags open).
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                for closed, noisy in self.stack[i:]:
                    if noisy:
                        self.skip -= 1
                    if closed in ("main", "article") and self.in_main:
                        self.in_main -= 1
                del self.stack[i:]
                break
        if tag in BLOCK:
            self._add("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
            return
        if not self.skip:
            self._add(data)

    def _add(self, text):
        self.parts.append(text)
        if self.in_main and self.main_parts is not None:
            self.main_parts.append(text)


def _normalise(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def decode(body: bytes, content_type: str) -> str:
    """``body`` as text, in the charset its content type names (else UTF-8)."""
    match = re.search(r"charset=([\w.:-]+)", content_type or "", re.IGNORECASE)
    charset = match.group(1) if match else "utf-8"
    try:
        return body.decode(charset, "replace")
    except LookupError:
        return body.decode("utf-8", "replace")


def is_html(content_type: str) -> bool:
    kind = (content_type or "").split(";")[0].strip().lower()
    return kind in ("text/html", "application/xhtml+xml")


def extract(body: bytes, content_type: str) -> tuple[str, str]:
    """The title and the main text of a page or a PDF (other files: no text)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    if is_html(kind):
        parser = _TextParser()
        parser.feed(decode(body, content_type))
        parser.close()
        title = " ".join("".join(parser.title).split()) or parser.og_title
        parts = parser.main_parts if parser.main_parts else parser.parts
        return title[:300], _normalise("".join(parts))
    if kind.startswith("text/"):
        return "", _normalise(decode(body, content_type))
    if kind == "application/pdf" or body[:5] == b"%PDF-":
        return pdf_text(body)
    return "", ""


def pdf_text(body: bytes) -> tuple[str, str]:
    """
    The title and the text of a PDF's pages, so that a new /ModDate or other
    metadata is not drift: the first NEWSROOM_PDF_MAX_PAGES pages and
    NEWSROOM_PDF_MAX_CHARS characters, read by a process of its own
    (sources/pdftext.py) with NEWSROOM_PDF_SECONDS of CPU and wall time and
    NEWSROOM_PDF_MAX_MEMORY bytes of memory. A file that needs more, or that
    pypdf cannot read, has no text (its bytes are hashed instead).
    """
    from django.conf import settings

    seconds = max(1, int(settings.NEWSROOM_PDF_SECONDS))
    command = [
        sys.executable,
        "-I",  # no environment, no user site, no current folder on the path
        str(PDFTEXT),
        str(settings.NEWSROOM_PDF_MAX_PAGES),
        str(settings.NEWSROOM_PDF_MAX_CHARS),
        str(seconds),
        str(settings.NEWSROOM_PDF_MAX_MEMORY),
    ]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, no shell
            command, input=body, capture_output=True, timeout=seconds + 1, check=False
        )
    except (subprocess.TimeoutExpired, OSError):
        logger.warning(
            "A PDF's text was not read within %s s: its bytes are hashed", seconds
        )
        return "", ""
    if done.returncode != 0:
        logger.info("A PDF's text could not be read (exit %s)", done.returncode)
        return "", ""
    try:
        found = json.loads(done.stdout)
    except ValueError:
        return "", ""
    title = " ".join(str(found.get("title", "")).split())[:300]
    return title, _normalise(str(found.get("text", "")))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def text_sha256(body: bytes, text: str) -> str:
    """The hash drift is measured on: the main text, or the bytes if none."""
    return sha256(text.encode()) if text else sha256(body)


def warc_response(
    *, url: str, status: int, headers: list[tuple[str, str]], body: bytes, ip=""
) -> bytes:
    """One gzipped WARC file holding the response as it came."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    reason = "OK" if status == 200 else "-"
    # Bodies are stored as received (identity encoding was asked for); the
    # length is the stored one, so framing headers are not replayed.
    kept = [
        (k, v)
        for k, v in headers
        if k.lower() not in ("transfer-encoding", "content-length", "content-encoding")
    ]
    http_headers = StatusAndHeaders(f"{status} {reason}", kept, protocol="HTTP/1.1")
    warc_headers = {"WARC-IP-Address": ip} if ip else None
    record = writer.create_warc_record(
        url,
        "response",
        payload=io.BytesIO(body),
        length=len(body),
        http_headers=http_headers,
        warc_headers_dict=warc_headers,
    )
    writer.write_record(record)
    return out.getvalue()


def warc_resource(*, url: str, content_type: str, body: bytes) -> bytes:
    """One gzipped WARC file holding a file the newsroom was given (no HTTP)."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    record = writer.create_warc_record(
        url,
        "resource",
        payload=io.BytesIO(body),
        length=len(body),
        warc_content_type=content_type or "application/octet-stream",
    )
    writer.write_record(record)
    return out.getvalue()


def read_body(stream) -> tuple[bytes, str]:
    """The body and content type of the first response or resource in a WARC."""
    for record in ArchiveIterator(stream):
        if record.rec_type == "response":
            content_type = record.http_headers.get_header("Content-Type") or ""
            return record.content_stream().read(), content_type
        if record.rec_type == "resource":
            content_type = record.rec_headers.get_header("Content-Type") or ""
            return record.content_stream().read(), content_type
    return b"", ""
