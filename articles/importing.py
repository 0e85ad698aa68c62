"""
Importing articles from files: plain text, Markdown and JSON documents.

``import_file(path)`` reads one file, works out its format, and writes it as a
new draft in one transaction: either all of it is written or nothing, and a
file that cannot be imported raises ``DocumentError`` with the reason (the
caller adds the file name).

Plain text: paragraphs separated by blank lines; the lines of a paragraph are
joined, so hard-wrapped wire copy becomes flowing paragraphs. Markdown: the
body is kept as written. Both take their title from the ``title`` argument,
or from a first line ``Title: ...`` (with optional ``Dek:``, ``Byline:`` and
``Slug:`` lines after it), or from a first-level heading (``# Heading``)
at the top; without one the file is refused. JSON files are interchange
documents (``articles.interchange``).

Files must be UTF-8, with or without a byte order mark; binary, empty and
undecodable files are refused with the reason.

A JSON document may come with its images' files beside it: in a folder
(``import_article DIR`` reads ``DIR/article.json``; a document's relative
``url`` is read from its own folder, never outside it), or in a zip
(``import_article FILE.zip``), as ``export_article --output DIR/`` and
``--zip`` write them.
"""

import codecs
import json
import logging
import re
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import reversion
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from . import editing
from .interchange import (
    SLUG_RE,
    DocumentError,
    ImportResult,
    check_fields,
    import_document,
)
from .models import Article

logger = logging.getLogger(__name__)

FORMATS = ("text", "markdown", "json")
SUFFIXES = {
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".mdown": "markdown",
    ".json": "json",
}
MAX_BYTES = 20 * 1024 * 1024
# The document in a folder or a zip written by export_article.
DOCUMENT_NAME = "article.json"

_HEADER = re.compile(r"(title|dek|standfirst|byline|slug)[ \t]*:[ \t]*(.*)", re.I)
_ATX_H1 = re.compile(r"#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*")
_SETEXT_H1 = re.compile(r"=+[ \t]*")
_BLANK_LINES = re.compile(r"\n[ \t]*\n(?:[ \t]*\n)*")


@dataclass
class TextArticle:
    """An article read from a text or Markdown file."""

    title: str
    body: str
    dek: str = ""
    byline: str = ""
    slug: str = ""


