"""Project URLs (DESIGN §8)."""

from django.contrib import admin
from django.http import Http404
from django.templatetags.static import static
from django.urls import include, path, register_converter
from django.views.generic import RedirectView

from articles import views as article_views
from articles.caching import public_page
from articles.feeds import LatestArticlesFeed, json_feed
from articles.sitemaps import NEWS_SITEMAPS, SITEMAPS, sitemap_view
from newsroom.converters import IdConverter

# Ids in public addresses: digits within what the database stores, no more.
register_converter(IdConverter, "id")


def favicon(request):
    """Browsers and feed readers that ask /favicon.ico get the site's icon."""
    try:
        icon = static("favicon-32.png")
    except ValueError as exc:  # static files not collected yet
        raise Http404("No icon yet.") from exc
    return RedirectView.as_view(url=icon, permanent=True)(request)


urlpatterns = [
    path(
        "", public_page(article_views.HomeView.as_view(), query=["page"]), name="home"
    ),
    path("articles/", include("articles.urls")),
    path("", include("entities.urls")),
    path("", include("sources.urls")),
    path("preview/<str:token>/", article_views.preview, name="preview"),
    path(
        "search/",
        public_page(article_views.SearchView.as_view(), query=["q", "page"]),
        name="search",
    ),
    path("feed/", public_page(LatestArticlesFeed()), name="feed"),
    path("feed.json", public_page(json_feed), name="feed-json"),
    path("", include("masthead.urls")),
    path(
        "sitemap.xml",
        public_page(sitemap_view, query=["p"]),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "sitemap-news.xml",
        public_page(sitemap_view, query=["p"]),
        {"sitemaps": NEWS_SITEMAPS, "template_name": "sitemaps/news.xml"},
        name="sitemap-news",
    ),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "factchecks.json",
        public_page(article_views.factchecks_json, query=["page"]),
        name="factchecks",
    ),
    path("robots.txt", article_views.robots_txt, name="robots"),
    path("healthz", article_views.healthz, name="healthz"),
    # Library images and renditions on the file system (media/views.py).
    path("media/", include("media.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Editorial desk"
