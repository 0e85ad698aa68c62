"""Template helpers for public pages."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def jsonld(data):
    """A <script type="application/ld+json"> block that text cannot break out of."""
    if not data:
        return ""
    encoded = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(
        _JSON_ESCAPES
    )
    # The one mark_safe of the project: "<", ">" and "&" are escaped above,
    # so no text can close the script element.
    safe = mark_safe(encoded)  # noqa: S308  # nosec B308 B703
    return format_html('<script type="application/ld+json">{}</script>', safe)


@register.filter
def isotime(value):
    """An aware datetime as a valid HTML datetime attribute (no microseconds)."""
    if not value:
        return ""
    from django.utils import timezone

    return timezone.localtime(value).isoformat(timespec="seconds")
