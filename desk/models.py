"""Notes, notifications, the audit log and the scheduler's runs."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from articles.models import Article, Claim
from entities.models import limited_text

NOTE_MAX_LENGTH = 5_000


class NoteQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at__isnull=True)


class Note(models.Model):
    """
    A note between colleagues on an article, or on one of its claims; never
    public, never in a revision of the text. A reply names its thread's first
    note; a note on a claim stays with the claim however the text is edited.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="notes")
    claim = models.ForeignKey(
        Claim,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notes",
        help_text="The claim the note is about; empty for the whole article.",
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
        help_text="The first note of the thread this one answers.",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = limited_text(NOTE_MAX_LENGTH)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in_notes"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["article", "resolved_at"], name="note_article_open"),
        ]

    def __str__(self):
        text = " ".join(self.text.split())
        return text if len(text) <= 60 else text[:59] + "…"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class Action(models.TextChoices):
    ASSIGN = "assign", "Assigned"
    SUBMIT = "submit", "Submitted for review"
    TAG = "tag", "Tagged a claim"
    RATE = "rate", "Rated a claim"
    RECONFIRM = "reconfirm", "Re-confirmed a rating"
    NO_CLAIMS = "no_claims", "Recorded that the text has no checkable claims"
    DELETE_CLAIM = "delete_claim", "Deleted a claim"
    SIGN_OFF = "sign_off", "Signed off"
    SEND_BACK = "send_back", "Sent back to review"
    SCHEDULE = "schedule", "Scheduled"
    PUBLISH = "publish", "Published"
    UNPUBLISH = "unpublish", "Unpublished"
    CORRECT = "correct", "Added a correction"
    RESTORE = "restore", "Restored a revision"
    RECOVER = "recover", "Recovered a deleted article"
    NOTE = "note", "Wrote a note"
    RESOLVE = "resolve", "Resolved a note"


class AuditEvent(models.Model):
    """One state change: who did what to which article, and when. Kept forever."""

    Action = Action

    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for the system (the scheduler, an automatic return "
        "to review).",
    )
    action = models.CharField(max_length=20, choices=Action, db_index=True)
    article = models.ForeignKey(
        Article,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_events",
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The article's title when it happened: the log outlives deleted articles.
    article_title = models.CharField(max_length=300, blank=True)
    detail = models.CharField(max_length=1000, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(action__in=Action.values),
                name="audit_event_action_valid",
            ),
        ]

    def __str__(self):
        who = self.user or "the system"
        return f"{who} {self.get_action_display().lower()} {self.article_title}"


class EmailState(models.TextChoices):
    NONE = "none", "No email (no address)"
    PENDING = "pending", "Waiting to be sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Could not be sent"


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """Something a user should know, shown on their desk and sent by email."""

    EmailState = EmailState

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    event = models.ForeignKey(
        AuditEvent, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, help_text="Where to act, in the admin.")
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_state = models.CharField(
        max_length=10, choices=EmailState, default=EmailState.NONE
    )
    email_attempts = models.PositiveSmallIntegerField(default=0)
    email_error = models.CharField(max_length=500, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_user_unread"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "event"], name="notification_once_per_event"
            ),
            models.CheckConstraint(
                condition=models.Q(email_state__in=EmailState.values),
                name="notification_email_state_valid",
            ),
        ]

    def __str__(self):
        return self.text


class SchedulerRun(models.Model):
    """
    One run of a scheduled job (``publish_scheduled``, ``check_sources``), so
    the desk can tell it is running.
    """

    PUBLISH = "publish_scheduled"
    CHECK_SOURCES = "check_sources"

    job = models.CharField(max_length=40, default=PUBLISH, db_index=True)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    published = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    detail = models.CharField(max_length=200, blank=True, help_text="What it did.")

    class Meta:
        ordering = ["-started_at"]
        get_latest_by = "started_at"

    def __str__(self):
        return f"{self.job} run of {self.started_at:%Y-%m-%d %H:%M}"
