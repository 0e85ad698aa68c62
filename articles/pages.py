"""
The article page, rendered when a version is published.

A published version never changes, and neither does its page: the whole HTML
document is rendered once, when the version is published, and stored with it.
A request for the article reads it in one query and sends it; the page costs
about what a static file does, however many claims, sources and corrections
the article has.

Two things can make a stored page out of date, and both are provided for:

- The page lists the entities the version names by their current names. That
  list is stored apart as well, with where it sits in the page, and is
  rendered again and put in its place, for the live versions that name an
  entity, whenever the entity is saved or deleted (``articles.apps``), with
  the pages locked while it is, and the entities locked while a version is
  published, so concurrent edits and publishes each end up on the page.
- Each page records what it was rendered with: a fingerprint of the code and
  templates and static files, and of the settings it shows. A page
  rendered by other code or settings (after a deploy) is rendered on each
  request, never served as stored, until ``manage.py render_pages`` renders
  it again.

Previews, and pages not stored (or stored by other code), are rendered by the
same templates, per request.
"""

import functools
import hashlib
import logging
import secrets
from collections import Counter
from dataclasses import dataclass, replace

import django
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import connection, connections, transaction
from django.db.models import BinaryField, F, prefetch_related_objects
from django.db.models.functions import Cast
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.templatetags.static import static

from entities.mentions import find_mentions
from entities.models import Entity
from media.figures import Gallery
from newsroom.site import site_context

from . import caching
from .models import RENDERED_PAGE, Article, PublishedVersion
from .ratings import SCALE, RatingDefinition
from .rendering import figure_notes, image_claims, noted, render_body
from .structured_data import build_jsonld, byline_names

logger = logging.getLogger(__name__)

# What store() writes onto a version (the body's pictures are written again
# with the renditions made since).
STORED = (*RENDERED_PAGE, "entities_at", "rendered_with", "jsonld", "body_html")

DOCUMENT_TEMPLATE = "articles/article_detail.html"
HEAD_TEMPLATE = "articles/article_head.html"
MAIN_TEMPLATE = "articles/article_main.html"
ENTITIES_TEMPLATE = "articles/article_entities.html"
FOOTER_TEMPLATE = "articles/article_footer.html"


@dataclass(frozen=True)
class Page:
    """The parts of an article's page that the document template puts together."""

    title: str
    head: str
    main: str
    entities: str
    footer: str


@functools.cache
def render_key() -> str:
    """What a stored page depends on besides its version: code and settings."""
    shown = (
        caching.CODE_VERSION,
        django.__version__,  # its templates' escaping and formatting
        # The static files' hashed names, which the page links to.
        getattr(staticfiles_storage, "manifest_hash", ""),
        sorted(site_context().items()),
        settings.TIME_ZONE,
        settings.LANGUAGE_CODE,
        # Where the pages' images are served from.
        settings.MEDIA_URL,
        settings.STORAGES["default"]["BACKEND"],
        getattr(settings, "MEDIA_ORIGIN", ""),
    )
    return hashlib.sha256(repr(shown).encode()).hexdigest()[:16]


@receiver(setting_changed)
def _settings_changed(**kwargs):
    render_key.cache_clear()


def _pictures(version) -> dict:
    """
    The images of ``version`` with the renditions made so far (``gallery``),
    its lead figure and the lead image for link previews; the pictures of
    its body are written again with them.
    """
    shaped = isinstance(version, dict)
    images = (version.get("images") if shaped else version.images) or {}
    gallery = Gallery(images.get("items"))
    context = {"gallery": gallery, "lead_figure": "", "lead_image": None}
    if not gallery:
        return context
    if lead := images.get("lead"):
        # The claims about the lead image that have no note in the body (no
        # words marked, no figure of it there) have theirs in its caption.
        body_html = version["body_html"] if shaped else version.body_html
        claims = version["claims"] if shaped else version.claims
        in_body = noted(body_html)
        about = [c for c in image_claims(claims, lead) if c["anchor_id"] not in in_body]
        context["lead_figure"] = gallery.figure(
            lead, lazy=False, css="figure--lead", notes=figure_notes(about)
        )
        context["lead_image"] = gallery.shared(lead, site_url=settings.SITE_URL)
    if shaped:
        version["body_html"] = gallery.refill(version["body_html"])
    else:
        version.body_html = gallery.refill(version.body_html)
    return context


