"""Project middleware."""

import logging

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


class RequestSizeLimitMiddleware:
    """
    Refuse a request body larger than DATA_UPLOAD_MAX_MEMORY_SIZE with a 413.

    Django's own limit covers form fields only, not files; the site takes no
    file uploads, so the whole body is held to it, before anything reads it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
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
