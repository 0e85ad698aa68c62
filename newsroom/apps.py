"""Application configs of the project package."""

from django.contrib.admin.apps import AdminConfig


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"

    def ready(self):
        super().ready()  # every app's admin.py, Django's auth admin included
        from django.contrib import admin

        from . import admin_users

        admin_users.register(admin.site)