def render(article, version, *, entities, preview=False) -> Page:
    """The parts of the page of ``version`` (a PublishedVersion or a preview)."""
    if isinstance(version, dict):
        claims, byline = version["claims"], version["byline"]
    else:
        claims, byline = version.claims, version.byline
    context = {
        **site_context(),
        **_pictures(version),
        "article": article,
        "version": version,
        "preview": preview,
        "checked": checked_summary(claims),
        "factcheck_claims": with_source_states(claims),
        "byline_names": byline_names(byline),
        "og_locale": og_locale(settings.LANGUAGE_CODE),
    }
    return Page(
        title=version["title"] if isinstance(version, dict) else version.title,
        head=render_to_string(HEAD_TEMPLATE, context),
        main=render_to_string(MAIN_TEMPLATE, context),
        entities=_render_entities(entities),
        footer=render_to_string(FOOTER_TEMPLATE, context),
    )


def with_source_states(claims) -> list[dict]:
    """
    ``claims`` as the fact-check cards show them: a cited source that is gone
    says since when (what the source's checks found now, not part of the
    version: the claims themselves are left as published).
    """
    from sources.models import SourceState, Watch

    ids = {
        citation["source"]["id"]
        for claim in claims
        for citation in claim.get("citations", ())
        if citation["source"].get("id")
    }
    if not ids:
        return claims
    gone = dict(
        Watch.objects.filter(source_id__in=ids, state=SourceState.GONE).values_list(
            "source_id", "since"
        )
    )
    if not gone:
        return claims
    return [
        {
            **claim,
            "citations": [
                {**c, "source": {**c["source"], "gone_since": gone[c["source"]["id"]]}}
                if c["source"].get("id") in gone
                else c
                for c in claim.get("citations", ())
            ],
        }
        for claim in claims
    ]


def sources_changed(source_ids) -> int:
    """
    Sources went or came back: render again the stored pages of the live
    versions that cite them, so their cards say so; how many pages.
    """
    versions = live_versions().filter(
        published_claims__published_citations__source_id__in=list(source_ids)
    )
    return rerender(versions.distinct())


def checked_summary(claims) -> list[tuple[RatingDefinition, int]]:
    """How many of ``claims`` have each rating, in the scale's order."""
    counts = Counter(claim["rating"] for claim in claims)
    return [(rating, counts[rating.value]) for rating in SCALE if counts[rating.value]]


def og_locale(language_code: str) -> str:
    """Open Graph's spelling of a language code: en-us → en_US."""
    language, _, region = language_code.partition("-")
    return f"{language}_{region.upper()}" if region else language


def _render_entities(entities) -> str:
    return render_to_string(ENTITIES_TEMPLATE, {"entities": entities})


def _static_files_collected() -> bool:
    """Whether the page's stylesheet has its collected (hashed) address yet."""
    try:
        static("css/site.css")
    except ValueError:  # the manifest storage before collectstatic
        return False
    return True


def store(article: Article, version: PublishedVersion, entities) -> None:
    """
    Render the page of ``version`` onto it (for the caller to save), with its
    structured data, which names the site's address and name.
    """
    version.jsonld = build_jsonld(article, version)
    if not _static_files_collected():
        # Publishing does not wait for collectstatic: the page is rendered
        # on each request until render_pages stores it.
        logger.warning(
            "Static files are not collected: the page of %s is not stored; "
            "run collectstatic, then render_pages",
            version,
        )
        version.page_html = version.entities_html = version.rendered_with = ""
        return
    page = render(article, version, entities=entities)
    # The document, with a mark where the entity list goes, to know its place.
    mark = f"<!--{secrets.token_hex(16)}-->"
    document = render_to_string(
        DOCUMENT_TEMPLATE, {**site_context(), "page": replace(page, entities=mark)}
    )
    version.entities_at = document.index(mark)
    version.page_html = document.replace(mark, page.entities, 1)
    version.entities_html = page.entities
    version.rendered_with = render_key()


