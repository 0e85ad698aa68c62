"""Captures of cited sources and what the checks found (issue 19)."""

from django.conf import settings
from django.db import models

from entities.models import Source


class Capture(models.Model):
    """One copy of a source as it was at one moment, kept as a WARC record."""

    class Origin(models.TextChoices):
        FETCHED = "fetched", "Fetched from the web"
        UPLOADED = "uploaded", "Uploaded by an editor"
        FILE = "file", "Made from a file (demo, import)"

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="captures"
    )
    origin = models.CharField(max_length=10, choices=Origin, default=Origin.FETCHED)
    requested_url = models.CharField(max_length=2000, blank=True)
    final_url = models.CharField(
        "final URL", max_length=2000, blank=True, help_text="After redirects."
    )
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    content_type = models.CharField(max_length=200, blank=True)
    captured_at = models.DateTimeField(db_index=True)
    warc = models.FileField("WARC file", upload_to="captures/%Y/%m/", max_length=300)
    size = models.PositiveIntegerField(default=0)
    truncated = models.BooleanField(
        default=False, help_text="The body was cut at the size limit."
    )
    sha256 = models.CharField("SHA-256 of the body", max_length=64)
    text_sha256 = models.CharField(
        "SHA-256 of the main text",
        max_length=64,
        help_text="What drift is measured on: adverts and clocks left out.",
    )
    title = models.CharField(max_length=300, blank=True)
    redirects = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-captured_at", "-pk"]
        indexes = [models.Index(fields=["source", "-captured_at"])]
        permissions = [
            # An uploaded file is evidence readers see beside a fact-check:
            # who may give one is a role's right (articles/roles.py).
            ("upload_capture", "Can upload a file as a source's capture"),
        ]

    def __str__(self):
        return f"{self.source_id} at {self.captured_at:%Y-%m-%d %H:%M}"


class SourceState(models.TextChoices):
    UNCHECKED = "unchecked", "Not checked yet"
    ALIVE = "alive", "Alive and unchanged"
    MOVED = "moved", "Moved (redirects elsewhere)"
    GONE = "gone", "Gone"
    CHANGED = "changed", "Changed since captured"


class Watch(models.Model):
    """Where a source stands: its last check, what it found, when it is due."""

    State = SourceState

    source = models.OneToOneField(
        Source, on_delete=models.CASCADE, primary_key=True, related_name="watch"
    )
    state = models.CharField(max_length=10, choices=State, default=State.UNCHECKED)
    checked_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failures = models.PositiveSmallIntegerField(
        default=0, help_text="Failed checks in a row."
    )
    moved_to = models.CharField(max_length=2000, blank=True)
    since = models.DateTimeField(
        null=True, blank=True, help_text="When it entered its state."
    )

    def __str__(self):
        return f"source {self.source_id}: {self.state}"


class Attempt(models.Model):
    """One fetch of a source and what came of it (refusals with their reason)."""

    class Outcome(models.TextChoices):
        CAPTURED = "captured", "Captured"
        REFUSED = "refused", "Refused"
        FAILED = "failed", "Failed"
        RETRYING = "retrying", "Failed, will retry"

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="attempts"
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    url = models.CharField(max_length=2000)
    outcome = models.CharField(max_length=10, choices=Outcome)
    reason = models.CharField(max_length=500, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    capture = models.ForeignKey(
        Capture, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.url}: {self.outcome}"
