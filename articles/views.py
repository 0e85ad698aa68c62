"""Public pages, served from published versions only."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import DatabaseError, connection
from django.db.models import F
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from . import compare, pages, previews, search, structured_data
from .models import RENDERED_PAGE, Article, PublishedClaim, PublishedVersion

LATEST_FACTCHECKS = 8
# What a list never shows of a published version: its text, claims, data and
# rendered page, which on a long article are most of the row (and most of the
# decoding).
VERSION_CONTENT = (
    "body",
    "body_html",
    "body_text",
    "claims",
    "corrections",
    "jsonld",
    *RENDERED_PAGE,
)


def without_content(path: str) -> list[str]:
    """The fields to ``defer()`` of the published version at ``path``."""
    return [f"{path}__{name}" if path else name for name in VERSION_CONTENT]


def live_claims():
    """Published claims of the versions readers see now."""
    return PublishedClaim.objects.filter(version__article__live_version=F("version"))


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return (
            Article.objects.published()
            .select_related("live_version")
            .defer("body", *without_content("live_version"))
            .order_by("-last_published_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["factchecks"] = (
            live_claims()
            .exclude(rating__in=["unrated", "opinion"])
            .filter(checked_at__isnull=False)
            .select_related("claimant", "version__article")
            .defer("version__article__body", *without_content("version"))
            .order_by("-checked_at", "-pk")[:LATEST_FACTCHECKS]
        )
        return context


def _published_article(slug, *, to_render=False):
    """
    The article at ``slug`` with its live version, or the right error.

    The Markdown, the plain text and the stored page are for search, diffs
    and the article page; the claims are needed only ``to_render`` the page.
    """
    unused = ["body", "body_text", *RENDERED_PAGE]
    if not to_render:
        unused.append("claims")
    article = get_object_or_404(
        Article.objects.select_related("live_version").defer(
            *(f"live_version__{name}" for name in unused)
        ),
        slug=slug,
    )
    if article.live_version is None:
        if article.status == Article.Status.WITHDRAWN and article.first_published_at:
            raise Withdrawn(article)
        raise Http404("No article here.")
    return article


class Withdrawn(Exception):
    def __init__(self, article):
        self.article = article


class ArticleDetailView(TemplateView):
    template_name = pages.DOCUMENT_TEMPLATE

    def get(self, request, *args, **kwargs):
        document = pages.stored_page(kwargs["slug"])
        if document is not None:
            return HttpResponse(document)
        # Not found, withdrawn, or stored by other code or settings.
        try:
            article = _published_article(kwargs["slug"], to_render=True)
        except Withdrawn as gone:
            return render(request, "410.html", {"article": gone.article}, status=410)
        context = self.get_context_data(page=pages.live_page(article))
        return self.render_to_response(context)


class ArticleHistoryView(TemplateView):
    template_name = "articles/article_history.html"
    paginate_by = 10

    def get(self, request, *args, **kwargs):
        try:
            article = _published_article(kwargs["slug"])
        except Withdrawn as gone:
            return render(request, "410.html", {"article": gone.article}, status=410)
        versions = (
            PublishedVersion.objects.filter(article=article)
            .defer("body_html", "jsonld", "body_text", *RENDERED_PAGE)
            .order_by("-number")
        )
        page = paginate(request, versions, self.paginate_by)
        # Newest first, each with what changed from the one before it: the
        # page's oldest version is compared with the next page's newest.
        first, last = page.start_index() - 1, page.end_index()
        shown = list(versions[first : last + 1]) if last else []
        entries = []
        for i, version in enumerate(shown[: last - first]):
            previous = shown[i + 1] if i + 1 < len(shown) else None
            changes = None
            if previous is not None:
                changes = compare.compare(
                    compare.state_from_published(previous),
                    compare.state_from_published(version),
                )
            entries.append({"version": version, "changes": changes})
        context = self.get_context_data(
            article=article, version=article.live_version, entries=entries, page=page
        )
        return self.render_to_response(context)


class SearchView(TemplateView):
    template_name = "articles/search.html"
    page_size = 20

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        typed, refusal = self.request.GET.get("q", ""), ""
        try:
            query = search.clean_query(typed)
        except ValidationError as error:
            query, refusal = "", error.message
        try:
            page = max(1, int(self.request.GET.get("page", "1")))
        except ValueError:
            page = 1
        hits = []
        if query:
            hits = search.search(
                query, limit=self.page_size + 1, offset=(page - 1) * self.page_size
            )
        has_next = len(hits) > self.page_size
        hits = hits[: self.page_size]
        versions = (
            PublishedVersion.objects.select_related("article")
            .defer(*without_content(""))
            .in_bulk([h.version_id for h in hits])
        )
        context.update(
            query=query,
            typed=search.normalise_query(typed),
            refusal=refusal,
            page=page,
            has_next=has_next,
            results=[(versions[h.version_id], h.snippet) for h in hits],
        )
        return context


def robots_txt(request):
    from django.conf import settings

    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain")


@never_cache  # a cached 200 would hide an outage from the load balancer
def healthz(request):
    """200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


def paginate(request, queryset, per_page):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def preview(request, token):
    """A shared preview of a draft revision: private, never indexed or cached."""
    try:
        link = previews.resolve(token)
        version = previews.preview_version(link)
    except previews.PreviewUnavailable as exc:
        response = render(
            request, "articles/preview_unavailable.html", {"reason": exc}, status=404
        )
    else:
        page = pages.render(link.article, version, entities=(), preview=True, link=link)
        response = render(request, pages.DOCUMENT_TEMPLATE, {"page": page})
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def factchecks_json(request):
    """Every published ClaimReview, as the export_claimreview command writes it."""
    return JsonResponse(
        structured_data.claimreview_feed(),
        safe=False,
        json_dumps_params={"ensure_ascii": False},
    )
