"""
Caching of public pages, never stale.

Every public response is cached under a key that holds the site's public
generation (articles.PublicState), read from the database on each request
(one small query). Anything readers can see that changes (a publish, an
unpublish, an entity or source edit) bumps the generation in the same
transaction, so every worker on every host serves the new content on its very
next request, with a per-process local-memory cache as well as with Redis.

The generation is also the ETag, so a conditional request is answered 304
without rendering. With Redis, each process also keeps the pages it read in
the "pages" local-memory cache: a key never names two different pages, so
that copy is never stale either, and a hot page costs no round trip.
"""

import functools
import hashlib
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache, caches
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags

from .models import PublicState

logger = logging.getLogger(__name__)

# Browsers revalidate every time (cheap: 304); a CDN may hold a page briefly
# and serve it stale while it revalidates.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=30, stale-while-revalidate=60"
PRIVATE_CACHE_CONTROL = "private, no-store"
CACHE_TIMEOUT = 60 * 60
NEVER_CACHED = ("/admin/", "/static/", "/preview/", "/healthz")
_cache_failed = False


def _code_version() -> str:
    """
    A fingerprint of the code, the templates and the stylesheets and scripts,
    so a deploy never serves old HTML (or HTML naming old static files).
    """
    digest = hashlib.sha256()
    for folder in ("articles", "entities", "newsroom", "templates", "static"):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if (
                path.suffix in {".py", ".html", ".css", ".js"}
                and "migrations" not in path.parts
            ):
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()
_STATE_SQL = "SELECT generation, changed_at FROM articles_publicstate WHERE id = 1"


def bump_generation() -> None:
    """Record that something readers can see has changed."""
    updated = PublicState.objects.filter(pk=1).update(
        generation=F("generation") + 1, changed_at=timezone.now()
    )
    if not updated:
        PublicState.objects.get_or_create(pk=1, defaults={"generation": 2})


def current_state() -> tuple[int, str]:
    """The public generation and when it changed (as the database spells it)."""
    # This query is also the request's connection health check
    # (CONN_HEALTH_CHECKS): a persistent connection the server dropped fails
    # here and is replaced, instead of every request paying a "SELECT 1"
    # round trip of its own first.
    probe = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if probe:
        connection.health_check_done = True
    try:
        row = _read_state()
    except (InterfaceError, OperationalError):
        if not probe:
            raise
        connection.close()
        row = _read_state()
    return (row[0], str(row[1])) if row else (0, "")


def _read_state():
    # Raw SQL: this runs on every public request, and the ORM's query
    # compilation would cost more than the query itself.
    with connection.cursor() as cursor:
        cursor.execute(_STATE_SQL)
        return cursor.fetchone()


def _cache_call(method, *args):
    """Use the cache, but keep serving (uncached) if it is down."""
    global _cache_failed
    try:
        result = getattr(cache, method)(*args)
    except Exception:  # any backend error: Redis down, timeouts, ...
        if not _cache_failed:
            logger.exception("The cache is unavailable; serving without it")
        _cache_failed = True
        return None
    if _cache_failed:
        logger.warning("The cache is available again")
        _cache_failed = False
    return result


def _local_pages():
    """The process's own copy of shared pages, when the cache is shared."""
    return caches["pages"] if "pages" in settings.CACHES else None


def _get_page(key: str):
    local = _local_pages()
    page = local.get(key) if local is not None else None
    if page is None:
        page = _cache_call("get", key)
        if page is not None and local is not None:
            local.set(key, page, CACHE_TIMEOUT)
    return page


def _set_page(key: str, page) -> None:
    _cache_call("set", key, page, CACHE_TIMEOUT)
    local = _local_pages()
    if local is not None:
        local.set(key, page, CACHE_TIMEOUT)


def _is_anonymous(request) -> bool:
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and _is_anonymous(request)
        and not request.path_info.startswith(NEVER_CACHED)
    )


@dataclass(frozen=True)
class _Lookup:
    etag: str
    changed_at: str
    key: str


def _lookup(request) -> _Lookup:
    """Where this request's page lives in the cache, for the current state."""
    lookup = getattr(request, "_public_page", None)
    if lookup is None:
        generation, changed_at = current_state()
        stamp = hashlib.sha256(changed_at.encode()).hexdigest()[:8]
        etag = f'"{CODE_VERSION}-{generation}-{stamp}"'
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        lookup = _Lookup(etag, changed_at, f"page:{etag}:{path}")
        request._public_page = lookup
    return lookup


def _cached_response(request, lookup: _Lookup):
    """A 304 or the cached page for ``request``, or None."""
    if lookup.etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponseNotModified()
        _validators(response, lookup.etag, lookup.changed_at)
        return response
    if not settings.NEWSROOM_PAGE_CACHE:
        return None
    cached = _get_page(lookup.key)
    if cached is None:
        return None
    status, content_type, content = cached
    response = HttpResponse(content, status=status, content_type=content_type)
    _validators(response, lookup.etag, lookup.changed_at)
    return response


class PublicPageCacheMiddleware:
    """
    Serve cached public pages before the rest of the middleware runs.

    Placed right after the security, static-file, CSP and frame-options
    middleware: a hit skips sessions, CSRF, authentication and messages,
    which anonymous readers of a cached page do not need. A miss goes on to
    the view, whose ``public_page`` decorator stores what it renders.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _cacheable(request):
            try:
                response = _cached_response(request, _lookup(request))
            except DatabaseError:
                response = None  # the view answers (with a 503 if need be)
            else:
                request._public_page_checked = True
            if response is not None:
                return response
        return self.get_response(request)


def public_page(view):
    """Cache a public view's successful responses; answer 304 when unchanged."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable(request):
            response = view(request, *args, **kwargs)
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            return response
        lookup = _lookup(request)
        response = None
        if not hasattr(request, "_public_page_checked"):
            response = _cached_response(request, lookup)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200:
                _validators(response, lookup.etag, lookup.changed_at)
                if settings.NEWSROOM_PAGE_CACHE and not response.cookies:
                    _set_page(
                        lookup.key, (200, response["Content-Type"], response.content)
                    )
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        return response

    return wrapped


def _validators(response, etag, changed_at):
    response["ETag"] = etag
    modified = parse_datetime(changed_at.replace(" ", "T")) if changed_at else None
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
