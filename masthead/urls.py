from django.urls import path

from articles.caching import public_page

from . import feeds, views

app_name = "masthead"

urlpatterns = [
    path("about/", public_page(views.AboutView.as_view()), name="about"),
    path(
        "methodology/", public_page(views.MethodologyView.as_view()), name="methodology"
    ),
    path(
        "corrections/",
        public_page(views.CorrectionListView.as_view(), query=["page"]),
        name="corrections",
    ),
    path(
        "corrections/feed/",
        public_page(feeds.CorrectionsFeed()),
        name="corrections-feed",
    ),
]
