from django.urls import path

from articles.caching import public_page

from . import views

app_name = "entities"

urlpatterns = [
    path(
        "entities/<slug:slug>/",
        public_page(views.EntityDetailView.as_view(), query=["page"]),
        name="detail",
    ),
    path(
        "sources/<id:pk>/",
        public_page(views.SourceDetailView.as_view(), query=["page"]),
        name="source",
    ),
]
