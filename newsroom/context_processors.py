"""Template context shared by every page (``newsroom.site``)."""

from .site import site_context


def site(request):
    return site_context()