@functools.cache
def _stored_page_sql(alias: str) -> str:
    """
    The SQL that reads the live version's stored page, compiled once. The
    page comes out as the UTF-8 bytes the database holds, to be sent as
    they are: on SQLite read as a BLOB, on PostgreSQL through a loader of
    the cursor's own (``_RawText``).
    """
    versions = PublishedVersion.objects.filter(
        article__slug="", article__live_version=F("pk")
    )
    if connections[alias].vendor == "sqlite":
        versions = versions.annotate(page=Cast("page_html", BinaryField()))
        query = versions.values_list("page", "rendered_with").query
    else:
        query = versions.values_list("page_html", "rendered_with").query
    sql, params = query.get_compiler(alias).as_sql()
    if list(params) != [""]:
        raise ImproperlyConfigured(f"Unexpected parameters {params!r} in {sql}")
    return sql


_PREPARED = "newsroom_stored_page"


def prepare_statements(sender, connection, **kwargs) -> None:
    """
    (connection_created) On PostgreSQL, prepare the stored-page query on the
    server once per connection, as the connection is set up: PostgreSQL
    then skips planning the join on each request, which costs as much as
    running it. Django's client-side binding cursors prepare nothing.
    NEWSROOM_PREPARED_STATEMENTS=off turns this off, for a pooler that hands
    one server session to many clients (PgBouncer in transaction mode).
    """
    if (
        connection.vendor != "postgresql"
        or not settings.NEWSROOM_PREPARED_STATEMENTS
        or connection.alias not in settings.DATABASES  # Django's own, to create one
    ):
        return
    raw = connection.connection
    if raw.info.transaction_status != 0 or raw.autocommit is False:  # not idle
        return
    sql = _stored_page_sql(connection.alias)
    try:
        raw.execute(f"PREPARE {_PREPARED}(text) AS {sql.replace('%s', '$1')}")
    except Exception:  # noqa: BLE001 - no tables yet (a new database): plain SQL
        return
    raw._newsroom_prepared = sql


class _RawText:
    """
    Loads a text column as the UTF-8 bytes PostgreSQL sent (psycopg's loader
    protocol): a stored page goes out as it came in, without decoding 80 KB
    into a str and encoding it back.
    """

    format = 0  # text

    def __init__(self, oid, context=None):
        pass

    def load(self, data) -> bytes:
        return bytes(data)


def stored_page(slug: str) -> bytes | None:
    """
    The stored page of the live version of the article at ``slug``, as
    UTF-8 bytes ready to send; None when there is none to serve (no such
    article, not live, or rendered by other code or settings).

    The ORM compiles this query once per process: a request runs it as the
    SQL it is, because compiling the join would cost ten times running it.
    """
    sql = _stored_page_sql(connection.alias)

    def read():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.cursor.adapters.register_loader("text", _RawText)
            if getattr(connection.connection, "_newsroom_prepared", None) == sql:
                cursor.execute(f"EXECUTE {_PREPARED}(%s)", [slug])
            else:
                cursor.execute(sql, [slug])
            return cursor.fetchone()

    # Often the request's only query (the page cache off, the generation
    # known to the process): it is the connection's health check too.
    row = caching.as_health_check(read)
    if row is None or row[1] != render_key():
        return None
    return row[0]


def entity_links(body: str, linked, unlinked=()) -> list[dict]:
    """
    The body's links to the pages of the ``linked`` entities, each at its
    first mention. The names of ``unlinked`` entities (links an editor
    removed) are matched too, and left unlinked: "Azure OpenAI Service" is
    not a mention of "Azure" because an editor unlinked it.
    """
    by_pk = {entity.pk: entity for entity in linked}
    return [
        {
            "start": found.first_position,
            "end": found.first_position + found.first_length,
            "href": by_pk[found.entity_id].get_absolute_url(),
        }
        for found in find_mentions(body, [*linked, *unlinked])
        if found.entity_id in by_pk
    ]


