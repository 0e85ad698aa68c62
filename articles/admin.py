"""
The Django admin for editors, fact-checkers and publishers: declarations.

The admin is thin: every state change goes through the rules layer
(``articles.workflow``, ``articles.restoring``), which decides who may do
what; the admin shows what the ``check_*`` functions allow and turns refusals
into messages. Its parts: the forms (``articles.forms``), the workflow
buttons and their views (``articles.admin_views``), the history, compare,
restore and recover views (``articles.admin_history``), the building blocks
shared with the entities' admin (``newsroom.admin_base``), and the
declarations here.
"""

import logging

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, OuterRef, Subquery
from django.db.models.functions import Cast
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from reversion.models import Version

from desk.admin_views import ArticleDeskMixin
from desk.filters import AssignedFilter, MineFilter, OverdueFilter
from desk.models import Note
from newsroom.admin_base import (
    GuardedVersionAdmin,
    ManyRowsInlineMixin,
    SafeInputMixin,
    format_when,
    related_count,
    user_name,
)

from . import drafts, editing, staleness, tagging, workflow
from .admin_editor import ArticleEditorMixin
from .admin_history import (
    ArticleHistoryMixin,
    conflict_comparison,
)
from .admin_views import (
    ArticleActionsMixin,
    claim_state_html,
    page_claims,
    rate_requested,
)
from .forms import (
    RATING_FIELDS,
    ArticleForm,
    ClaimForm,
    ClaimInlineFormSet,
    MentionFormSet,
    textarea,
)
from .models import (
    RENDERED_PAGE,
    Article,
    Claim,
    Correction,
    Mention,
    PublishedClaim,
    PublishedVersion,
    Rating,
)

logger = logging.getLogger(__name__)


# Articles: inlines -------------------------------------------------------------


