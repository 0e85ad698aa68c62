"""
Accounts and roles in the admin: only superusers create, change or delete
them. Registered by the admin's app config once every app's admin is loaded
(Django's auth admin registers the defaults first).
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from .admin_base import SafeInputMixin


class SuperuserOnlyMixin:
    """Only superusers create, change or delete accounts and roles."""

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class NewsroomUserAdmin(SuperuserOnlyMixin, SafeInputMixin, UserAdmin):
    pass


class NewsroomGroupAdmin(SuperuserOnlyMixin, SafeInputMixin, GroupAdmin):
    pass


def register(site: admin.AdminSite) -> None:
    """Put the superuser-only account admins in place of Django's."""
    for model, model_admin in (
        (get_user_model(), NewsroomUserAdmin),
        (Group, NewsroomGroupAdmin),
    ):
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
