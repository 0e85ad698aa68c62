from django.urls import path

from articles.caching import public_page

from . import views

app_name = "sources"

urlpatterns = [
    path("sources/<id:pk>/archive/", views.archive, name="archive"),
    path(
        "articles/<slug:slug>/evidence.json",
        public_page(views.evidence_json),
        name="evidence",
    ),
]
