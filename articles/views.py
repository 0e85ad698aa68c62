"""Public pages, served from published versions only."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.generic import ListView, TemplateView

from newsroom.addresses import absolute_url

from . import compare, diffs, pages, params, previews, search, structured_data
from .models import RENDERED_PAGE, Article, PublishedClaim, PublishedVersion

LATEST_FACTCHECKS = 8


class HomeView(ListView):
    template_name = "articles/home.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return (
            Article.objects.published().listed().order_by("-last_published_at", "-pk")
        )

    def paginate_queryset(self, queryset, page_size):
        page = params.paginate(self.request, queryset, page_size)
        return page.paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["factchecks"] = (
            PublishedClaim.objects.live()
            .exclude(rating__in=["unrated", "opinion"])
            .filter(checked_at__isnull=False)
            .select_related("claimant", "version__article")
            .without_version_content("version")
            .defer("version__article__body")
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


def stored_article_page(request, slug):
    """
    The article's stored page, read with no session, user or messages (the
    page cache's direct reader, articles.caching.public_page); None when it
    has none to serve.
    """
    document = pages.stored_page(slug)
    return HttpResponse(document) if document is not None else None


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
        page = params.paginate(request, versions, self.paginate_by)
        # Newest first, each with what changed from the one before it: the
        # page's oldest version is compared with the next page's newest.
        first, last = page.start_index() - 1, page.end_index()
        shown = list(versions[first : last + 1]) if last else []
        # One budget for every diff on the page: its time is bounded
        # whatever the versions (articles.diffs).
        budget = diffs.Budget()
        entries = []
        for i, version in enumerate(shown[: last - first]):
            previous = shown[i + 1] if i + 1 < len(shown) else None
            changes = None
            if previous is not None:
                changes = compare.compare(
                    compare.state_from_published(previous),
                    compare.state_from_published(version),
                    budget=budget,
                )
            entries.append({"version": version, "changes": changes})
        context = self.get_context_data(
            article=article, version=article.live_version, entries=entries, page=page
        )
        return self.render_to_response(context)


class SearchView(TemplateView):
    template_name = "articles/search.html"
    page_size = 20
    # Results are ranked: past the first thousand a reader refines the search.
    max_pages = 50

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        typed, refusal = self.request.GET.get("q", ""), ""
        try:
            query = search.clean_query(typed)
        except ValidationError as error:
            query, refusal = "", error.message
        try:
            page = params.page_number(self.request, last=self.max_pages)
        except params.NoSuchPage:
            raise params.NoSuchPage(
                f"A search shows its first {self.max_pages * self.page_size:,} "
                f"results, on {self.max_pages} pages: add a word to narrow it."
            ) from None
        hits = []
        if query:
            hits = search.search(
                query, limit=self.page_size + 1, offset=(page - 1) * self.page_size
            )
            if page > 1 and not hits:
                raise params.NoSuchPage(
                    f"There is no page {page} of results for “{query}”."
                )
        has_next = len(hits) > self.page_size and page < self.max_pages
        hits = hits[: self.page_size]
        versions = (
            PublishedVersion.objects.select_related("article")
            .without_version_content()
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
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /preview/",
        f"Sitemap: {settings.SITE_URL}/sitemap.xml",
        f"Sitemap: {settings.SITE_URL}/sitemap-news.xml",
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


def preview(request, token):
    """A shared preview of a draft revision: private, never indexed or cached."""
    try:
        link = previews.resolve(token)
        page = previews.preview_page(link)
    except previews.PreviewUnavailable as exc:
        response = render(
            request, "articles/preview_unavailable.html", {"reason": exc}, status=404
        )
    else:
        context = {"page": page, "link": link}
        response = render(request, pages.DOCUMENT_TEMPLATE, context)
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def factchecks_json(request):
    """
    The ClaimReview data feed, a page at a time: ``FEED_PAGE_SIZE`` reviews
    per page in a stable order (structured_data), with links to the other
    pages in the document and in the ``Link`` header.
    """
    size = structured_data.FEED_PAGE_SIZE
    number = params.page_number(request)
    total = structured_data.claimreview_count()
    last = max(1, -(-total // size))
    if number > last:
        raise params.NoSuchPage(
            f"There is no page {number:,} of fact-checks: the last one is page "
            f"{last:,}."
        )

    def page_url(n: int) -> str:
        return absolute_url(reverse("factchecks") + (f"?page={n}" if n > 1 else ""))

    links = {
        "first": page_url(1),
        "last": page_url(last),
        "prev": page_url(number - 1) if number > 1 else None,
        "next": page_url(number + 1) if number < last else None,
    }
    document = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "name": f"{settings.NEWSROOM_NAME}: fact-checks",
        "url": page_url(number),
        "page": number,
        "pageSize": size,
        "totalItems": total,
        **links,
        "dataFeedElement": structured_data.claimreview_page(number, size=size),
    }
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Link"] = ", ".join(
        f'<{url}>; rel="{rel}"' for rel, url in links.items() if url
    )
    return response
