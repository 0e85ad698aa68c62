"""Template context shared by every page."""

import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse


@functools.cache
def _site_links(script_prefix: str) -> dict[str, str]:
    # Every page links these; reversing them once per process (and prefix)
    # instead of on every page is a third of the cost of the page's frame.
    return {name: reverse(name) for name in ("home", "search", "feed")}


def site(request):
    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LINKS": _site_links(get_script_prefix()),
    }
