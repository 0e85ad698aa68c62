"""Sitemaps of the public pages and the Google News sitemap, with addresses
from SITE_URL."""

from datetime import timedelta

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.db.models import F, Max
from django.utils import timezone

from entities.models import Entity, Source
from newsroom.addresses import site_domain, site_scheme

from . import params
from .models import Article

# Google News: articles published in the last two days, at most 1,000.
NEWS_WINDOW = timedelta(days=2)
NEWS_LIMIT = 1000


class SiteSitemap(Sitemap):
    """A sitemap whose addresses name SITE_URL, whatever host was asked."""

    def get_protocol(self, protocol=None):
        return site_scheme()

    def get_domain(self, site=None):
        return site_domain()


class ArticleSitemap(SiteSitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-last_published_at", "pk")

    def lastmod(self, item):
        return item.last_published_at


class EntitySitemap(SiteSitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return (
            Entity.objects.filter(
                published_versions__article__live_version__isnull=False
            )
            .annotate(lastmod=Max("published_versions__published_at"))
            .order_by("slug")
        )

    def lastmod(self, item):
        return item.lastmod


class SourceSitemap(SiteSitemap):
    """The sources that a claim readers can see cites."""

    changefreq = "weekly"
    limit = 5000

    def items(self):
        version = "published_citations__published_claim__version"
        return (
            Source.objects.filter(**{f"{version}__article__live_version": F(version)})
            .annotate(lastmod=Max(f"{version}__published_at"))
            .order_by("pk")
        )

    def lastmod(self, item):
        return max(item.lastmod, item.updated_at)


SITEMAPS = {
    "articles": ArticleSitemap,
    "entities": EntitySitemap,
    "sources": SourceSitemap,
}


class NewsSitemap(SiteSitemap):
    """
    The Google News sitemap: the articles first published in the last two
    days, with their publication and title (templates/sitemaps/news.xml).
    """

    limit = NEWS_LIMIT

    def items(self):
        return (
            Article.objects.published()
            .filter(first_published_at__gte=timezone.now() - NEWS_WINDOW)
            .listed()
            .order_by("-first_published_at", "-pk")
        )


NEWS_SITEMAPS = {"news": NewsSitemap}


def sitemap_view(request, sitemaps, **kwargs):
    """Django's sitemap view, its page number ("p") read as every page's is."""
    params.page_number(request, "p")
    return sitemap(request, sitemaps, **kwargs)
