from django.urls import path

from . import views
from .caching import public_page

app_name = "articles"

urlpatterns = [
    path(
        "<slug:slug>/",
        public_page(
            views.ArticleDetailView.as_view(), direct=views.stored_article_page
        ),
        name="detail",
    ),
    path(
        "<slug:slug>/history/",
        public_page(views.ArticleHistoryView.as_view(), query=["page"]),
        name="history",
    ),
]