class ClaimInline(ManyRowsInlineMixin, admin.TabularInline):
    model = Claim
    form = ClaimForm
    formset = ClaimInlineFormSet
    fields = (
        "quote",
        "claimant",
        "kind",
        "statement",
        "rating",
        "rating_explanation",
        "state",
    )
    autocomplete_fields = ("claimant",)
    show_change_link = True
    # One blank row: without JavaScript ("Add another" is a script) it is the
    # way to add a claim; an untouched blank row saves nothing.
    extra = 1
    verbose_name_plural = "claims (open a claim to edit its sources)"
    template = "admin/articles/article/claim_inline.html"
    formfield_overrides = {models.TextField: textarea(2)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("claimant", "checked_by")
            .prefetch_related(staleness.with_sources())
            .annotate(
                n_open_notes=related_count(
                    Note, "claim", resolved_at__isnull=True, parent__isnull=True
                )
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = ["state"]
        if not request.user.has_perm(workflow.RATE_PERMISSION):
            fields += RATING_FIELDS
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("ClaimForm", (self.form,), {"user": request.user})
        kwargs["formset"] = type(
            "ClaimInlineFormSet",
            (self.formset,),
            {"page_number": request.GET.get("claims")},
        )
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="state")
    def state(self, obj):
        return claim_state_html(obj)


class MentionInline(ManyRowsInlineMixin, admin.TabularInline):
    model = Mention
    formset = MentionFormSet
    fields = ("entity", "count", "origin", "suppressed")
    readonly_fields = ("count", "origin")
    autocomplete_fields = ("entity",)
    extra = 0
    verbose_name_plural = (
        "entities mentioned (found in the text on each save; tick “suppressed” "
        "to remove a wrong link for good)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class CorrectionInline(admin.StackedInline):
    """Corrections are kept forever: publishers add and edit them, nobody deletes."""

    model = Correction
    fields = ("kind", "text", "date")
    readonly_fields = ("date",)
    extra = 0
    can_delete = False
    formfield_overrides = {models.TextField: textarea(3)}

    def has_delete_permission(self, request, obj=None):
        return False


# Articles: list filters ---------------------------------------------------------


class LiveFilter(admin.SimpleListFilter):
    title = "on the public site"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return (("yes", "Live"), ("no", "Not live"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(live_version__isnull=False)
        if self.value() == "no":
            return queryset.filter(live_version__isnull=True)
        return queryset


class UnratedFilter(admin.SimpleListFilter):
    title = "unrated claims"
    parameter_name = "unrated"

    def lookups(self, request, model_admin):
        return (("yes", "Has unrated claims"), ("no", "All claims rated"))

    def queryset(self, request, queryset):
        unrated = Exists(
            Claim.objects.filter(article=OuterRef("pk"), rating=Rating.UNRATED)
        )
        if self.value() == "yes":
            return queryset.filter(unrated)
        if self.value() == "no":
            return queryset.filter(~unrated)
        return queryset


# Articles: the admin --------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(
    ArticleActionsMixin,
    ArticleEditorMixin,
    ArticleHistoryMixin,
    ArticleDeskMixin,
    GuardedVersionAdmin,
):
    form = ArticleForm
    inlines = (ClaimInline, MentionInline, CorrectionInline)
    # What an editor scans the list for, narrow enough that the headline
    # reads on a line or two at 1,280 px beside the filters.
    list_display = (
        "title",
        "status_and_live",
        "assignee",
        "claim_count",
        "updated",
    )
    list_select_related = ("reporter", "checker", "editor")
    list_filter = (
        "status",
        AssignedFilter,
        OverdueFilter,
        MineFilter,
        LiveFilter,
        UnratedFilter,
    )
    search_fields = ("title", "slug", "body")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("authors",)
    autocomplete_fields = ("lead_image",)
    readonly_fields = (
        "claims_in_text",
        "status",
        "publish_at",
        "scheduled_by",
        "live_version_link",
        "first_published_at",
        "last_published_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "dek",
                    "lead_image",
                    "body",
                    "claims_in_text",
                    "seen_lock_version",
                )
            },
        ),
        ("Credits", {"fields": ("byline", "authors")}),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    ("publish_at", "scheduled_by"),
                    "live_version_link",
                    "first_published_at",
                    "last_published_at",
                    "created_at",
                    "updated_at",
                ),
                "description": "Status, the schedule and the live version change "
                "through the buttons at the top of this page.",
            },
        ),
    )
    formfield_overrides = {models.TextField: textarea(4)}
    # Deleted articles are recovered by restoring.recover_article (a button on
    # the recover list), not by django-reversion's form: that would bring back
    # a live pointer to a snapshot that no longer exists.
    change_list_template = None
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        js = ["newsroom/tag_claim.js", "newsroom/editor.js"]

    # Queries

    def get_queryset(self, request):
        # Filtered and ordered along reversion's unique index (db, content
        # type, object id, revision): one index probe per row, where ordering
        # by the version's pk made SQLite walk every article version.
        latest_user = (
            Version.objects.get_for_model(Article)
            .filter(object_id=Cast(OuterRef("pk"), models.CharField()))
            .order_by("-revision_id")
            .values("revision__user__username")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                # Correlated counts, not joins: the changelist's COUNT(*)
                # can then drop them.
                n_claims=related_count(Claim, "article"),
                n_unrated=related_count(Claim, "article", rating=Rating.UNRATED),
                live_number=models.F("live_version__number"),
                last_editor_name=Subquery(latest_user),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + list(workflow.fixed_fields(obj) if obj else ())

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and workflow.fixed_fields(obj):
            return {}
        return super().get_prepopulated_fields(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "authors":
            kwargs["queryset"] = get_user_model().objects.filter(
                is_staff=True, is_active=True
            )
            kwargs["help_text"] = "Staff who wrote the article."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    # Columns

    @admin.display(description="status", ordering="status")
    def status_and_live(self, obj):
        status = obj.get_status_display()
        if not obj.live_number:
            return status
        return format_html(
            '{}<br><a href="{}" class="newsroom-nowrap">live: version {}</a>',
            status,
            obj.get_absolute_url(),
            obj.live_number,
        )

    @admin.display(description="assignee")
    def assignee(self, obj):
        """Whom the article waits on: its reporter, fact-checker or editor."""
        waits_on = {
            Article.Status.IN_REVIEW: obj.checker,
            Article.Status.READY: obj.editor,
        }.get(obj.status, obj.reporter)
        return user_name(waits_on) if waits_on is not None else "—"

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj):
        if not obj.n_unrated:
            return obj.n_claims
        return format_html(
            '{}<br><span class="newsroom-muted newsroom-nowrap">{} unrated</span>',
            obj.n_claims,
            obj.n_unrated,
        )

    @admin.display(description="updated", ordering="updated_at")
    def updated(self, obj):
        when = format_when(obj.updated_at)
        if not obj.last_editor_name:
            return when
        return format_html(
            '<span class="newsroom-nowrap">{}</span><br>'
            '<span class="newsroom-muted">by {}</span>',
            when,
            obj.last_editor_name,
        )

    @admin.display(description="claims in the text")
    def claims_in_text(self, obj):
        """The saved body with its claims marked, where claims are tagged."""
        if obj is None or obj.pk is None:
            return "Save the article, then tag its claims in its text here."
        # The stored text, which the claims' offsets count in: after a refused
        # save the form (and ``obj``) holds the editor's unsaved text.
        body = Article.objects.values_list("body", flat=True).get(pk=obj.pk)
        shown, lost = tagging.marked_claims(
            body,
            page_claims(obj),
            lambda claim: reverse("admin:articles_claim_change", args=[claim.pk]),
        )
        return render_to_string(
            "admin/articles/article/claims_in_text.html",
            {
                "text": tagging.render_text(body, shown),
                "lost": lost,
                "legend": tagging.legend(),
            },
        )

    @admin.display(description="live version")
    def live_version_link(self, obj):
        if obj.pk is None or obj.live_version_id is None:
            return "Not published: readers cannot see this article."
        return format_html(
            'Version {} — <a href="{}">view on the site</a>',
            obj.live_number,
            obj.get_absolute_url(),
        )

    # Saving

    def save_model(self, request, obj, form, change):
        current = getattr(form, "locked", None)
        form.old_body = current.body if current is not None else None
        # The workflow fields stay the database's (a publish may have happened
        # after this form's object was read): the form only writes content.
        workflow.save_article(obj, user=request.user, current=current)
        if not change:
            # The new article is saved: the draft typed on the add page has served.
            drafts.discard_draft(None, user=request.user)

    def save_formset(self, request, form, formset, change):
        if formset.model is Claim:
            self._save_claims(request, formset)
        elif formset.model is Correction:
            self._save_corrections(request, form.instance, formset)
        elif formset.model is Mention:
            mentions = formset.save(commit=False)
            for mention in formset.deleted_objects:
                _remove_mention(self, request, mention)
            for mention in mentions:
                if mention._state.adding:
                    mention.origin = Mention.Origin.MANUAL
                mention.save()
        else:
            super().save_formset(request, form, formset, change)

    def _save_claims(self, request, formset):
        claims = formset.save(commit=False)
        for claim in formset.deleted_objects:
            workflow.delete_claim(claim, user=request.user)
        placed = formset.instance.__dict__.setdefault("placed_claims", set())
        for claim in claims:
            workflow.save_claim(claim, user=request.user)
            if getattr(claim, "placed_on_body", None) == formset.instance.body:
                placed.add(claim.pk)
        for claim_form in formset.forms:
            if claim_form not in formset.deleted_forms:
                rate_requested(request, claim_form)

    def _save_corrections(self, request, article, formset):
        posted = formset.total_form_count() - formset.initial_form_count()
        if posted > 0 and not request.user.has_perm("articles.add_correction"):
            # The admin drops them (the inline is read-only): log the attempt.
            logger.warning(
                "Permission denied: %s may not add corrections to article %s "
                "(%s posted, ignored)",
                request.user,
                article.pk,
                posted,
            )
        corrections = formset.save(commit=False)
        for correction in corrections:
            if correction._state.adding:
                workflow.add_correction(
                    article,
                    user=request.user,
                    kind=correction.kind,
                    text=correction.text,
                )
            else:
                correction.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report = editing.process_edit(
            form.instance,
            old_body=getattr(form, "old_body", None),
            placed=form.instance.__dict__.pop("placed_claims", ()),
        )
        lines = report.messages()
        if report.moved:
            self.message_user(request, lines.pop(0), messages.INFO)
        for line in lines:
            self.message_user(request, line, messages.WARNING)
        self.tag_with_save(request, form.instance)

    # Change page

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None:
            context["workflow"] = self.workflow_context(request, obj)
            context["draft"] = self.draft_context(request, obj)
            context["desk"] = self.desk_context(
                request, obj, context["workflow"]["blockers"]
            )
            conflict = getattr(context["adminform"].form, "conflict", None)
            if conflict is not None:
                context["conflict_comparison"] = conflict_comparison(*conflict)
        elif add and request.method == "GET":
            # The draft of a new article the editor typed and did not save.
            context["draft"] = self.draft_context(request, None)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_urls(self):
        return (
            self.action_urls()
            + self.editor_urls()
            + self.history_urls()
            + self.desk_urls()
            + super().get_urls()
        )


# Claims, citations, corrections --------------------------------------------------


class PublishedClaimInline(admin.TabularInline):
    model = PublishedClaim
    fields = ("position", "statement", "claimant", "rating", "checked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "claims as published"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claimant")

    def has_view_permission(self, request, obj=None):
        # Part of the published version: whoever may see it sees its claims.
        return request.user.has_perm("articles.view_publishedversion")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublishedVersion)
