"""Project middleware."""

import logging
import re

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DatabaseUnavailableMiddleware:
    """Answer a friendly 503 when the database cannot be reached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        if "database is locked" in str(exception):
            return None  # contention, not an outage: let it surface as a 500
        logger.error("Database unavailable: %s", exception)
        response = HttpResponse(
            render_to_string("503.html"), status=503, content_type="text/html"
        )
        response["Retry-After"] = "30"
        response["Cache-Control"] = "no-store"
        return response


# The media library's upload forms (add an image, replace its file): the
# only requests that carry a file larger than the general limit.
UPLOAD_PATHS = re.compile(r"^/admin/media/image/(?:add|[0-9]{1,18}/change)/\Z")
# Room for the form's other fields and the multipart framing.
UPLOAD_OVERHEAD = 256 * 1024


def request_size_limit(path: str) -> int | None:
    """The largest request body accepted at ``path``, in bytes."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is not None and UPLOAD_PATHS.match(path):
        return max(limit, settings.NEWSROOM_UPLOAD_MAX_BYTES + UPLOAD_OVERHEAD)
    return limit


class RequestSizeLimitMiddleware:
    """
    Refuse a request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 413.

    Django's own limit covers form fields only, not files: the whole body is
    held to it, before anything reads it, except on the media library's
    upload forms, which take one image of up to NEWSROOM_UPLOAD_MAX_BYTES
    (Django streams a large file to a temporary file, not to memory).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request_size_limit(request.path_info)
        try:
            size = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            size = 0
        if limit is None or size <= limit:
            return self.get_response(request)
        logger.warning(
            "Refused a request of %s bytes to %s (the limit is %s)",
            size,
            request.path,
            limit,
        )
        context = {"size_mb": f"{size / 2**20:.1f}", "limit_mb": f"{limit / 2**20:g}"}
        response = HttpResponse(
            render_to_string("413.html", context),
            status=413,
            content_type="text/html",
        )
        response["Cache-Control"] = "no-store"
        return response
