"""Project URLs (DESIGN §8)."""

from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from articles import views as article_views
from articles.caching import public_page
from articles.feeds import LatestArticlesFeed
from articles.sitemaps import SITEMAPS

urlpatterns = [
    path("", public_page(article_views.HomeView.as_view()), name="home"),
    path("articles/", include("articles.urls")),
    path("", include("entities.urls")),
    path("preview/<str:token>/", article_views.preview, name="preview"),
    path("search/", public_page(article_views.SearchView.as_view()), name="search"),
    path("feed/", public_page(LatestArticlesFeed()), name="feed"),
    path(
        "sitemap.xml",
        public_page(sitemap),
        {"sitemaps": SITEMAPS},
        name="sitemap",
    ),
    path(
        "factchecks.json",
        public_page(article_views.factchecks_json),
        name="factchecks",
    ),
    path("robots.txt", article_views.robots_txt, name="robots"),
    path("healthz", article_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Editorial desk"
