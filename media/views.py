"""
``/media/...``: the library's files, served by the app when they are on the
file system (``make run``; production serves the same folder from its web
server, or the files live in object storage and are linked there).

Bounded in time and memory whatever is asked: the path is checked against
the two folders of content-addressed images before the disk is touched, and
a file is streamed in blocks, never read whole. Only images are served, as
the type their name says, with ``nosniff`` and a CSP that forbids
everything a document could do; anything else is a 404.
"""

import re

from django.core.files.storage import FileSystemStorage, default_storage
from django.http import FileResponse, Http404, HttpResponseNotModified
from django.utils.http import http_date
from django.views.decorators.http import require_safe

from .models import FORMATS

CONTENT_TYPES = {extension: mime for _name, extension, mime in FORMATS.values()}

# images/ab/<sha256>.<ext> and renditions/ab/<sha256>/<width>w-<hash>.<ext>
PUBLIC_PATH = re.compile(
    r"(?:images/[0-9a-f]{2}/[0-9a-f]{64}|"
    r"renditions/[0-9a-f]{2}/[0-9a-f]{64}/[0-9]{1,5}w-[0-9a-f]{16})"
    r"\.(jpg|png|webp|avif)\Z"
)
# The names hold a hash of the content: a name never names other bytes.
CACHE_CONTROL = "public, max-age=31536000, immutable"
CSP = "default-src 'none'; sandbox"


@require_safe
def serve(request, path: str):
    """A library file from the file system storage; 404 for anything else."""
    match = PUBLIC_PATH.match(path)
    if match is None or not isinstance(default_storage, FileSystemStorage):
        raise Http404("No such file.")
    etag = f'"{path.rsplit("/", 1)[-1]}"'
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        try:
            handle = default_storage.open(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise Http404("No such file.") from None
        response = FileResponse(handle, content_type=CONTENT_TYPES[match.group(1)])
        response["Last-Modified"] = http_date(
            default_storage.get_modified_time(path).timestamp()
        )
    response["ETag"] = etag
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = CSP
    response["Cross-Origin-Resource-Policy"] = "same-site"
    return response
