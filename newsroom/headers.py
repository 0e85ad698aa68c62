"""
Security headers of files served as they are stored (static files, media).

Pages get theirs from Django's middleware; a file sent by WhiteNoise (whose
WHITENOISE_ADD_HEADERS_FUNCTION this is), or by any other door that serves
stored files, gets them here, so it carries them whatever serves it:

- every file: ``X-Content-Type-Options: nosniff``, so a browser never takes
  a file for another type than the one it is sent as;
- a file a browser can open as a document of this site (HTML, SVG, XML):
  a Content-Security-Policy that runs no script, loads nothing from
  elsewhere, sandboxes the document and forbids framing it.
"""

# A document that is a file: its own images and styles, nothing else.
FILE_CSP = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'; sandbox"
)
DOCUMENT_TYPES = frozenset(
    {
        "text/html",
        "application/xhtml+xml",
        "image/svg+xml",
        "text/xml",
        "application/xml",
    }
)


def file_security_headers(headers, path: str, url: str) -> None:
    """Add the security headers of a stored file to ``headers`` (a mapping)."""
    headers["X-Content-Type-Options"] = "nosniff"
    media_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if media_type in DOCUMENT_TYPES:
        headers["Content-Security-Policy"] = FILE_CSP