class PublishedVersionAdmin(SafeInputMixin, admin.ModelAdmin):
    """Published versions are immutable snapshots: read-only here."""

    inlines = (PublishedClaimInline,)

    list_display = ("article", "number", "published_at", "published_by", "note")
    list_select_related = ("article", "published_by")
    list_filter = ("published_at",)
    search_fields = ("title", "article__title", "note")
    fields = (
        "article",
        "number",
        "published_at",
        "published_by",
        "note",
        "title",
        "dek",
        "byline",
        "body",
        "revision",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer(
                "body_html",
                "body_text",
                "claims",
                "corrections",
                "jsonld",
                *RENDERED_PAGE,
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _remove_mention(model_admin, request, mention) -> None:
    """Unlink an entity; one named in the text is suppressed, not deleted."""
    if editing.remove_mention(mention):
        model_admin.message_user(
            request,
            f"{mention.entity} is named in the text, so its link is suppressed "
            "rather than deleted: it stays off on later saves. Untick "
            "“suppressed” to link it again.",
            messages.INFO,
        )


@admin.register(Mention)
class MentionAdmin(SafeInputMixin, admin.ModelAdmin):
    list_display = ("entity", "article", "count", "origin", "suppressed")
    list_filter = ("origin", "suppressed")
    list_select_related = ("entity", "article")
    search_fields = ("entity__name", "article__title")
    autocomplete_fields = ("article", "entity")
    readonly_fields = ("count", "first_position")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.origin = Mention.Origin.MANUAL
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        _remove_mention(self, request, obj)

    def delete_queryset(self, request, queryset):
        for mention in queryset.select_related("entity"):
            _remove_mention(self, request, mention)


# Claims, citations and corrections have their own pages (admin_claims.py).
from . import admin_claims  # noqa: E402, F401  (registers them)
