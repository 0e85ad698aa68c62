"""
The site's absolute addresses: always from SITE_URL, never from a request.

Feeds, sitemaps, structured data and canonical links name the site by the
address it is configured with. What a request says its host is (an allowed
name on another port, a proxy's header) never reaches a page, so a page
cached for one reader is right for every other.
"""

from urllib.parse import urlsplit

from django.conf import settings


def absolute_url(path: str) -> str:
    """``path`` (as reverse() or get_absolute_url() give it) on SITE_URL."""
    if path.startswith(("http://", "https://")):
        return path
    return settings.SITE_URL + path


def site_scheme() -> str:
    """The scheme of SITE_URL: "https" or "http"."""
    return urlsplit(settings.SITE_URL).scheme or "https"


def site_domain() -> str:
    """The host (and port) of SITE_URL, as feeds and sitemaps want a domain."""
    return urlsplit(settings.SITE_URL).netloc
