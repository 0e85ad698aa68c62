"""
The HTML of images on public pages: written by the renderer, never by an
author (an article's Markdown names a library image; it never holds HTML).

A ``Gallery`` is the images one page shows, as a published version froze
them (``media.usage.image_snapshot``), with the renditions made so far. Each
picture is a ``<picture>`` with a WebP ``srcset`` and one in the original's
format, ``sizes`` for the column the article is set in, the original's
width and height (so the page does not jump when it loads), its alt text,
and lazy loading below the fold; until its renditions exist, the original.
A ``<figure>`` adds the caption and the credit.
"""

import re
from functools import cached_property
from html import escape

from django.core.files.storage import default_storage

from . import renditions
from .models import FORMATS, ImageFormat

# The article column: 40rem wide on a screen of 42rem and more, the screen
# less its margins below that.
SIZES = "(min-width: 42rem) 40rem, calc(100vw - 2rem)"
# The rendition a browser without srcset gets.
FALLBACK_WIDTH = 960
_PICTURE = re.compile(
    r'<picture data-image="([0-9]{1,18})" data-loading="(lazy|eager)">.*?</picture>',
    re.DOTALL,
)


def _attr(value) -> str:
    return escape(str(value), quote=True)


def media_url(name: str) -> str:
    """The address of a stored file, as the configured storage serves it."""
    return default_storage.url(name)


class Gallery:
    """The images of one page (``items``: snapshots by id) and their renditions."""

    def __init__(self, items: dict | None):
        self.items = {str(k): v for k, v in (items or {}).items()}

    def __bool__(self) -> bool:
        return bool(self.items)

    def get(self, image_id) -> dict | None:
        return self.items.get(str(image_id))

    @cached_property
    def renditions(self) -> dict:
        return renditions.available(item["sha256"] for item in self.items.values())

    def incomplete(self) -> list[dict]:
        """The images whose renditions are not all made yet."""
        return [
            item
            for item in self.items.values()
            if not renditions.complete(
                item["sha256"],
                item["width"],
                item["format"],
                self.renditions.get(item["sha256"], []),
            )
        ]

    def picture(self, image_id, *, lazy: bool = True) -> str:
        """The ``<picture>`` of image ``image_id``; empty when it is not here."""
        item = self.get(image_id)
        if item is None:
            return ""
        made = self.renditions.get(item["sha256"], [])
        loading = "lazy" if lazy else "eager"
        alt = "" if item.get("decorative") else item.get("alt", "")
        img = {
            "width": item["width"],
            "height": item["height"],
            "alt": alt,
            "loading": loading,
            "decoding": "async",
        }
        sources = []
        own = [r for r in made if r.format == item["format"]]
        if own:
            if item["format"] != ImageFormat.WEBP:
                webp = [r for r in made if r.format == ImageFormat.WEBP]
                if webp:
                    sources.append(
                        f'<source type="image/webp" srcset="{_srcset(webp)}" '
                        f'sizes="{SIZES}">'
                    )
            fallback = min(own, key=lambda r: abs(r.width - FALLBACK_WIDTH))
            img = {
                "src": media_url(fallback.file.name),
                "srcset": _srcset(own),
                "sizes": SIZES,
                **img,
            }
        else:
            img = {"src": media_url(item["file"]), **img}
        attrs = " ".join(f'{name}="{_attr(value)}"' for name, value in img.items())
        return (
            f'<picture data-image="{_attr(item["id"])}" data-loading="{loading}">'
            + "".join(sources)
            + f"<img {attrs}></picture>"
        )

    def figure(
        self, image_id, caption: str | None = None, *, lazy=True, css="", notes=""
    ):
        """A ``<figure>``: the picture, its caption (``caption`` overrides
        the library's), its credit and ``notes`` (the renderer's HTML: the
        notes of the claims about it); empty when the image is not here."""
        item = self.get(image_id)
        if item is None:
            return ""
        caption = item.get("caption", "") if caption is None else caption
        parts = []
        if caption.strip():
            parts.append(f'<span class="figure-caption">{escape(caption)}</span>')
        if credit := credit_html(item):
            parts.append(credit)
        if notes:
            parts.append(notes)
        figcaption = f"<figcaption>{' '.join(parts)}</figcaption>" if parts else ""
        classes = " ".join(["figure", *([css] if css else [])])
        return (
            f'<figure class="{classes}">{self.picture(image_id, lazy=lazy)}'
            f"{figcaption}</figure>"
        )

    def shared(self, image_id, *, site_url: str = "") -> dict | None:
        """
        The picture for link previews and structured data: its largest
        rendition in its own format (or the original until there is one),
        as an absolute address, with its size, type and words.
        """
        item = self.get(image_id)
        if item is None:
            return None
        own = [
            r
            for r in self.renditions.get(item["sha256"], [])
            if r.format == item["format"]
        ]
        if own:
            best = max(own, key=lambda r: r.width)
            url, width, height = media_url(best.file.name), best.width, best.height
        else:
            url, width, height = media_url(item["file"]), item["width"], item["height"]
        if url.startswith("/"):
            url = site_url + url
        return {
            "url": url,
            "width": width,
            "height": height,
            "type": mime_type(item["format"]),
            "alt": "" if item.get("decorative") else item.get("alt", ""),
            "caption": item.get("caption", ""),
            "credit": item.get("credit", ""),
            "licence": item.get("licence", ""),
        }

    def refill(self, html: str) -> str:
        """``html`` with each picture written again from the renditions made now."""
        if "<picture" not in html:
            return html

        def again(match):
            return self.picture(
                match.group(1), lazy=match.group(2) == "lazy"
            ) or match.group(0)

        return _PICTURE.sub(again, html)


def _srcset(made) -> str:
    return ", ".join(f"{_attr(media_url(r.file.name))} {r.width}w" for r in made)


def credit_html(item: dict) -> str:
    """The credit line: who made it, the licence, where it came from."""
    credit, licence = item.get("credit", "").strip(), item.get("licence", "").strip()
    source = item.get("source_url", "").strip()
    if not (credit or licence or source):
        return ""
    words = escape(credit)
    if licence:
        words += f"{' · ' if credit else ''}{escape(licence)}"
    if source:
        link = (
            f'<a href="{_attr(source)}" rel="nofollow noopener noreferrer">source</a>'
        )
        words += f" ({link})" if words else link
    return f'<span class="figure-credit">{words}</span>'


def mime_type(fmt: str) -> str:
    return FORMATS[ImageFormat(fmt)][2]
