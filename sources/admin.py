"""
Admin of the source archive: captures and fetch attempts shown read-only on
each source, "capture again", and a file uploaded as a capture.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import format_html

from entities.models import Source

from . import workflow
from .models import Attempt, Capture


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class CaptureInline(ReadOnlyInline):
    model = Capture
    fields = ("captured_at", "origin", "status", "final_url", "title", "size", "file")
    readonly_fields = fields
    verbose_name_plural = "captures (newest first; read-only)"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-captured_at", "-pk")

    @admin.display(description="WARC")
    def file(self, obj):
        if not obj.pk:
            return "—"
        url = reverse("sources:archive", args=[obj.source_id])
        what = (
            "view uploaded file"
            if obj.origin == Capture.Origin.UPLOADED
            else "view archived copy"
        )
        return format_html('<a href="{}?capture={}">{}</a>', url, obj.pk, what)


class AttemptInline(ReadOnlyInline):
    model = Attempt
    fields = ("at", "outcome", "attempt", "url", "reason")
    readonly_fields = fields
    verbose_name_plural = "fetches (each refusal and failure with its reason)"

    def get_queryset(self, request):
        return super().get_queryset(request).order_by("-at", "-pk")


@admin.action(description="Capture again now (in the background)")
def capture_again(modeladmin, request, queryset):
    asked = 0
    for source in queryset:
        if reasons := workflow.check_capture(source, user=request.user):
            modeladmin.message_user(
                request, f"{source}: {' '.join(reasons)}", messages.WARNING
            )
            continue
        workflow.request_capture(source, user=request.user)
        asked += 1
    if asked:
        modeladmin.message_user(
            request,
            f"{asked} source(s) will be captured in a moment: reload to see it.",
            messages.SUCCESS,
        )


@admin.action(description="Point at the address it moved to")
def confirm_move(modeladmin, request, queryset):
    for source in queryset:
        if reasons := workflow.check_confirm_move(source, user=request.user):
            modeladmin.message_user(
                request, f"{source}: {' '.join(reasons)}", messages.WARNING
            )
            continue
        source = workflow.confirm_move(source, user=request.user)
        modeladmin.message_user(
            request, f"{source}: its address is now {source.url}", messages.SUCCESS
        )


class UploadForm(forms.ModelForm):
    file = forms.FileField(
        help_text="A file the newsroom was given (a PDF sent privately, a "
        "transcript): kept beside the source's captures and shown to readers "
        "as a file we were given, never as a copy of the source's address."
    )
    user = None  # set by CaptureAdmin.get_form

    class Meta:
        model = Capture
        fields = ("source",)

    def clean(self):
        cleaned = super().clean()
        source = cleaned.get("source")
        if source is not None:
            for reason in workflow.check_upload(source, user=self.user):
                self.add_error("source", reason)
        return cleaned


@admin.register(Capture)
class CaptureAdmin(admin.ModelAdmin):
    """Captures are made by the worker or uploaded here; never edited."""

    list_display = ("source", "captured_at", "origin", "status", "final_url")
    list_filter = ("origin",)
    list_select_related = ("source",)
    search_fields = ("source__title", "final_url", "title")
    autocomplete_fields = ("source",)
    readonly_fields = (
        "source",
        "origin",
        "requested_url",
        "final_url",
        "status",
        "content_type",
        "captured_at",
        "warc",
        "size",
        "truncated",
        "sha256",
        "text_sha256",
        "title",
        "redirects",
        "created_by",
    )

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = type("UploadForm", (UploadForm,), {"user": request.user})
        return super().get_form(request, obj, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.readonly_fields

    def get_fields(self, request, obj=None):
        return ("source", "file") if obj is None else self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # evidence must not vanish

    def has_add_permission(self, request):
        # The rule decides (sources.workflow.check_upload); the source's page
        # says why not to those who may not.
        return not workflow.check_upload(None, user=request.user)

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["file"]
        try:
            made = workflow.upload(
                form.cleaned_data["source"],
                data=upload.read(),
                name=upload.name,
                content_type=upload.content_type or "",
                user=request.user,
            )
        except (PermissionDenied, ValidationError) as exc:
            raise PermissionDenied(str(exc)) from exc
        # The admin logs and links the object it saved: this is the one.
        obj.__dict__.update({k: v for k, v in made.__dict__.items() if k != "_state"})
        obj._state.adding = False

    def add_view(self, request, form_url="", extra_context=None):
        from django.shortcuts import redirect

        # Who may not upload is told why (on the list of captures, which
        # every role may see), rather than shown a bare 403.
        if reasons := workflow.check_upload(None, user=request.user):
            if not self.has_view_permission(request):
                raise PermissionDenied(" ".join(reasons))
            self.message_user(
                request, f"Not uploaded: {' '.join(reasons)}", messages.ERROR
            )
            return redirect("admin:sources_capture_changelist")
        try:
            return super().add_view(request, form_url, extra_context)
        except PermissionDenied as exc:
            self.message_user(request, f"Not uploaded: {exc}", messages.ERROR)
            return redirect("admin:sources_capture_changelist")


__all__ = ["AttemptInline", "CaptureInline", "capture_again", "confirm_move", "Source"]
