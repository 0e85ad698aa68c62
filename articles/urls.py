from django.urls import path

from . import views

app_name = "articles"

urlpatterns = [
    path("<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("<slug:slug>/history/", views.ArticleHistoryView.as_view(), name="history"),
]
