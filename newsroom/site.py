"""
What every page says of the site: its name, its address, and the links of
its frame. Pages rendered per request get it from the context processor;
pages rendered at publish and stored (articles.pages) from here directly.
"""

import functools

from django.conf import settings
from django.urls import get_script_prefix, reverse

FRAME_LINKS = {
    "home": "home",
    "search": "search",
    "feed": "feed",
    "feed_json": "feed-json",
    "about": "masthead:about",
    "methodology": "masthead:methodology",
    "corrections": "masthead:corrections",
}


@functools.cache
def _frame_links(script_prefix: str) -> dict[str, str]:
    # Every page links these; reversing them once per process (and prefix)
    # instead of on every page is a third of the cost of the page's frame.
    return {key: reverse(name) for key, name in FRAME_LINKS.items()}


def site_context() -> dict:
    """The template context every page shares."""
    return {
        "NEWSROOM_NAME": settings.NEWSROOM_NAME,
        "SITE_URL": settings.SITE_URL,
        "SITE_LINKS": _frame_links(get_script_prefix()),
    }
