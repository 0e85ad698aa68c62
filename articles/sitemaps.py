"""Sitemaps of the public pages."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max

from entities.models import Entity

from .models import Article


class ArticleSitemap(Sitemap):
    changefreq = "daily"
    limit = 5000

    def items(self):
        return Article.objects.published().order_by("-last_published_at", "pk")

    def lastmod(self, item):
        return item.last_published_at


class EntitySitemap(Sitemap):
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


SITEMAPS = {"articles": ArticleSitemap, "entities": EntitySitemap}
