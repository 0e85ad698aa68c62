"""Template helpers for public pages."""

import datetime
import json

from django import template
from django.utils import dateformat, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# The one way the public site writes a date, and a date with its time: every
# page, panel and list uses these (through the filters below).
DATE_FORMAT = "j F Y"  # 23 January 2023
DATETIME_FORMAT = "j F Y, H:i T"  # 23 January 2023, 15:00 UTC


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
    value = _moment(value)
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).isoformat(timespec="seconds")
    return value.isoformat()


def _moment(value):
    """A date or an aware datetime from either, or from its ISO 8601 text."""
    if isinstance(value, str):
        # Published versions keep their dates as text (JSON).
        value = value.strip()
        parsed = parse_datetime(value) if "T" in value or " " in value else None
        value = parsed or parse_date(value)
    if isinstance(value, datetime.datetime) and timezone.is_naive(value):
        value = timezone.make_aware(value, datetime.UTC)
    return value or None


@register.filter
def newsdate(value):
    """A date (or a datetime's date, in the site's time zone): 23 January 2023."""
    value = _moment(value)
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return dateformat.format(value, DATE_FORMAT)


@register.filter
def newstime(value):
    """A datetime with its time: 23 January 2023, 15:00 UTC."""
    value = _moment(value)
    if not value:
        return ""
    if not isinstance(value, datetime.datetime):
        return dateformat.format(value, DATE_FORMAT)
    return dateformat.format(timezone.localtime(value), DATETIME_FORMAT)


@register.simple_tag
def news_language():
    """The site's language as Google News spells it: ISO 639 (zh-cn and zh-tw)."""
    from django.conf import settings

    code = settings.LANGUAGE_CODE.lower()
    return code if code in ("zh-cn", "zh-tw") else code.split("-")[0]
