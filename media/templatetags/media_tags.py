from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def media_figure(context, image_id, caption=None):
    """
    The figure of a library image the page's gallery holds ("" if none):
    HTML the renderer wrote (every value escaped), for ``|safe``.
    """
    gallery = context.get("gallery")
    if not gallery or image_id is None:
        return ""
    return gallery.figure(image_id, caption=caption, css="figure--claim")


@register.filter
def timecode(seconds) -> str:
    """12345 → “3:25:45”; 75 → “1:15”."""
    if seconds is None or seconds == "":
        return ""
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
