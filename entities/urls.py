from django.urls import path

from articles.caching import public_page

from . import views

app_name = "entities"

urlpatterns = [
    path(
        "entities/<slug:slug>/",
        public_page(views.EntityDetailView.as_view()),
        name="detail",
    ),
    path(
        "sources/<int:pk>/",
        public_page(views.SourceDetailView.as_view()),
        name="source",
    ),
]
