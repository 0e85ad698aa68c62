"""
Caching of public pages, never stale.

Every public response is cached under a key that holds the site's public
generation (articles.PublicState). Anything readers can see that changes (a
publish, an unpublish, an entity or source edit) bumps the generation in the
same transaction and notifies every process; each keeps the generation
current without a query per request, so every worker on every host serves
the new content within articles.freshness.BOUND_SECONDS (0.5 s; within
milliseconds normally), with a per-process local-memory cache as well as
with Redis (on SQLite without Redis the listener polls). Without a listener
(turned off, or an in-memory SQLite database) each request reads it.

The generation is also the ETag, so a conditional request is answered 304
without rendering. With Redis, each process also keeps the pages it read in
the "pages" local-memory cache: a key never names two different pages, so
that copy is never stale either, and a hot page costs no round trip.

What a page is cached under holds only what it depends on: its path and the
query parameters its view declares (``public_page(view, query=...)``, the
only ones the view can read; articles.params), never the rest of the query
string, nor the Host header: absolute addresses in pages come from
SITE_URL, and a cached page is served only to a request whose host passes
Django's ALLOWED_HOSTS check. A response larger than CACHE_MAX_BYTES is
served but not cached, so a worker's cache holds at most its entries times
that size.
"""

import functools
import hashlib
import logging
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache, caches
from django.core.signals import setting_changed
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    transaction,
)
from django.db.models import F
from django.dispatch import receiver
from django.http import HttpResponse, HttpResponseNotModified, QueryDict
from django.shortcuts import render
from django.urls import Resolver404, get_urlconf, resolve
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.http import http_date, parse_etags

from . import freshness, params
from .models import PublicState

logger = logging.getLogger(__name__)

# Browsers revalidate every time (cheap: 304); a CDN may hold a page briefly
# and serve it stale while it revalidates.
PUBLIC_CACHE_CONTROL = "public, max-age=0, s-maxage=30, stale-while-revalidate=60"
PRIVATE_CACHE_CONTROL = "private, no-store"
CACHE_TIMEOUT = 60 * 60
# A larger page is served but not cached (the largest article pages are
# stored in the database whole, and read from there in one query).
CACHE_MAX_BYTES = 1024 * 1024
NEVER_CACHED = ("/admin/", "/static/", "/media/", "/preview/", "/healthz")
_cache_failed = False


def _code_version() -> str:
    """
    A fingerprint of the code, the templates and the stylesheets and scripts,
    so a deploy never serves old HTML (or HTML naming old static files).
    """
    digest = hashlib.sha256()
    for folder in (
        "articles",
        "entities",
        "masthead",
        "media",
        "newsroom",
        "templates",
        "static",
    ):
        for path in sorted((settings.BASE_DIR / folder).rglob("*")):
            if (
                path.suffix in {".py", ".html", ".css", ".js"}
                and "migrations" not in path.parts
            ):
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


CODE_VERSION = _code_version()
_STATE_SQL = freshness.STATE_SQL


def bump_generation() -> None:
    """
    Record that something readers can see has changed, and tell every
    process (articles.freshness) when the transaction commits.
    """
    with transaction.atomic(savepoint=False):
        updated = PublicState.objects.filter(pk=1).update(
            generation=F("generation") + 1, changed_at=timezone.now()
        )
        if not updated:
            PublicState.objects.get_or_create(pk=1, defaults={"generation": 2})
        freshness.announce()


def current_state() -> tuple[int, str]:
    """
    The public generation and when it changed (as the database spells it):
    what this process's listener confirmed at most
    ``freshness.BOUND_SECONDS`` ago, or else read from the database.
    """
    known = freshness.known_state()
    if known is not None:
        return known
    return freshness.read_and_confirm(lambda: as_health_check(_read_state))


def as_health_check(read):
    """
    ``read()``, the request's first query, as its connection health check
    (CONN_HEALTH_CHECKS): a persistent connection the server dropped fails
    here and is replaced, and ``read()`` runs again on the new one, instead
    of every request paying a "SELECT 1" round trip of its own first.
    ``read`` must only read.
    """
    probe = (
        connection.health_check_enabled
        and not connection.health_check_done
        and connection.connection is not None
        and not connection.in_atomic_block
    )
    if probe:
        connection.health_check_done = True
    try:
        return read()
    except (InterfaceError, OperationalError):
        if not probe:
            raise
        connection.close()
        return read()


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


