"""
Publishing scheduled articles (``Article.publish_at``), run from cron.

``publish_due()`` publishes, through ``workflow.publish``, every article whose
scheduled time has come and that passes the fact-check gate, and reports the
ones the gate refused. Two runs at the same moment (two cron hosts, a slow
run overlapping the next) publish each due article exactly once: each article
is taken under its row lock, skipping rows another run holds, and its
schedule is checked again inside the lock (a publish clears it).
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

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


def publish_due(*, user, now: datetime | None = None, dry_run: bool = False):
    """Publish every due scheduled article that passes the gate."""
    if not user.has_perm(workflow.PUBLISH_PERMISSION):
        raise PermissionDenied("Only publishers may publish articles.")
    now = now or timezone.now()
    run = ScheduledRun()
    skip_locked = connection.features.has_select_for_update_skip_locked
    for pk in list(due_articles(now).values_list("pk", flat=True)):
        article = None
        try:
            with transaction.atomic():
                article = (
                    Article.objects.select_for_update(skip_locked=skip_locked)
                    .filter(pk=pk, publish_at__lte=now)
                    .first()
                )
                if article is None:
                    # Locked by another run, or published since we looked.
                    run.skipped.append(pk)
                    continue
                if dry_run:
                    blockers = workflow.gate_blockers(article)
                    if blockers:
                        run.refused.append((article, [b.message for b in blockers]))
                    else:
                        run.would_publish.append(article)
                    continue
                when = timezone.localtime(article.publish_at)
                version = workflow.publish(
                    article, user=user, note=f"{NOTE} ({when:%Y-%m-%d %H:%M})"
                )
        except ValidationError as exc:
            run.refused.append((article, exc.messages))
            logger.warning(
                "Scheduled article %s not published: %s", pk, "; ".join(exc.messages)
            )
            continue
        run.published.append(version)
    return run