def remark(version: PublishedVersion) -> None:
    """
    Mark the claims and entity links in the body of ``version`` again, as
    this code marks them (its text, claims and links are as published).
    A version published before its links were kept is given the links its
    entities' names find in its text now.
    """
    if version.links is None:
        unlinked = Entity.objects.filter(
            mentions__article_id=version.article_id, mentions__suppressed=True
        )
        version.links = entity_links(version.body, version.entities.all(), unlinked)
    gallery = Gallery((version.images or {}).get("items"))
    version.body_html = render_body(
        version.body, version.claims, version.links, gallery.figure
    )


def live_page(article: Article) -> Page:
    """The parts of the page of ``article``'s live version, rendered now."""
    version = article.live_version
    return render(article, version, entities=version.entities.all())


def live_versions():
    """The versions readers see now: one per published article."""
    return PublishedVersion.objects.filter(
        pk__in=Article.objects.filter(live_version__isnull=False).values("live_version")
    )


def rerender_entities(versions, *, batch_size: int = 50) -> int:
    """
    Put a new entity list in the stored pages of ``versions``; how many changed.

    Each batch of pages is locked before its entities are read, so two entity
    edits (or an edit and ``render_pages``) that reach one page are applied
    one after the other, the second with the names the first committed.
    Pages stored by other code are locked too, and their key checked once
    the lock is held: ``render_pages`` may be storing one with this key
    right now, with the names it read before this edit committed.
    """
    key = render_key()
    pks = sorted(versions.values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(pks), batch_size):
        with transaction.atomic():
            # The key is checked on the locked rows, not in the query: a row
            # that does not match a query's condition is not waited for.
            locked = [
                version
                for version in PublishedVersion.objects.select_for_update()
                .filter(pk__in=pks[start : start + batch_size])
                .only("pk", "entities_html", "rendered_with")
                .order_by("pk")
                if version.rendered_with == key
            ]
            prefetch_related_objects(locked, "entities")
            lists = {}
            for version in locked:
                new = _render_entities(version.entities.all())
                if new != version.entities_html:  # not for a description's edit
                    lists[version.pk] = new
            pages = PublishedVersion.objects.filter(pk__in=lists).only(
                "pk", "page_html", "entities_html", "entities_at", "rendered_with"
            )
            for version in pages:
                begin = version.entities_at
                end = begin + len(version.entities_html)
                if version.page_html[begin:end] == version.entities_html:
                    new = lists[version.pk]
                    version.page_html = (
                        version.page_html[:begin] + new + version.page_html[end:]
                    )
                    version.entities_html = new
                else:
                    # Not where it was stored: the page is rendered on each
                    # request until render_pages renders it again.
                    version.rendered_with = ""
                version.save(
                    update_fields=["page_html", "entities_html", "rendered_with"]
                )
                changed += 1
    return changed


def naming(entity: Entity):
    """The live versions whose pages list ``entity``."""
    return live_versions().filter(entities=entity)


def entity_changed(entity: Entity) -> None:
    """``entity`` was saved: the pages that list it show its new name."""
    rerender_entities(naming(entity))


def rerender_live(*, everything: bool = False) -> int:
    """
    Render the stored pages of the live versions again: those rendered by
    other code or settings, or ``everything``; how many there were.
    """
    versions = live_versions()
    if not everything:
        versions = versions.exclude(rendered_with=render_key())
    return rerender(versions)


def rerender(versions, *, batch_size: int = 100) -> int:
    """
    Render the stored pages of ``versions`` again; how many there were.

    A page that comes out different from the one stored (say, after a fix)
    makes the public generation move, so no cached copy of it is served.
    """
    done = differ = 0
    pks = list(versions.values_list("pk", flat=True).order_by("pk"))
    for start in range(0, len(pks), batch_size):
        with transaction.atomic():
            batch = list(
                PublishedVersion.objects.select_for_update(of=("self",))
                .filter(pk__in=pks[start : start + batch_size])
                .select_related("article")
                .order_by("pk")
            )
            prefetch_related_objects(batch, "entities")
            for version in batch:
                before = version.page_html
                remark(version)
                store(version.article, version, version.entities.all())
                version.save(update_fields=[*STORED, "body_html", "links"])
                done += 1
                differ += version.page_html != before
    if differ:
        caching.bump_generation()
    return done
