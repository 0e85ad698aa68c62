"""
The desk: the admin's front page, per user and role.

Every list is cut at ``SHOWN`` lines with its total beside it and a link to
the whole list, so the page costs the same few queries whatever the size of
the archive (tests/test_desk.py counts them with 1 and 300 of everything).
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import F, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from articles.models import Article, Claim, Correction, PublishedVersion
from articles.workflow import PUBLISH_PERMISSION, RATE_PERMISSION, may

from .models import Note, Notification, SchedulerRun

SHOWN = 10
# The scheduler runs every minute: a pause longer than this is a problem.
SCHEDULER_LATE = timedelta(minutes=5)
# The sources are checked every hour: a check older than this is a problem.
SOURCES_LATE = timedelta(hours=3)
# What "recently" means for published and corrected articles.
RECENT = timedelta(days=7)

ACTIVE = (Article.Status.DRAFT, Article.Status.IN_REVIEW, Article.Status.READY)


@dataclass
class Section:
    """One list of the desk: its lines, how many there are, where the rest is."""

    key: str
    title: str
    rows: list
    total: int
    empty: str
    more_url: str = ""
    note: str = ""
    lines: list = field(default_factory=list)


def _changelist(model: str, **filters) -> str:
    url = reverse(f"admin:{model}_changelist")
    return f"{url}?{urlencode(filters)}" if filters else url


def _cut(queryset) -> tuple[list, int]:
    """The first ``SHOWN`` rows, and the total (a count only when cut)."""
    rows = list(queryset[: SHOWN + 1])
    if len(rows) <= SHOWN:
        return rows, len(rows)
    return rows[:SHOWN], queryset.order_by().count()


def _by_due(queryset, now):
    """Overdue first, then by due time (none last), then the most urgent."""
    return queryset.order_by(
        F("due_at").asc(nulls_last=True), "-priority", "-updated_at"
    )


def role_names(user) -> list[str]:
    """
    The user's role in words, as the desk's header says it: from the
    permissions the admin has loaded anyway, not another query.
    """
    if user.is_superuser:
        return ["Administrator"]
    for permission, name in (
        (PUBLISH_PERMISSION, "Publisher"),
        (RATE_PERMISSION, "Fact-checker"),
        ("articles.add_article", "Reporter"),
    ):
        if user.has_perm(permission):
            return [name]
    return ["Staff, no role yet"]


def desk(user, now=None) -> dict:
    """Everything the desk shows ``user``, in sections."""
    now = now or timezone.now()
    sections = [
        _notifications(user),
        _assigned(user, now),
        _my_claims(user),
        _open_notes(user),
        _my_drafts(user),
    ]
    if may(user, RATE_PERMISSION):
        sections.append(_waiting_for_check())
    if may(user, PUBLISH_PERMISSION):
        sections += [
            _ready(),
            _scheduled(now),
            _recently_published(now),
            _recently_corrected(now),
        ]
    return {
        "sections": [s for s in sections if s is not None],
        "now": now,
        "roles": role_names(user),
    }


def _notifications(user) -> Section:
    rows, total = _cut(
        Notification.objects.unread().filter(user=user).select_related("event")
    )
    return Section(
        "notifications",
        "Notifications",
        rows,
        total,
        "Nothing new.",
    )


def _assigned(user, now) -> Section:
    articles = Article.objects.assigned_to(user).filter(status__in=ACTIVE)
    rows, total = _cut(
        _by_due(articles, now).select_related("editor", "reporter", "checker")
    )
    for article in rows:
        article.is_overdue = article.due_at is not None and article.due_at < now
        article.my_roles = [
            role
            for role in ("editor", "reporter", "checker")
            if getattr(article, f"{role}_id") == user.pk
        ]
    return Section(
        "assigned",
        "Articles assigned to me",
        rows,
        total,
        "No article is assigned to you.",
        more_url=_changelist("articles_article", assigned="me"),
    )


def _my_claims(user) -> Section | None:
    if not may(user, RATE_PERMISSION):
        return None
    claims = (
        Claim.objects.assigned_to(user)
        .waiting_for_check()
        .select_related("article", "claimant")
        .order_by(F("article__due_at").asc(nulls_last=True), "article", "start")
    )
    rows, total = _cut(claims)
    return Section(
        "my-claims",
        "Claims assigned to me, waiting for a check",
        rows,
        total,
        "No claim assigned to you is waiting.",
        more_url=_changelist("articles_claim", assigned="me", waiting="yes"),
    )


def _open_notes(user) -> Section:
    notes = (
        Note.objects.open()
        .filter(parent__isnull=True)
        .filter(
            Q(mentions=user)
            | Q(replies__mentions=user)
            | Q(article__editor=user)
            | Q(article__reporter=user)
            | Q(article__checker=user)
            | Q(author=user)
        )
        .distinct()
        .select_related("article", "claim", "author")
        .order_by("-created_at", "-pk")
    )
    rows, total = _cut(notes)
    return Section(
        "notes",
        "Open notes for me",
        rows,
        total,
        "No open note names you or your articles.",
    )


def _my_drafts(user) -> Section:
    drafts = (
        Article.objects.filter(Q(authors=user) | Q(reporter=user))
        .filter(status__in=(Article.Status.DRAFT, Article.Status.WITHDRAWN))
        .distinct()
        .order_by("-updated_at", "-pk")
    )
    rows, total = _cut(drafts)
    return Section(
        "drafts",
        "My drafts",
        rows,
        total,
        "You have no draft.",
        more_url=_changelist("articles_article", status__exact="draft", mine="yes"),
    )


def _waiting_for_check() -> Section:
    claims = (
        Claim.objects.waiting_for_check()
        .select_related("article", "claimant", "assignee")
        .order_by(F("article__due_at").asc(nulls_last=True), "-article__priority", "pk")
    )
    rows, total = _cut(claims)
    return Section(
        "waiting",
        "Claims waiting for a check",
        rows,
        total,
        "Every claim in review is checked.",
        more_url=_changelist("articles_claim", waiting="yes"),
        note="Not yet rated, or rated and changed since (stale), in articles in "
        "review or published.",
    )


def _ready() -> Section:
    rows, total = _cut(
        Article.objects.filter(status=Article.Status.READY)
        .select_related("signed_off_by")
        .order_by("signed_off_at", "pk")
    )
    return Section(
        "ready",
        "Signed off, ready to publish",
        rows,
        total,
        "Nothing is waiting to be published.",
        more_url=_changelist("articles_article", status__exact="ready"),
    )


def _scheduled(now) -> Section:
    rows, total = _cut(
        Article.objects.filter(publish_at__isnull=False)
        .select_related("scheduled_by")
        .order_by("publish_at", "pk")
    )
    runs = _last_runs(SchedulerRun.PUBLISH, SchedulerRun.CHECK_SOURCES)
    last = runs.get(SchedulerRun.PUBLISH)
    note = ""
    if total and (last is None or last.started_at < now - SCHEDULER_LATE):
        when = (
            f"last ran at {timezone.localtime(last.started_at):%Y-%m-%d %H:%M}"
            if last
            else "has never run"
        )
        note = (
            f"The scheduler {when}: scheduled articles are not being published. "
            "Run `manage.py publish_scheduled` from cron every minute."
        )
    return Section(
        "scheduled",
        "Scheduled publications",
        rows,
        total,
        "Nothing is scheduled.",
        note=note,
        lines=[_sources_checked(runs.get(SchedulerRun.CHECK_SOURCES), now)],
    )


def _last_runs(*jobs) -> dict:
    """The last run of each of ``jobs``, by job, in one query."""
    latest = Q(pk__in=[])
    for job in jobs:
        last = SchedulerRun.objects.filter(job=job).order_by("-started_at", "-pk")
        latest |= Q(pk=Subquery(last.values("pk")[:1]))
    return {run.job: run for run in SchedulerRun.objects.filter(latest)}


def _sources_checked(run, now) -> str:
    if run is None:
        return (
            "Cited sources have not been checked yet: run `manage.py "
            "check_sources` from cron every hour (`make run` does)."
        )
    said = (
        f"Cited sources last checked at "
        f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M} ({run.detail})."
    )
    if run.started_at < now - SOURCES_LATE:
        said += (
            " That is more than three hours ago: is the hourly `manage.py "
            "check_sources --enqueue` scheduled, and a worker (`manage.py "
            "db_worker`) running?"
        )
    return said


def _recently_published(now) -> Section:
    rows, total = _cut(
        PublishedVersion.objects.filter(published_at__gte=now - RECENT)
        .only("number", "title", "published_at", "article_id", "published_by")
        .select_related("published_by")
        .order_by("-published_at", "-pk")
    )
    return Section(
        "published",
        "Published this week",
        rows,
        total,
        "Nothing was published this week.",
    )


def _recently_corrected(now) -> Section:
    rows, total = _cut(
        Correction.objects.filter(date__gte=now - RECENT)
        .select_related("article")
        .only("kind", "text", "date", "article__title", "article__id")
        .order_by("-date", "-pk")
    )
    return Section(
        "corrected",
        "Corrected this week",
        rows,
        total,
        "No correction this week.",
    )
