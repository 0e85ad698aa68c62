"""
The newsroom's profile in the admin: one page with its texts, its team and
its funders. Every save and removal goes through masthead.workflow, which
also decides who may make them.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse

from . import workflow
from .models import Funder, Masthead, TeamMember


class _Guarded:
    """What a user may do here is what masthead.workflow says they may."""

    def _allowed(self, request) -> bool:
        return not workflow.check_edit_masthead(user=request.user)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)


class TeamMemberInline(_Guarded, admin.StackedInline):
    model = TeamMember
    fields = (("name", "role", "position"), "bio", "url")
    extra = 0
    verbose_name_plural = "team (listed on the about page, lowest position first)"


class FunderInline(_Guarded, admin.StackedInline):
    model = Funder
    fields = (("name", "kind", "position"), ("amount", "period"), "url", "note")
    extra = 0
    verbose_name_plural = "funders (listed on the about page under the funding text)"


@admin.register(Masthead)
class MastheadAdmin(_Guarded, admin.ModelAdmin):
    inlines = [TeamMemberInline, FunderInline]
    fieldsets = (
        (
            "About page",
            {
                "fields": ("about", "principles", "ownership", "funding"),
                "description": "Shown on /about/, with the team and the funders "
                "below. The publisher's structured data points search engines "
                "here for its principles, ownership and funding.",
            },
        ),
        (
            "Methodology page",
            {
                "fields": ("methodology",),
                "description": "Shown on /methodology/ after the rating scale, "
                "which the site writes itself from the ratings it uses.",
            },
        ),
        (
            "Corrections page",
            {
                "fields": ("corrections_policy", "contact_email"),
                "description": "Shown at the top of /corrections/, above every "
                "correction published.",
            },
        ),
    )

    def has_add_permission(self, request, obj=None):
        return False  # one profile, always changed (written the first time)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        """The profile; an empty one to write, until it is first saved."""
        if object_id != "1":
            return None
        return Masthead.objects.filter(pk=1).first() or Masthead(pk=1)

    def changelist_view(self, request, extra_context=None):
        """There is one profile: go straight to it."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        return redirect(reverse("admin:masthead_masthead_change", args=[1]))

    def save_model(self, request, obj, form, change):
        workflow.save_item(obj, user=request.user)

    def save_formset(self, request, form, formset, change):
        for item in formset.save(commit=False):
            workflow.save_item(item, user=request.user)
        for item in formset.deleted_objects:
            workflow.delete_item(item, user=request.user)

    def response_change(self, request, obj):
        self.message_user(
            request,
            "Saved. The about, methodology and corrections pages show it now.",
            messages.SUCCESS,
        )
        return redirect(reverse("admin:masthead_masthead_change", args=[1]))
