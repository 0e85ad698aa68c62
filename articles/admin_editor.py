"""
The article editor's helpers in the admin: the live preview of the text
being written, rendered by the public site's own renderer and sanitiser
(articles.rendering), so that what the editor sees is what readers will.
"""

from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404, JsonResponse
from django.urls import path
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from newsroom.admin_base import format_when, is_id

from . import drafts
from .models import BODY_MAX_LENGTH, Article, Draft
from .rendering import render_body

# Who may ask for a preview: whoever may write an article.
WRITE_PERMISSIONS = ("articles.add_article", "articles.change_article")


def may_write(user) -> bool:
    """Whether ``user`` may write articles (and so preview what they write)."""
    return user.is_active and any(user.has_perm(p) for p in WRITE_PERMISSIONS)


def preview_html(body: str) -> str:
    """
    The body as the public page shows it, with the library's pictures it
    places (claims are marked on save).
    """
    from types import SimpleNamespace

    from media.figures import Gallery
    from media.usage import images_of

    images = images_of(SimpleNamespace(body=body, lead_image_id=None))
    return render_body(body, figure=Gallery(images["items"]).figure)


class ArticleEditorMixin:
    """The article admin's editor endpoints."""

    def editor_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "render-markdown/",
                view(never_cache(require_POST(self.render_markdown_view))),
                name=f"{info[0]}_{info[1]}_render_markdown",
            ),
            # A new article's draft, before its first save: ahead of the
            # article's own, whose <path:object_id> would take "add".
            path(
                "add/autosave/",
                view(never_cache(require_POST(self.autosave_new_view))),
                name=f"{info[0]}_{info[1]}_add_autosave",
            ),
            path(
                "add/discard-draft/",
                view(never_cache(require_POST(self.discard_new_draft_view))),
                name=f"{info[0]}_{info[1]}_add_discard_draft",
            ),
            path(
                "<path:object_id>/autosave/",
                view(never_cache(require_POST(self.autosave_view))),
                name=f"{info[0]}_{info[1]}_autosave",
            ),
            path(
                "<path:object_id>/discard-draft/",
                view(never_cache(require_POST(self.discard_draft_view))),
                name=f"{info[0]}_{info[1]}_discard_draft",
            ),
        ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.url_name == "articles_article_change":
            # Whether the editor has a draft, in the page's own query: the
            # draft itself is read only when there is one.
            queryset = queryset.annotate(
                editor_draft_at=Subquery(
                    Draft.objects.filter(
                        article=OuterRef("pk"), user=request.user.pk
                    ).values("saved_at")[:1]
                )
            )
        return queryset

    def _editable_article(self, request, object_id) -> Article:
        if not is_id(unquote(object_id)):
            raise Http404("No such article.")
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        return article

    def autosave_view(self, request, object_id):
        """Keep what the editor has typed as their draft (not a revision)."""
        return self._autosave(request, self._editable_article(request, object_id))

    def autosave_new_view(self, request):
        """Keep what the editor has typed on the add page: a new article's draft."""
        return self._autosave(request, None)

    def _autosave(self, request, article: Article | None):
        base = 0
        if article is not None:
            try:
                base = int(request.POST.get("seen_lock_version", ""))
            except ValueError:
                base = article.lock_version
        text = {n: request.POST[n] for n in drafts.FIELDS if n in request.POST}
        try:
            draft = drafts.save_draft(
                article, user=request.user, text=text, base_lock_version=max(base, 0)
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse({"saved_at": format_when(draft.saved_at)})

    def discard_draft_view(self, request, object_id):
        """Drop the editor's draft of the article, at their word."""
        return self._discard(request, self._editable_article(request, object_id))

    def discard_new_draft_view(self, request):
        """Drop the editor's draft of a new article, at their word."""
        return self._discard(request, None)

    def _discard(self, request, article: Article | None):
        if reasons := drafts.check_save_draft(article, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        drafts.discard_draft(article, user=request.user)
        return JsonResponse({"discarded": True})

    def draft_context(self, request, article: Article | None) -> dict | None:
        """The editor's draft to offer back (``article`` None: a new one), if any."""
        if getattr(article, "editor_draft_at", True) is None:
            return None
        draft = drafts.draft_for(article, user=request.user)
        if draft is None:
            return None
        return {
            "saved_at": format_when(draft.saved_at),
            "behind": drafts.is_behind(draft, article),
            "fields": {
                **{n: getattr(draft, n) for n in drafts.FIELDS},
                "seen_lock_version": draft.base_lock_version,
            },
        }

    def render_markdown_view(self, request):
        """The posted ``body`` rendered as readers will see it."""
        if not may_write(request.user):
            raise PermissionDenied("You may not write articles.")
        body = request.POST.get("body", "")
        if len(body) > BODY_MAX_LENGTH:
            return JsonResponse(
                {
                    "error": f"The text is {len(body):,} characters long; the "
                    f"limit is {BODY_MAX_LENGTH:,}, so it is not previewed."
                },
                status=400,
            )
        return JsonResponse({"html": preview_html(body)})
