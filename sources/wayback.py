"""
The optional public archive: a captured source is also submitted to the
Internet Archive's Save Page Now (SPN2 API), and the archive address it
returns is stored as the source's ``archive_url``. Off unless
``WAYBACK_ACCESS_KEY`` and ``WAYBACK_SECRET_KEY`` are set; ``WAYBACK_SAVE_URL``
names the endpoint (a local stand-in in tests).
"""

import logging
import re
from datetime import timedelta

import httpx
import reversion
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from entities.models import Source

logger = logging.getLogger(__name__)

_TIMESTAMP = re.compile(r"[0-9]{14}")
_JOB = re.compile(r"[A-Za-z0-9_.:-]{1,200}")


def enabled() -> bool:
    return bool(settings.WAYBACK_ACCESS_KEY and settings.WAYBACK_SECRET_KEY)


def _client() -> httpx.Client:
    return httpx.Client(
        timeout=settings.NEWSROOM_FETCH_TIMEOUT,
        trust_env=False,
        headers={
            "Accept": "application/json",
            "Authorization": (
                f"LOW {settings.WAYBACK_ACCESS_KEY}:{settings.WAYBACK_SECRET_KEY}"
            ),
            "User-Agent": settings.NEWSROOM_FETCH_USER_AGENT,
        },
    )


def enqueue_submit(source_id: int) -> None:
    """Submit ``source_id`` to Save Page Now after the commit (when enabled)."""
    if not enabled():
        return

    def send():
        from .tasks import wayback_submit

        wayback_submit.enqueue(source_id)

    transaction.on_commit(send, robust=True)


def submit(source_id: int) -> str:
    """Ask Save Page Now for a capture; its status is asked for later."""
    source = Source.objects.filter(pk=source_id).first()
    if source is None or not source.url or not enabled():
        return "nothing to submit"
    try:
        with _client() as client:
            response = client.post(
                settings.WAYBACK_SAVE_URL,
                data={"url": source.url, "skip_first_archive": "1"},
            )
        job = str(response.json().get("job_id", ""))
    except (httpx.HTTPError, ValueError, AttributeError) as exc:
        logger.warning("Save Page Now refused source %s: %s", source_id, exc)
        return "failed"
    if response.status_code != 200 or not _JOB.fullmatch(job):
        logger.warning(
            "Save Page Now answered %s for source %s", response.status_code, source_id
        )
        return "failed"
    _enqueue_status(source_id, job, 1)
    return "submitted"


def _enqueue_status(source_id: int, job: str, attempt: int) -> None:
    from .tasks import wayback_status

    delay = settings.WAYBACK_STATUS_SECONDS * attempt
    task = wayback_status
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    transaction.on_commit(lambda: task.enqueue(source_id, job, attempt), robust=True)


def status(source_id: int, job: str, attempt: int) -> str:
    """Store the archive address once the capture is done; ask again if pending."""
    try:
        with _client() as client:
            answer = client.get(f"{settings.WAYBACK_SAVE_URL}/status/{job}").json()
    except (httpx.HTTPError, ValueError) as exc:
        answer = {"status": "pending", "message": str(exc)}
    state = answer.get("status") if isinstance(answer, dict) else None
    if state == "success":
        timestamp = str(answer.get("timestamp", ""))
        original = str(answer.get("original_url", ""))
        if not _TIMESTAMP.fullmatch(timestamp) or not original.startswith(
            ("http://", "https://")
        ):
            return "failed"
        web = settings.WAYBACK_SAVE_URL.rsplit("/save", 1)[0] + "/web/"
        return _store(source_id, f"{web}{timestamp}/{original}")
    if state == "pending" and attempt < 5:
        with transaction.atomic():
            _enqueue_status(source_id, job, attempt + 1)
        return "pending"
    logger.warning("Save Page Now did not capture source %s: %s", source_id, answer)
    return "failed"


def _store(source_id: int, archive_url: str) -> str:
    if len(archive_url) > 500:
        return "failed"  # longer than the field holds
    with transaction.atomic(), reversion.create_revision():
        source = Source.objects.select_for_update().filter(pk=source_id).first()
        if source is None:
            return "gone"
        source.archive_url = archive_url
        source.save(update_fields=["archive_url", "updated_at"])
        reversion.set_comment("Archived on the Wayback Machine (Save Page Now)")
    logger.info("Source %s archived at %s", source_id, archive_url)
    return "archived"
