"""
The admin pages of an article's claims, their citations and its
corrections. A save here is a revision of the whole article; the claim's
page also carries the desk (taking the claim, re-confirming its rating,
notes).
"""

from django.contrib import admin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from desk.admin_views import ClaimDeskMixin
from desk.filters import AssignedFilter, OverdueFilter, WaitingFilter
from newsroom.admin_base import GuardedVersionAdmin, ManyRowsInlineMixin

from . import staleness, workflow
from .admin_history import ArticleRevisionMixin
from .admin_views import check_status_html, rate_requested
from .forms import (
    CLAIM_AUDIT_FIELDS,
    CLAIM_FIELDSETS,
    RATING_FIELDS,
    ClaimForm,
    textarea,
)
from .models import Citation, Claim, Correction


class CitationInline(ManyRowsInlineMixin, admin.StackedInline):
    model = Citation
    fields = (("source", "relation"), "excerpt", ("locator", "note"), "source_check")
    readonly_fields = ("source_check",)
    autocomplete_fields = ("source",)
    extra = 1
    formfield_overrides = {models.TextField: textarea(2)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("source__publisher", "checked_capture")
        )

    @admin.display(description="source checks")
    def source_check(self, obj):
        return source_check_html(obj)


def _capture_link(capture) -> str:
    url = reverse("admin:sources_capture_change", args=[capture.pk])
    return format_html(
        '<a href="{}">capture #{} of {}</a>',
        url,
        capture.pk,
        f"{timezone.localtime(capture.captured_at):%Y-%m-%d %H:%M}",
    )


def source_check_html(citation: Citation) -> str:
    """What the source's checks found, and the captures to compare, linked."""
    if citation.pk is None:
        return "—"
    basis = citation.checked_capture
    if basis is not None and basis.source_id != citation.source_id:
        basis = None
    parts = []
    if citation.source_alert:
        parts.append(format_html("<strong>{}</strong>", citation.source_alert))
    if basis is not None:
        parts.append(
            format_html("The rating was checked against {}.", _capture_link(basis))
        )
    else:
        parts.append("The rating was checked before the source had a capture.")
    if citation.source_alert:
        newest = citation.source.captures.order_by("-captured_at", "-pk").first()
        if newest is not None and newest != basis:
            parts.append(format_html("The newest is {}.", _capture_link(newest)))
    return format_html_join(" ", "{}", ((part,) for part in parts))


@admin.register(Claim)
class ClaimAdmin(ClaimDeskMixin, ArticleRevisionMixin, GuardedVersionAdmin):
    form = ClaimForm
    inlines = (CitationInline,)
    change_list_template = None
    list_display = (
        "__str__",
        "article",
        "claimant",
        "rating",
        "anchor",
        "check_status",
    )
    list_filter = (
        WaitingFilter,
        AssignedFilter,
        OverdueFilter,
        "rating",
        "anchor",
        "kind",
        "media_type",
    )
    list_select_related = ("article", "claimant", "checked_by")
    # Newest first, along the primary key: the model's order (place in the
    # text) means nothing across articles and sorted every claim on each page.
    ordering = ("-pk",)
    search_fields = ("quote", "statement", "article__title", "claimant__name")
    autocomplete_fields = ("article", "claimant", "media_image")
    fieldsets = CLAIM_FIELDSETS
    formfield_overrides = {models.TextField: textarea(3)}

    change_form_template = "admin/articles/claim/change_form.html"

    def article_of(self, obj):
        return obj.article

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("claimant")
            .prefetch_related(staleness.with_sources())
        )

    def get_urls(self):
        return self.desk_urls() + super().get_urls()

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None:
            context["desk"] = self.claim_desk_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_readonly_fields(self, request, obj=None):
        fields = ["check_status", *CLAIM_AUDIT_FIELDS]
        if obj is not None:
            fields.append("article")
        probe = obj or Claim(tagged_by=request.user)
        if workflow.check_rate(probe, user=request.user):
            fields += RATING_FIELDS
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user, "place_quote": True})

    @admin.display(description="check")
    def check_status(self, obj):
        return check_status_html(obj)

    def save_model(self, request, obj, form, change):
        workflow.save_claim(obj, user=request.user)

    def delete_model(self, request, obj):
        workflow.delete_claim(obj, user=request.user)

    def delete_queryset(self, request, queryset):
        for claim in queryset:
            workflow.delete_claim(claim, user=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the citations are saved: the check's fingerprint includes them.
        rate_requested(request, form)


@admin.register(Citation)
class CitationAdmin(ArticleRevisionMixin, GuardedVersionAdmin):
    change_list_template = None
    list_display = ("source", "relation", "claim", "locator")
    list_filter = ("relation",)
    list_select_related = ("source__publisher", "claim")
    search_fields = ("source__title", "excerpt", "claim__quote", "note")
    autocomplete_fields = ("claim", "source")
    formfield_overrides = {models.TextField: textarea(3)}

    def article_of(self, obj):
        return obj.claim.article


@admin.register(Correction)
class CorrectionAdmin(ArticleRevisionMixin, GuardedVersionAdmin):
    change_list_template = None
    list_display = ("__str__", "article", "kind", "date")
    list_filter = ("kind",)
    list_select_related = ("article",)
    search_fields = ("text", "article__title")
    readonly_fields = ("article", "date")
    fields = ("article", "kind", "text", "date")
    formfield_overrides = {models.TextField: textarea(4)}

    def article_of(self, obj):
        return obj.article

    def has_add_permission(self, request):
        # Added from the article's page, through workflow.add_correction.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # corrections are kept forever
