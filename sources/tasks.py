"""The source archive's background tasks (Django's Tasks framework)."""

from django.core.management import call_command
from django.tasks import task

from . import workflow


@task()
def capture_source(source_id: int, attempt: int = 1, by: int | None = None) -> str:
    """Capture one source; tried again later with back-off if the web fails."""
    return workflow.capture_attempt(source_id, attempt, by)


@task()
def check_sources() -> str:
    """The scheduled check of the sources that are due (as the command does)."""
    from io import StringIO

    out = StringIO()
    call_command("check_sources", stdout=out, stderr=StringIO())
    return out.getvalue()[-2000:]


@task()
def wayback_submit(source_id: int) -> str:
    """Submit a source to the Internet Archive's Save Page Now (when configured)."""
    from . import wayback

    return wayback.submit(source_id)


@task()
def wayback_status(source_id: int, job: str, attempt: int = 1) -> str:
    """Ask Save Page Now whether its capture is done; store the archive address."""
    from . import wayback

    return wayback.status(source_id, job, attempt)
