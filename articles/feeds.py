"""
Feeds of published articles (RSS 2.0 and JSON Feed 1.1), safe to cache
and safe to render.

Every feed here builds on :class:`SiteFeed`: its addresses name SITE_URL,
whatever host the request gave (a cached feed is the same for everyone),
and its descriptions, which feed readers render as HTML, escape the text
put in them: a standfirst is plain text, and "<img onerror=...>" in one
must reach a reader as those characters, not as an element. A description
that is HTML already (sanitised, and marked safe) is left as it is.
"""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import JsonResponse
from django.urls import reverse
from django.utils.html import conditional_escape

from newsroom.addresses import absolute_url, site_domain, site_scheme

from .models import Article
from .structured_data import absolute, byline_names, logo_url


class _AtSiteURL:
    """A request as ``Feed.get_feed`` reads it, answering for SITE_URL."""

    def __init__(self, request):
        self._request = request

    def get_host(self) -> str:
        return site_domain()

    def is_secure(self) -> bool:
        return site_scheme() == "https"

    def __getattr__(self, name):
        return getattr(self._request, name)


class SiteFeed(Feed):
    """A feed with SITE_URL's addresses and escaped descriptions."""

    def get_feed(self, obj, request):
        feed = super().get_feed(obj, _AtSiteURL(request))
        feed.feed["description"] = conditional_escape(feed.feed["description"])
        for item in feed.items:
            if item["description"] is not None:
                item["description"] = conditional_escape(item["description"])
        return feed


class LatestArticlesFeed(SiteFeed):
    description_template = None

    def title(self):
        return settings.NEWSROOM_NAME

    def link(self):
        return reverse("home")

    def description(self):
        return f"The latest fact-checked stories from {settings.NEWSROOM_NAME}."

    def items(self):
        return (
            Article.objects.published()
            .listed()
            .order_by("-last_published_at", "-pk")[:30]
        )

    def item_title(self, item):
        return item.live_version.title

    def item_description(self, item):
        return item.live_version.dek  # plain text: SiteFeed escapes it

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return absolute_url(item.get_absolute_url())

    item_guid_is_permalink = True

    def item_author_name(self, item):
        return item.live_version.byline or None

    def item_pubdate(self, item):
        return item.first_published_at

    def item_updateddate(self, item):
        return item.last_published_at


def json_feed(request):
    """The latest published articles as a JSON Feed 1.1 (jsonfeed.org)."""
    items = []
    for article in LatestArticlesFeed().items():
        version = article.live_version
        url = absolute(article.get_absolute_url())
        item = {
            "id": url,
            "url": url,
            "title": version.title,
            # JSON Feed's text is plain text: nothing in it is read as HTML.
            "content_text": version.dek or version.title,
            "date_published": article.first_published_at.isoformat(),
            "date_modified": version.modified_at.isoformat(),
        }
        if version.dek:
            item["summary"] = version.dek
        if version.byline:
            item["authors"] = [{"name": byline_names(version.byline)}]
        items.append(item)
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": settings.NEWSROOM_NAME,
        "home_page_url": absolute(reverse("home")),
        "feed_url": absolute(reverse("feed-json")),
        "description": LatestArticlesFeed().description(),
        "language": settings.LANGUAGE_CODE,
        "authors": [{"name": settings.NEWSROOM_NAME, "url": absolute(reverse("home"))}],
        "items": items,
    }
    icon = logo_url()
    if icon:
        feed["icon"] = icon
    return JsonResponse(
        feed,
        content_type="application/feed+json",
        json_dumps_params={"ensure_ascii": False},
    )