def _lookup(request, query: tuple[str, ...]) -> _Lookup:
    """
    Where this request's page lives in the cache, for the current state: its
    path and the values of the parameters in ``query``, nothing else.
    """
    lookup = getattr(request, "_public_page", None)
    if lookup is None:
        generation, changed_at = current_state()
        stamp = hashlib.sha256(changed_at.encode()).hexdigest()[:8]
        etag = f'"{CODE_VERSION}-{generation}-{stamp}"'
        read = urlencode([(n, v) for n in query for v in request.GET.getlist(n)])
        page = hashlib.sha256(f"{request.path}?{read}".encode()).hexdigest()
        lookup = _Lookup(etag, changed_at, f"page:{etag}:{page}")
        request._public_page = lookup
    return lookup


@dataclass(frozen=True)
class _Route:
    query: tuple[str, ...]  # the parameters the page reads
    direct: object  # its direct reader (public_page), or None
    kwargs: tuple  # the path's arguments, as (name, value) pairs


@functools.lru_cache(maxsize=1024)
def _public_route(urlconf, path: str) -> _Route | None:
    """What the public page at ``path`` reads; None if it is not one."""
    try:
        match = resolve(path, urlconf)
    except Resolver404:
        return None
    query = getattr(match.func, "public_query", None)
    if query is None:
        return None
    direct = getattr(match.func, "public_direct", None)
    return _Route(query, direct, tuple(sorted(match.kwargs.items())))


@receiver(setting_changed)
def _urls_changed(*, setting, **kwargs):
    if setting == "ROOT_URLCONF":
        _public_route.cache_clear()


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
        route = None
        if _cacheable(request):
            route = _public_route(get_urlconf(), request.path_info)
        if route is not None:
            # Before any cached page: a request naming a host the site does
            # not serve is refused (400), as Django refuses it elsewhere.
            request.get_host()
            try:
                lookup = _lookup(request, route.query)
                response = _cached_response(request, lookup)
                if response is None and route.direct is not None:
                    response = route.direct(request, **dict(route.kwargs))
                    if response is not None:
                        _store(response, lookup)
            except DatabaseError:
                response = None  # the view answers (with a 503 if need be)
            else:
                request._public_page_checked = True
            if response is not None:
                return response
        return self.get_response(request)


def public_page(view=None, *, query: tuple[str, ...] = (), direct=None):
    """
    Make ``view`` a public page: it reads only the query parameters in
    ``query`` (each at most once; articles.params), its successful responses
    are cached under its path and their values, and a conditional request
    for an unchanged page is answered 304.

    ``direct(request, **kwargs)``, if given, answers an anonymous reader's
    request that the cache did not: a 200 response, or None to leave it to
    the view. It runs in this middleware, before sessions, CSRF,
    authentication and messages, so it must read none of them (nor the
    query string): it reads a stored page, as a cache would.
    """
    if view is None:
        return functools.partial(public_page, query=query, direct=direct)
    query = tuple(query)

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        request.GET = _only(request.GET, query)
        if not _cacheable(request):
            response = _respond(view, request, args, kwargs, query)
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            return response
        lookup = _lookup(request, query)
        response = None
        if not hasattr(request, "_public_page_checked"):
            response = _cached_response(request, lookup)
        if response is None:
            response = _respond(view, request, args, kwargs, query)
            _store(response, lookup)
        response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        return response

    wrapped.public_query = query
    wrapped.public_direct = direct
    return wrapped


def _store(response, lookup: _Lookup) -> None:
    """Give a page just made its validators, and cache it if it is a 200."""
    if response.status_code == 200:
        _validators(response, lookup.etag, lookup.changed_at)
        if (
            settings.NEWSROOM_PAGE_CACHE
            and not response.cookies
            and len(response.content) <= CACHE_MAX_BYTES
        ):
            _set_page(lookup.key, (200, response["Content-Type"], response.content))
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL


def _only(get: QueryDict, names: tuple[str, ...]) -> QueryDict:
    """``get`` with only the parameters ``names``: all a public view may read."""
    return QueryDict(urlencode([(n, v) for n in names for v in get.getlist(n)]))


def _respond(view, request, args, kwargs, query):
    """The view's response, rendered; a refused parameter's page instead."""
    try:
        for name in query:
            params.single(request.GET, name)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and callable(response.render):
            response = response.render()
    except params.Refused as refused:
        template = "404.html" if refused.status == 404 else "bad_parameter.html"
        response = render(
            request, template, {"reason": refused.reason}, status=refused.status
        )
    return response


def _validators(response, etag, changed_at):
    response["ETag"] = etag
    modified = parse_datetime(changed_at.replace(" ", "T")) if changed_at else None
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    response["Cache-Control"] = PUBLIC_CACHE_CONTROL
