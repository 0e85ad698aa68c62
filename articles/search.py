"""
Full-text search of the live published versions.

PostgreSQL: a stored, weighted tsvector (title A, standfirst B, body C) on
each published version with a GIN index, ranked with ts_rank. SQLite: an FTS5
table ranked with bm25 using the same weights. Both are filled at publish
time; only live versions are ever returned.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection

MAX_QUERY_LENGTH = 200
_HIGHLIGHT_START, _HIGHLIGHT_END = "\ue010", "\ue011"
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Hit:
    version_id: int
    # (text, highlighted) pairs: the template marks the highlighted ones.
    snippet: list[tuple[str, bool]]


def index_version(version) -> None:
    """Add a published version to the search index, replacing older versions."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "UPDATE articles_publishedversion SET search_vector = "
                "setweight(to_tsvector('english', coalesce(title, '')), 'A') || "
                "setweight(to_tsvector('english', coalesce(dek, '')), 'B') || "
                "setweight(to_tsvector('english', coalesce(body_text, '')), 'C') "
                "WHERE id = %s",
                [version.pk],
            )
        elif connection.vendor == "sqlite":
            cursor.execute(
                "DELETE FROM articles_search WHERE article_id = %s",
                [version.article_id],
            )
            cursor.execute(
                "INSERT INTO articles_search "
                "(title, dek, body, version_id, article_id) "
                "VALUES (%s, %s, %s, %s, %s)",
                [
                    version.title,
                    version.dek,
                    version.body_text,
                    version.pk,
                    version.article_id,
                ],
            )


def normalise_query(query: str) -> str:
    return " ".join(query.split())[:MAX_QUERY_LENGTH]


def clean_query(text: str) -> str:
    """The query as typed, spaces collapsed; refused when it is too long."""
    query = " ".join(text.split())
    if len(query) > MAX_QUERY_LENGTH:
        raise ValidationError(
            f"Your search is {len(query):,} characters long; searches are "
            f"limited to {MAX_QUERY_LENGTH}. Use fewer words.",
            code="query_too_long",
        )
    return query


def search(query: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """Live versions matching ``query``, best first, with highlighted snippets."""
    words = _WORD.findall(normalise_query(query))
    if not words:
        return []
    if connection.vendor == "postgresql":
        rows = _search_postgresql(" ".join(words), limit, offset)
    elif connection.vendor == "sqlite":
        rows = _search_sqlite(words, limit, offset)
    else:  # pragma: no cover - only PostgreSQL and SQLite are supported
        raise NotImplementedError(connection.vendor)
    return [Hit(version_id, _highlight(snippet)) for version_id, snippet in rows]


def _search_postgresql(text, limit, offset):
    options = (
        f"StartSel={_HIGHLIGHT_START}, StopSel={_HIGHLIGHT_END}, "
        'MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "'
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pv.id, ts_headline('english', pv.body_text, query, %s) "
            "FROM articles_publishedversion pv "
            "JOIN articles_article a ON a.live_version_id = pv.id, "
            "plainto_tsquery('english', %s) query "
            "WHERE pv.search_vector @@ query "
            "ORDER BY ts_rank(pv.search_vector, query) DESC, pv.published_at DESC "
            "LIMIT %s OFFSET %s",
            [options, text, limit, offset],
        )
        return cursor.fetchall()


def _search_sqlite(words, limit, offset):
    # Each word quoted: FTS5 syntax in a reader's query is taken literally.
    match = " ".join('"' + word.replace('"', "") + '"' for word in words)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.version_id, "
            "snippet(articles_search, 2, %s, %s, ' … ', 30) "
            "FROM articles_search s "
            "JOIN articles_article a ON a.live_version_id = s.version_id "
            "WHERE articles_search MATCH %s "
            "ORDER BY bm25(articles_search, 10.0, 4.0, 1.0), s.version_id DESC "
            "LIMIT %s OFFSET %s",
            [_HIGHLIGHT_START, _HIGHLIGHT_END, match, limit, offset],
        )
        return cursor.fetchall()


def _highlight(snippet: str) -> list[tuple[str, bool]]:
    parts = []
    for i, chunk in enumerate(
        re.split(f"[{_HIGHLIGHT_START}{_HIGHLIGHT_END}]", snippet or "")
    ):
        if chunk:
            parts.append((chunk, i % 2 == 1))
    return parts
