"""Project URLs (DESIGN §8)."""

from django.contrib import admin
from django.urls import include, path

from articles import views as article_views

urlpatterns = [
    path("", article_views.HomeView.as_view(), name="home"),
    path("articles/", include("articles.urls")),
    path("", include("entities.urls")),
    path("healthz", article_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "Newsroom"
admin.site.site_title = "Newsroom admin"
admin.site.index_title = "Editorial desk"
