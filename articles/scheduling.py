"""
Publishing scheduled articles (``Article.publish_at``), run from cron.

``publish_due()`` publishes, through ``workflow.publish``, every article whose
scheduled time has come and that passes the fact-check gate, as the publisher
who scheduled it (``workflow.schedule`` records who), and reports the ones it
refused: blocked by the gate, or scheduled by someone who may no longer
publish. Two runs at the same moment (two cron hosts, a slow
run overlapping the next) publish each due article exactly once: each article
is taken under its row lock, skipping rows another run holds, and its
schedule is checked again inside the lock (a publish clears it).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone

from . import workflow
from .models import Article, PublishedVersion

logger = logging.getLogger(__name__)

NOTE = "Scheduled publication"


@dataclass
class ScheduledRun:
    """What a run of ``publish_due`` did."""

    published: list[PublishedVersion] = field(default_factory=list)
    refused: list[tuple[Article, list[str]]] = field(default_factory=list)
    # Due articles another run was publishing at the same moment.
    skipped: list[int] = field(default_factory=list)
    # Dry run: due articles that pass the gate and would be published.
    would_publish: list[Article] = field(default_factory=list)


def due_articles(now: datetime | None = None):
    """Articles whose scheduled publish time has come, earliest first."""
    now = now or timezone.now()
    return Article.objects.filter(publish_at__lte=now).order_by("publish_at", "pk")


def publish_due(*, now: datetime | None = None, dry_run: bool = False):
    """
    Publish every due scheduled article that passes the gate, each for the
    publisher who scheduled it (if they may still publish). A dry run
    publishes and rolls back, so it applies the very same rules.
    """
    now = now or timezone.now()
    run = ScheduledRun()
    started = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    for pk in list(due_articles(now).values_list("pk", flat=True)):
        article = None
        try:
            with transaction.atomic():
                article = (
                    Article.objects.select_for_update(
                        skip_locked=skip_locked, of=("self",)
                    )
                    .select_related("scheduled_by")
                    .filter(pk=pk, publish_at__lte=now)
                    .first()
                )
                if article is None:
                    # Locked by another run, or published since we looked.
                    run.skipped.append(pk)
                    continue
                if reasons := workflow.check_scheduled_publish(article):
                    raise ValidationError(reasons)
                when = timezone.localtime(article.publish_at)
                version = workflow.publish(
                    article,
                    user=article.scheduled_by,
                    note=f"{NOTE} ({when:%Y-%m-%d %H:%M})",
                )
                if dry_run:
                    transaction.set_rollback(True)
                    run.would_publish.append(article)
                    continue
        except (ValidationError, PermissionDenied) as exc:
            messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
            run.refused.append((article, messages))
            logger.warning(
                "Scheduled article %s not published: %s", pk, "; ".join(messages)
            )
            continue
        run.published.append(version)
    if not dry_run:
        _record_run(started, run)
    return run


def _record_run(started, run: ScheduledRun) -> None:
    """Note the run, so the desk can tell the scheduler is running; keep a day."""
    from desk.models import SchedulerRun

    SchedulerRun.objects.create(
        job=SchedulerRun.PUBLISH,
        started_at=started,
        published=len(run.published),
        refused=len(run.refused),
    )
    SchedulerRun.objects.filter(
        job=SchedulerRun.PUBLISH, started_at__lt=started - timedelta(days=1)
    ).delete()
