"""The admin site: Django's, logging who it turns away."""

import logging
from functools import update_wrapper

from django.contrib import admin
from django.urls import reverse

logger = logging.getLogger(__name__)


class NewsroomAdminSite(admin.AdminSite):
    index_template = "admin/desk.html"
    index_title = "Desk"

    """
    Django's admin site, logging the requests it sends to the login page.

    Signed-in users who are not active staff, and anonymous writes (a POST
    without a session), are logged at WARNING; an anonymous page view (an
    editor whose session expired) at INFO. Refusals of staff without the
    permission are 403s, which Django logs itself (django.request).
    """

    def admin_view(self, view, cacheable=False):
        guarded = super().admin_view(view, cacheable)

        def logged(request, *args, **kwargs):
            if not self.has_permission(request) and request.path != reverse(
                "admin:logout", current_app=self.name
            ):
                user = request.user
                level = (
                    logging.WARNING
                    if user.is_authenticated or request.method != "GET"
                    else logging.INFO
                )
                logger.log(
                    level,
                    "Admin refused %s %s to %s (not signed in as active staff)",
                    request.method,
                    request.path,
                    user if user.is_authenticated else "an anonymous user",
                )
            return guarded(request, *args, **kwargs)

        return update_wrapper(logged, guarded)

    def get_urls(self):
        from django.urls import path

        from desk.admin_views import mark_read

        return [
            path(
                "desk/notifications/read/",
                self.admin_view(mark_read),
                name="desk_mark_read",
            ),
            *super().get_urls(),
        ]

    def index(self, request, extra_context=None):
        """The front page is the desk: the user's day, by role (desk.views)."""
        from desk.views import desk

        return super().index(request, {**desk(request.user), **(extra_context or {})})

    def each_context(self, request):
        context = super().each_context(request)
        if getattr(request, "user", None) is not None and request.user.is_active:
            from desk.views import role_names

            context["newsroom_roles"] = (
                role_names(request.user) if request.user.is_staff else []
            )
        return context
