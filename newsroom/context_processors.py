"""Template context shared by every page."""

from django.conf import settings


def site(request):
    return {"NEWSROOM_NAME": settings.NEWSROOM_NAME, "SITE_URL": settings.SITE_URL}
