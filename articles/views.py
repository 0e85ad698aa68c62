"""Public pages, served from published versions only."""

from django.db import DatabaseError, connection
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.generic import ListView, TemplateView

from .models import Article


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("live_version")
            .order_by("-last_published_at", "-pk")
        )


class ArticleDetailView(TemplateView):
    template_name = "articles/article_detail.html"

    def get(self, request, *args, **kwargs):
        article = get_object_or_404(
            Article.objects.select_related("live_version"), slug=kwargs["slug"]
        )
        version = article.live_version
        if version is None:
            if (
                article.status == Article.Status.WITHDRAWN
                and article.first_published_at
            ):
                return render(request, "410.html", {"article": article}, status=410)
            raise Http404("No article here.")
        context = self.get_context_data(article=article, version=version)
        return self.render_to_response(context)


def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})