def read_file(path: Path) -> str:
    """The text of ``path``; DocumentError says why it cannot be read."""
    try:
        if path.is_dir():
            raise DocumentError("is a directory, not a file")
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentError(
                f"is too large ({size:,} bytes; the limit is {MAX_BYTES:,} "
                f"bytes, {MAX_BYTES // 2**20} MB)"
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except PermissionError:
        raise DocumentError("cannot be read: permission denied") from None
    except OSError as exc:
        raise DocumentError(f"cannot be read: {exc.strerror or exc}") from None
    return decode(data)


def decode(data: bytes) -> str:
    """UTF-8 text from ``data``, with or without a byte order mark."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise DocumentError("is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise DocumentError("is a binary file (it contains NUL bytes), not text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # utf-8-sig counts from after the byte order mark.
        offset = exc.start + (3 if data.startswith(codecs.BOM_UTF8) else 0)
        raise DocumentError(
            f"is not UTF-8 text (byte 0x{data[offset]:02x} at offset {offset}); "
            "save it as UTF-8"
        ) from None
    if not text.strip():
        raise DocumentError("is empty")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def detect_format(path: Path, text: str) -> str:
    """The format of a file, from its name, else from its first character."""
    known = SUFFIXES.get(path.suffix.lower())
    if known:
        return known
    return "json" if text.lstrip().startswith("{") else "text"


def parse_text(text: str, *, markdown: bool, title: str | None = None) -> TextArticle:
    """Split a text or Markdown file into title, header fields and body."""
    lines = text.strip("\n").split("\n")
    i, headers = 0, {}
    while i < len(lines) and (match := _HEADER.fullmatch(lines[i].strip())):
        key = match[1].lower()
        headers["dek" if key == "standfirst" else key] = match[2].strip()
        i += 1
    while i < len(lines) and not lines[i].strip():
        i += 1
    heading = None
    if i < len(lines) and (match := _ATX_H1.fullmatch(lines[i].strip())):
        heading, i = match[1].strip(), i + 1
    elif (
        markdown
        and i + 1 < len(lines)
        and lines[i].strip()
        and _SETEXT_H1.fullmatch(lines[i + 1].strip())
    ):
        heading, i = lines[i].strip(), i + 2
    title = (title or headers.get("title") or heading or "").strip()
    if not title:
        raise DocumentError(
            "has no title: pass --title, or start the file with a line "
            "'Title: ...' or a heading '# ...'"
        )
    rest = "\n".join(lines[i:]).strip("\n")
    if markdown:
        body = rest
    else:
        paragraphs = (
            " ".join(line.strip() for line in block.split("\n") if line.strip())
            for block in _BLANK_LINES.split(rest)
        )
        body = "\n\n".join(p for p in paragraphs if p)
    if not body.strip():
        raise DocumentError("has a title but no text")
    return TextArticle(
        title=title,
        body=body,
        dek=headers.get("dek", ""),
        byline=headers.get("byline", ""),
        slug=headers.get("slug", ""),
    )


def import_text(
    parsed: TextArticle,
    *,
    slug: str | None = None,
    author=None,
    user,
    dry_run: bool = False,
    source_name: str = "a text file",
) -> ImportResult:
    """Write ``parsed`` as a new draft, with its entity mentions linked."""
    if not user.has_perm("articles.add_article"):
        raise PermissionDenied(f"{user} may not add articles.")
    slug = slug or parsed.slug or slugify(parsed.title)[:200].strip("-")
    if not slug:
        raise DocumentError("no slug can be made from the title: pass --slug")
    if not SLUG_RE.match(slug):
        raise DocumentError(
            f"{slug!r} is not a slug (letters, digits, hyphens and underscores)"
        )
    byline = parsed.byline
    if not byline and author is not None:
        byline = f"By {author.get_full_name() or author.get_username()}"
    article = Article(
        title=parsed.title,
        slug=slug,
        dek=parsed.dek,
        body=parsed.body,
        byline=byline,
        status=Article.Status.DRAFT,
    )
    check_fields(article)
    with transaction.atomic():
        with reversion.create_revision():
            # The revision takes the article at save and again when its
            # authors are set: it has no claims yet to follow.
            try:
                article.save()
            except IntegrityError as exc:
                # Another import took the slug first; anything else is odd.
                reason = (
                    f"the slug {slug!r} is already taken by an article"
                    if "slug" in str(exc).lower()
                    else f"the database refused it: {exc}"
                )
                raise DocumentError(reason) from None
            if author is not None:
                article.authors.set([author])
            editing.refresh_mentions(article)
            reversion.set_user(user)
            reversion.set_comment(f"Imported from {source_name}")
        result = ImportResult(
            article=article,
            mentions=article.mentions.filter(suppressed=False).count(),
            dry_run=dry_run,
        )
        if dry_run:
            transaction.set_rollback(True)
    logger.info(
        "Article %s imported from %s%s",
        article.pk,
        source_name,
        " [dry run]" if dry_run else "",
    )
    return result


def _files_beside(folder: Path):
    """A reader of the files in ``folder`` (and below it only), size-checked."""
    root = folder.resolve()

    def read(relative: str) -> bytes:
        target = (root / relative).resolve()
        if not target.is_relative_to(root) or target == root:
            raise ValueError("it is not a file inside the document's folder")
        size = target.stat().st_size
        if size > settings.NEWSROOM_UPLOAD_MAX_BYTES:
            raise ValueError(f"it is {size:,} bytes, over NEWSROOM_UPLOAD_MAX_BYTES")
        return target.read_bytes()

    return read


def _files_in_zip(archive: zipfile.ZipFile):
    """A reader of the files in a zip, each checked by its declared size."""

    def read(relative: str) -> bytes:
        info = archive.getinfo(relative)  # KeyError when it is not there
        if info.file_size > settings.NEWSROOM_UPLOAD_MAX_BYTES:
            raise ValueError(
                f"it is {info.file_size:,} bytes, over NEWSROOM_UPLOAD_MAX_BYTES"
            )
        return archive.read(info)

    return read


def _zip_document(path: Path) -> tuple[str, zipfile.ZipFile]:
    """The document of a zip made by ``export_article --zip``, and the zip."""
    try:
        archive = zipfile.ZipFile(path)
        info = archive.getinfo(DOCUMENT_NAME)
    except FileNotFoundError:
        raise DocumentError("no such file") from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise DocumentError(f"is not a zip file that can be read ({exc})") from None
    except KeyError:
        raise DocumentError(f"holds no {DOCUMENT_NAME}") from None
    if info.file_size > MAX_BYTES:
        raise DocumentError(f"its {DOCUMENT_NAME} is over {MAX_BYTES:,} bytes")
    return decode(archive.read(info)), archive


def import_file(
    path: Path | str,
    *,
    format: str = "auto",
    title: str | None = None,
    slug: str | None = None,
    author=None,
    user,
    update: bool = False,
    dry_run: bool = False,
) -> ImportResult:
    """Import one file as a draft article (or, JSON only, as an update)."""
    path = Path(path)
    files = None
    if path.is_dir() and (path / DOCUMENT_NAME).is_file():
        path = path / DOCUMENT_NAME
    if path.suffix.lower() == ".zip":
        text, archive = _zip_document(path)
        files = _files_in_zip(archive)
        format = "json"
    else:
        text = read_file(path)
        files = _files_beside(path.parent)
    if format == "auto":
        format = detect_format(path, text)
    if format not in FORMATS:
        raise DocumentError(f"unknown format {format!r}")
    source_name = path.name
    if format == "json":
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DocumentError(
                f"is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
            ) from None
        except RecursionError:
            raise DocumentError("is not valid JSON: it is nested too deeply") from None
        except ValueError:
            # Python refuses to read integers of more than 4,300 digits.
            raise DocumentError(
                "holds a number with too many digits (more than "
                f"{sys.get_int_max_str_digits():,})"
            ) from None
        return import_document(
            doc,
            user=user,
            authors=[author] if author is not None else None,
            slug=slug,
            title=title,
            update=update,
            dry_run=dry_run,
            source_name=source_name,
            read_file=files,
        )
    if update:
        raise DocumentError(
            "only a JSON document can update an existing article; this file is "
            f"{format}"
        )
    parsed = parse_text(text, markdown=format == "markdown", title=title)
    return import_text(
        parsed,
        slug=slug,
        author=author,
        user=user,
        dry_run=dry_run,
        source_name=source_name,
    )
