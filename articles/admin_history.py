"""
The article admin's history: its revisions, the comparison of any two
states, restoring a revision, and recovering a deleted article.

Revisions are read through ``articles.revisions``; restoring and
recovering are state changes of the rules layer (``articles.restoring``),
with the rights of everything they change.
"""

import logging

import reversion
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_POST
from reversion.models import Version

from newsroom.admin_base import format_when, is_id, user_name

from . import compare, restoring, revisions, workflow
from .models import Article

logger = logging.getLogger(__name__)


class ArticleHistoryMixin:
    """History, compare, restore and recover views of the article admin."""

    def history_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/history/compare/",
                view(require_GET(self.compare_view)),
                name=f"{info[0]}_{info[1]}_compare",
            ),
            path(
                "<path:object_id>/history/restore/<int:revision_id>/",
                view(require_POST(self.restore_view)),
                name=f"{info[0]}_{info[1]}_restore",
            ),
        ]

    def _version_of(self, article: Article, revision_id) -> Version:
        """The article's version in revision ``revision_id``, or 404."""
        version = revisions.version_in(article.pk, revision_id)
        if version is None:
            raise Http404("That revision is not a revision of this article.")
        return version

    def _state(self, article: Article, key: str):
        """An article state by its key: "live", "current" or a revision id."""
        if key == "current":
            return compare.state_from_article(article), None
        if key == "live":
            if article.live_version is None:
                raise Http404("This article has no live version.")
            version = article.live_version
            label = (
                f"Live: published version {version.number}, "
                f"{format_when(version.published_at)}"
            )
            return compare.state_from_published(version, label=label), None
        if not is_id(key):
            raise Http404("Unknown revision.")
        version = self._version_of(article, int(key))
        revision = version.revision
        label = (
            f"Revision of {format_when(revision.date_created)} by "
            f"{user_name(revision.user)}"
        )
        return compare.state_from_revision(revision, article.pk, label=label), revision

    def _revision_context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(article),
            "opts": self.opts,
            "original": article,
            "object_id": article.pk,
            "has_view_permission": self.has_view_permission(request, article),
            "can_restore": self.has_change_permission(request, article),
            "history_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                args=[quote(article.pk)],
            ),
            **extra,
        }

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        default_from = "live" if article.is_live else None
        if default_from is None:
            previous = revisions.article_versions(article.pk).values_list(
                "revision_id", flat=True
            )[1:2]
            default_from = str(previous[0]) if previous else "current"
        key_from = request.GET.get("from") or default_from
        key_to = request.GET.get("to") or "current"
        if is_id(key_from) and is_id(key_to) and int(key_from) > int(key_to):
            key_from, key_to = key_to, key_from  # older on the left
        old, old_revision = self._state(article, key_from)
        new, new_revision = self._state(article, key_to)
        context = self._revision_context(
            request,
            article,
            "Compare versions",
            comparison=compare.compare(old, new),
            restorable=[r for r in (new_revision, old_revision) if r is not None],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision: what restoring it would change, and the restore button."""
        version = self._version_or_404(version_id, object_id)
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            # django-reversion's revert form posts here: restore our way.
            return self.restore_view(request, object_id, version.revision_id)
        revision = version.revision
        state, _ = self._state(article, str(revision.pk))
        comparison = compare.compare(
            compare.state_from_article(article, label="Working copy now"), state
        )
        context = self._revision_context(
            request,
            article,
            f"Revision of {format_when(revision.date_created)}",
            revision=revision,
            comparison=comparison,
            restorable=[revision],
            restore_refused=restoring.check_restore(
                article, revision, user=request.user
            ),
            kept_ratings=restoring.kept_ratings(article, revision, user=request.user),
            compare_live_url=(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_compare",
                    args=[quote(article.pk)],
                )
                + f"?from=live&to={revision.pk}"
                if article.is_live
                else None
            ),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/revision.html", context
        )

    def restore_view(self, request, object_id, revision_id):
        article = self._article_or_404(request, object_id)
        if reasons := workflow.check_edit_article(article, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        revision = self._version_of(article, revision_id).revision
        kept = restoring.kept_ratings(article, revision, user=request.user)
        try:
            restoring.restore_revision(article, revision, user=request.user)
        except ValidationError as error:
            self._report_refusal(request, "restored", error)
        except IntegrityError:
            logger.warning(
                "Restore of article %s to revision %s failed",
                article.pk,
                revision.pk,
                exc_info=True,
            )
            self.message_user(
                request,
                "Not restored: that revision needs something that no longer "
                "exists or is taken (a deleted source, entity or user, or its "
                "address is now another article's). Nothing was changed.",
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                f"Restored the article as it was on "
                f"{format_when(revision.date_created)}: its text, claims and "
                "sources. This is recorded as a new revision. Readers still see "
                "the live version until you publish again.",
                messages.SUCCESS,
            )
            for line in kept:
                self.message_user(request, f"Not restored: {line}", messages.WARNING)
        return self._back_to_article(article)

    def changelist_view(self, request, extra_context=None):
        context = {
            "can_recover": not restoring.check_recover_rights(user=request.user),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def recoverlist_view(self, request, extra_context=None):
        """Deleted articles, each with a button that recovers it as a draft."""
        if reasons := restoring.check_recover_rights(user=request.user):
            raise PermissionDenied(" ".join(reasons))
        context = {
            **self.admin_site.each_context(request),
            "title": "Recover deleted articles",
            "opts": self.opts,
            "deleted": revisions.deleted_articles(),
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/recover_list.html", context
        )

    def recover_view(self, request, version_id, extra_context=None):
        """Recover a deleted article from its last revision (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if reasons := restoring.check_recover_rights(user=request.user):
            raise PermissionDenied(" ".join(reasons))
        version = self._version_or_404(version_id)
        info = self.opts.app_label, self.opts.model_name
        try:
            article = restoring.recover_article(version, user=request.user)
        except ValidationError as error:
            self._report_refusal(request, "recovered", error)
        except IntegrityError:
            logger.warning(
                "Recovery of article %s from version %s failed",
                version.object_id,
                version.pk,
                exc_info=True,
            )
            self.message_user(
                request,
                "Not recovered: its revision needs something that no longer "
                "exists or is taken. Nothing was changed.",
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                "Recovered as a draft, with its claims, sources and corrections; "
                "this is recorded as a new revision. Readers do not see it until "
                "it is published again.",
                messages.SUCCESS,
            )
            return self._back_to_article(article)
        return redirect(f"admin:{info[0]}_{info[1]}_recoverlist")

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        page = Paginator(revisions.article_versions(article.pk), 50).get_page(
            request.GET.get("p")
        )
        published = dict(
            article.published_versions.filter(revision__isnull=False).values_list(
                "revision_id", "number"
            )
        )
        info = self.opts.app_label, self.opts.model_name
        live_number = article.live_version.number if article.is_live else None
        rows = [
            {
                "revision": v.revision,
                "url": reverse(
                    f"admin:{info[0]}_{info[1]}_revision",
                    args=[quote(article.pk), v.pk],
                ),
                "published_as": published.get(v.revision_id),
                "is_live": live_number is not None
                and published.get(v.revision_id) == live_number,
            }
            for v in page
        ]
        context = {
            "rows": rows,
            "page": page,
            "compare_url": reverse(
                f"admin:{info[0]}_{info[1]}_compare", args=[quote(article.pk)]
            ),
            "is_live": article.is_live,
            **(extra_context or {}),
        }
        # Django's own history view (not reversion's): it renders our rows.
        return admin.ModelAdmin.history_view(self, request, object_id, context)


def conflict_comparison(seen: int, current: Article):
    """What was saved since an editor opened the article at lock version ``seen``."""
    versions = revisions.article_versions(current.pk)
    opened = next(
        (v for v in versions[:50] if v.field_dict.get("lock_version") == seen),
        None,
    )
    if opened is None:
        return None
    latest = versions.first()
    return compare.compare(
        compare.state_from_revision(
            opened.revision, current.pk, label="the article as you opened it"
        ),
        compare.state_from_article(
            current,
            label=f"the article as {user_name(latest.revision.user)} saved it",
        ),
    )


def revision_of_related(version: Version):
    """The article's version in the revision of a claim, citation or correction."""
    return (
        version.revision.version_set.filter(
            content_type=ContentType.objects.get_for_model(Article)
        )
        .order_by("pk")
        .first()
    )


class ArticleRevisionMixin:
    """Saves here are revisions of the whole article, shown in its history."""

    def article_of(self, obj) -> Article:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reversion.add_to_revision(self.article_of(form.instance))

    def delete_model(self, request, obj):
        article = self.article_of(obj)
        with reversion.create_revision():
            obj.delete()
            reversion.add_to_revision(article)
            reversion.set_user(request.user)
            reversion.set_comment(f"Deleted {obj._meta.verbose_name} {obj}")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Its revisions are the article's: restore them from there.
        version = self._version_or_404(version_id, object_id)
        article_version = revision_of_related(version)
        if article_version is None:
            raise Http404("That revision holds no article.")
        return redirect(
            "admin:articles_article_revision",
            quote(article_version.object_id),
            article_version.pk,
        )

    def delete_queryset(self, request, queryset):
        articles = {self.article_of(obj).pk: self.article_of(obj) for obj in queryset}
        with reversion.create_revision():
            queryset.delete()
            for article in articles.values():
                reversion.add_to_revision(article)
            reversion.set_user(request.user)
            reversion.set_comment(
                f"Deleted {queryset.model._meta.verbose_name_plural} in bulk"
            )

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404("Restore the article's revision from its history instead.")

    def recoverlist_view(self, request, extra_context=None):
        raise Http404("Restore the article's revision from its history instead.")
