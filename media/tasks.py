"""
Background work of the media library (Django's Tasks framework, run by
``manage.py db_worker``): renditions, made once per image and width, and
the stored pages that show the image rendered again with them.

Enqueued when the transaction that stored an image (or published a page
that shows one without renditions) commits. With no worker running nothing
is lost: the task waits, and pages show the original meanwhile.
"""

import logging
from datetime import timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from . import renditions

logger = logging.getLogger(__name__)

# A failed attempt (the storage unreachable, say) is tried again later, up
# to this many times, each after twice the wait of the one before.
ATTEMPTS = 5
FIRST_WAIT = timedelta(seconds=30)


@task
def make_renditions(
    name: str, sha256: str, original_format: str, width: int, attempt: int = 1
):
    """Make the missing renditions of one original, then refresh the pages."""
    try:
        made = renditions.make(name, sha256, original_format, width)
    except FileNotFoundError:
        logger.error("Renditions of %s: its file %s is gone", sha256[:12], name)
        return {"created": 0, "error": "file not found"}
    except OSError:
        if attempt >= ATTEMPTS:
            logger.exception("Renditions of %s failed %s times", sha256[:12], attempt)
            raise
        wait = FIRST_WAIT * 2 ** (attempt - 1)
        logger.warning(
            "Renditions of %s failed (attempt %s); trying again in %s",
            sha256[:12],
            attempt,
            wait,
        )
        make_renditions.using(run_after=timezone.now() + wait).enqueue(
            name, sha256, original_format, width, attempt + 1
        )
        return {"created": 0, "retry": attempt + 1}
    pages = 0
    if made.created:
        from .usage import refresh_pages_showing

        pages = refresh_pages_showing(sha256)
    return {"created": made.created, "pages": pages, "seconds": made.seconds}


def enqueue_renditions(name: str, sha256: str, original_format: str, width: int):
    """Ask the worker for the renditions of one original, once this commits."""
    transaction.on_commit(
        lambda: make_renditions.enqueue(name, sha256, original_format, width)
    )
