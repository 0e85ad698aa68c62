"""
The public archived copy of a source: ``/sources/<id>/archive/``.

A captured page is someone else's HTML: it is served as a sandboxed document
(a CSP with ``sandbox`` and no script, form, frame or outside load), never
indexed, with a banner that says it is our copy and when it was taken. Any
other file is a download. A file the newsroom was given (uploaded) is never
shown as a copy of the source's address: its banner says what it is and
when it was uploaded, and our copy of a source with an address is the
newest capture of that address (``?capture=<id>`` opens the uploaded file,
which the source's page lists apart). Work per request is bounded: one capture, read
from storage, no larger than the fetch limit.

The archive of a source is public only while a live published version cites
the source (``publicly_cited``): a source in the library that no article
readers see cites, and the files uploaded as its captures, are nobody's
business but the newsroom's. For anyone else it is a 404, as if it did not
exist; staff who may view captures still see it (from the source's admin
page), never cached by a shared cache.
"""

import re

from django.db.models import Case, IntegerField, Value, When
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.html import escape
from django.views.decorators.http import require_safe

from entities.models import Source
from newsroom.ids import is_id

from . import archiving
from .models import Capture, SourceState, Watch

ARCHIVE_CSP = (
    "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
    "font-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
# A refresh would take the reader from our copy to wherever the page says.
_REFRESH = re.compile(r"<meta[^>]*http-equiv\s*=\s*[\"']?\s*refresh[^>]*>", re.I)


VIEW_CAPTURE = "sources.view_capture"


def publicly_cited(source_id: int) -> bool:
    """Whether a live published version (what readers see) cites the source."""
    from articles.models import PublishedCitation

    return PublishedCitation.objects.live().filter(source_id=source_id).exists()


def _staff_view(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.has_perm(VIEW_CAPTURE)


def _capture(request, source: Source) -> Capture:
    wanted = request.GET.get("capture")
    captures = Capture.objects.filter(source=source)
    if wanted is not None:
        if not is_id(wanted) or len(request.GET.getlist("capture")) > 1:
            raise Http404("No such capture.")
        captures = captures.filter(pk=int(wanted))
    # Our copy of a source is what its address served (fetched, or made from
    # a file in the repository): a file the newsroom was given comes first
    # only when there is nothing else, and is labelled as what it is.
    uploaded_last = Case(
        When(origin=Capture.Origin.UPLOADED, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    capture = captures.order_by(uploaded_last, "-captured_at", "-pk").first()
    if capture is None:
        raise Http404("We have no archived copy of this source yet.")
    return capture


def banner(source: Source, capture: Capture, gone: bool) -> str:
    if capture.origin == Capture.Origin.UPLOADED:
        return uploaded_banner(source, capture, gone)
    original = capture.final_url or source.url
    link = _link(original)
    state = " The original is gone." if gone else ""
    return (
        '<div role="note" style="all:initial;display:block;box-sizing:border-box;'
        "width:100%;padding:.6em 1em;background:#fff3bf;color:#000;"
        'font:15px/1.4 system-ui,sans-serif;border-bottom:2px solid #000">'
        f"<strong>Archived copy</strong> of {link}, captured "
        f'<time datetime="{capture.captured_at.isoformat()}">'
        f"{capture.captured_at:%Y-%m-%d %H:%M} UTC</time> "
        f"({escape(source.title)}). Scripts and forms of the page are switched "
        f"off.{state}</div>"
    )


def _link(url: str) -> str:
    if url.startswith(("http://", "https://")):
        return (
            f'<a href="{escape(url)}" rel="nofollow noopener noreferrer">'
            f"{escape(url)}</a>"
        )
    return escape(url)


def uploaded_banner(source: Source, capture: Capture, gone: bool) -> str:
    """The banner of a file the newsroom was given: never "archived copy"."""
    address = f" It is not a copy we took of {_link(source.url)}." if source.url else ""
    state = " The original is gone." if gone and source.url else ""
    return (
        '<div role="note" style="all:initial;display:block;box-sizing:border-box;'
        "width:100%;padding:.6em 1em;background:#e7f5ff;color:#000;"
        'font:15px/1.4 system-ui,sans-serif;border-bottom:2px solid #000">'
        "<strong>A file the newsroom was given</strong>, uploaded "
        f'<time datetime="{capture.captured_at.isoformat()}">'
        f"{capture.captured_at:%Y-%m-%d %H:%M} UTC</time>, as evidence for "
        f"“{escape(source.title)}”.{address} Scripts and forms of the file are "
        f"switched off.{state}</div>"
    )


@require_safe
def archive(request, pk: int):
    source = get_object_or_404(Source, pk=pk)
    public = publicly_cited(source.pk)
    if not public and not _staff_view(request):
        raise Http404("No such archived copy.")
    capture = _capture(request, source)
    with capture.warc.open("rb") as stream:
        body, content_type = archiving.read_body(stream)
    gone = Watch.objects.filter(source=source, state=SourceState.GONE).exists()
    kind = (content_type or "").split(";")[0].strip().lower()
    if archiving.is_html(kind) or kind.startswith("text/"):
        text = archiving.decode(body, content_type)
        if not archiving.is_html(kind):
            text = f"<pre>{escape(text)}</pre>"
        text = _REFRESH.sub("", text)
        page = (
            "<!doctype html><meta charset=utf-8>"
            '<meta name="robots" content="noindex,nofollow">'
            + banner(source, capture, gone)
            + text
        )
        response = HttpResponse(page, content_type="text/html; charset=utf-8")
    else:
        response = HttpResponse(body, content_type="application/octet-stream")
        extension = {"application/pdf": ".pdf"}.get(kind, ".bin")
        uploaded = capture.origin == Capture.Origin.UPLOADED
        what = "uploaded-file" if uploaded else "capture"
        response["Content-Disposition"] = (
            f'attachment; filename="source-{source.pk}-{what}-{capture.pk}{extension}"'
        )
    response["Content-Security-Policy"] = ARCHIVE_CSP
    response["X-Robots-Tag"] = "noindex, nofollow, noarchive"
    response["X-Content-Type-Options"] = "nosniff"
    response["Referrer-Policy"] = "no-referrer"
    # Only what readers may see goes to shared caches.
    response["Cache-Control"] = "public, max-age=300" if public else "private, no-store"
    return response


def evidence_json(request, slug: str):
    """``/articles/<slug>/evidence.json``: the live version's replication bundle."""
    from django.http import JsonResponse
    from django.shortcuts import render

    from articles.views import Withdrawn, _published_article

    from . import evidence

    try:
        article = _published_article(slug, to_render=True)
    except Withdrawn as gone:
        return render(request, "410.html", {"article": gone.article}, status=410)
    return JsonResponse(
        evidence.bundle(article),
        json_dumps_params={"indent": 2, "ensure_ascii": False},
    )
