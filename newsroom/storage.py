"""
Object storage for media: django-storages' S3 backend, with the headers
that content-addressed files deserve.

Used when ``AWS_STORAGE_BUCKET_NAME`` is set (``newsroom/settings.py``). The
apps store files through Django's ``default_storage`` and never ask which
backend it is; only what each object is sent with is decided here.
"""

import mimetypes

from storages.backends.s3 import S3Storage

# Files whose names hold a hash of their content never change: a browser or
# a CDN may keep them for a year without asking again.
IMMUTABLE_PREFIXES = ("images/", "renditions/")
IMMUTABLE = "public, max-age=31536000, immutable"


class MediaS3Storage(S3Storage):
    """S3-compatible storage; content-addressed media are cached for a year."""

    def get_object_parameters(self, name):
        params = super().get_object_parameters(name)
        if name.startswith(IMMUTABLE_PREFIXES):
            params.setdefault("CacheControl", IMMUTABLE)
        guessed, _encoding = mimetypes.guess_type(name)
        # What is not an image is sent as a download, never shown inline on
        # the bucket's origin (an HTML or SVG file could run scripts there).
        if not (guessed or "").startswith("image/") or guessed == "image/svg+xml":
            params.setdefault("ContentDisposition", "attachment")
        return params
