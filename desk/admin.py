"""The audit log in the admin: read-only, filtered, exportable as CSV."""

import csv

from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import path
from django.utils import timezone

from newsroom.admin_base import SafeInputMixin

from .models import AuditEvent

CSV_COLUMNS = ("when", "user", "action", "article", "article id", "claim id", "detail")


class _Echo:
    def write(self, value):
        return value


def csv_rows(events):
    """The CSV export of ``events``, a row at a time (any number of them)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for event in events.iterator(chunk_size=2000):
        yield writer.writerow(
            (
                timezone.localtime(event.at).isoformat(timespec="seconds"),
                event.user.get_username() if event.user else "",
                event.get_action_display(),
                event.article_title,
                event.article_id or "",
                event.claim_id or "",
                event.detail,
            )
        )


@admin.register(AuditEvent)
class AuditEventAdmin(SafeInputMixin, admin.ModelAdmin):
    list_display = ("at", "user", "action", "article_link", "detail")
    list_filter = ("action", ("user", admin.RelatedOnlyFieldListFilter), "at")
    list_select_related = ("user",)
    search_fields = ("article_title", "detail", "user__username")
    date_hierarchy = "at"
    ordering = ("-at", "-pk")
    change_list_template = "admin/desk/auditevent/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # kept forever

    @admin.display(description="article", ordering="article_title")
    def article_link(self, obj):
        return obj.article_title or "—"

    def get_urls(self):
        return [
            path(
                "export.csv",
                self.admin_site.admin_view(self.export_view),
                name="desk_auditevent_export",
            ),
            *super().get_urls(),
        ]

    def export_view(self, request):
        """The log as filtered on the list page, as CSV (streamed)."""
        if not self.has_view_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied("You may not read the audit log.")
        changelist = self.get_changelist_instance(request)
        events = changelist.get_queryset(request).select_related("user")
        response = StreamingHttpResponse(csv_rows(events), content_type="text/csv")
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.csv"'
        return response
