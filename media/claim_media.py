"""
Media as the carrier of a claim: the fields a claim has when it is about a
picture or a video (instead of, or as well as, words of the article).

The fields are the claim's own (``articles.Claim`` inherits them), so a
claim's media is saved, revised, restored and exported with the claim. What
the media is and where it appeared is part of what the rating covers
(``articles.staleness``); how authentic it is, is part of the rating itself
(``articles.workflow.rate_claim``), published as schema.org ``MediaReview``.
"""

from django.core.exceptions import ValidationError
from django.db import models

from entities.validators import validate_http_url


class MediaType(models.TextChoices):
    IMAGE = "image", "Image"
    VIDEO = "video", "Video"


class MediaAuthenticity(models.TextChoices):
    """
    How authentic the media is, as shared (the Duke Reporters' Lab's
    MediaReview vocabulary, schema.org's MediaManipulationRatingEnumeration).
    """

    ORIGINAL = "original", "Original: unaltered and shown as it was"
    MISSING_CONTEXT = "missing_context", "Missing context: real, shown misleadingly"
    EDITED = "edited", "Edited or cropped to mislead"
    TRANSFORMED = "transformed", "Transformed: altered or synthetic"
    STAGED = "staged", "Staged: made with actors or faked"
    SATIRE = "satire", "Satire or parody, shown as such"


# The schema.org enumeration member of each value.
SCHEMA_CATEGORIES = {
    MediaAuthenticity.ORIGINAL: "OriginalMediaContent",
    MediaAuthenticity.MISSING_CONTEXT: "DecontextualizedContent",
    MediaAuthenticity.EDITED: "EditedOrCroppedContent",
    MediaAuthenticity.TRANSFORMED: "TransformedContent",
    MediaAuthenticity.STAGED: "StagedContent",
    MediaAuthenticity.SATIRE: "SatireOrParodyContent",
}

# A day of video is more than any clip a claim is about.
MAX_SECONDS = 24 * 60 * 60

# The media fields of a claim that hold a value (not its image, not the
# rating), and all of them as the rating covers them.
MEDIA_VALUES = (
    "media_type",
    "media_url",
    "media_archive_url",
    "media_appeared_url",
    "media_platform",
    "media_appeared_on",
    "media_start_seconds",
    "media_end_seconds",
)
MEDIA_FIELDS = (*MEDIA_VALUES, "media_image_id")


class ClaimMedia(models.Model):
    """The media a claim is about (abstract: fields of ``articles.Claim``)."""

    media_type = models.CharField(
        "media",
        max_length=10,
        choices=MediaType,
        blank=True,
        help_text="Leave empty for a claim made in words only.",
    )
    media_image = models.ForeignKey(
        "media.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name="image from the library",
        help_text="The picture the claim is about, uploaded to the media library "
        "(a copy we keep).",
    )
    media_url = models.URLField(
        "media URL",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="The picture or video itself on the web, when it is not in "
        "the library (a video, say).",
    )
    media_archive_url = models.URLField(
        "archived copy",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="An archived copy of it, when one exists.",
    )
    media_appeared_url = models.URLField(
        "where it appeared",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="The post or page that shared it (the original post's address).",
    )
    media_platform = models.CharField(
        "platform",
        max_length=100,
        blank=True,
        help_text="Where it was shared, e.g. “Facebook”, “TikTok”, “X”.",
    )
    media_appeared_on = models.DateField(
        "appeared on", null=True, blank=True, help_text="When it was shared there."
    )
    media_start_seconds = models.PositiveIntegerField(
        "from (seconds)",
        null=True,
        blank=True,
        help_text="For a video: where the part the claim is about begins.",
    )
    media_end_seconds = models.PositiveIntegerField(
        "to (seconds)",
        null=True,
        blank=True,
        help_text="For a video: where it ends.",
    )
    media_authenticity = models.CharField(
        "media authenticity",
        max_length=20,
        choices=MediaAuthenticity,
        blank=True,
        help_text="Part of the rating: what the media is, as it was shared "
        "(published as MediaReview).",
    )

    class Meta:
        abstract = True

    @property
    def has_media(self) -> bool:
        return bool(self.media_type)

    def clean_media(self) -> None:
        """Raise ValidationError for media fields that do not fit together."""
        errors = {}
        filled = [
            name
            for name in MEDIA_FIELDS
            if name != "media_type" and getattr(self, name) not in (None, "")
        ]
        if not self.media_type:
            if filled or self.media_authenticity:
                errors["media_type"] = (
                    "Say whether the claim is about an image or a video, or clear "
                    "the media fields."
                )
            if errors:
                raise ValidationError(errors)
            return
        if self.media_type == MediaType.VIDEO and self.media_image_id:
            errors["media_image"] = (
                "The library holds pictures only: give a video by its address "
                "(and an archived copy)."
            )
        if not self.media_image_id and not self.media_url:
            errors["media_url"] = (
                "Give the media: an image from the library, or its address on the web."
            )
        start, end = self.media_start_seconds, self.media_end_seconds
        if self.media_type != MediaType.VIDEO and (
            start is not None or end is not None
        ):
            errors["media_start_seconds"] = "A time range is for a video only."
        elif start is not None and end is not None and end <= start:
            errors["media_end_seconds"] = (
                f"The end ({end} s) must come after the start ({start} s)."
            )
        elif max(start or 0, end or 0) > MAX_SECONDS:
            errors["media_end_seconds"] = (
                f"A time range ends within {MAX_SECONDS:,} seconds (a day)."
            )
        if errors:
            raise ValidationError(errors)


def media_constraints(prefix: str) -> list[models.BaseConstraint]:
    """The database's own checks of the media fields (names start with ``prefix``)."""
    return [
        models.CheckConstraint(
            condition=models.Q(media_type__in=["", *MediaType.values]),
            name=f"{prefix}_media_type_valid",
        ),
        models.CheckConstraint(
            condition=models.Q(media_authenticity__in=["", *MediaAuthenticity.values]),
            name=f"{prefix}_media_authenticity_valid",
        ),
        models.CheckConstraint(
            condition=models.Q(media_start_seconds__isnull=True)
            | models.Q(media_end_seconds__isnull=True)
            | models.Q(media_end_seconds__gt=models.F("media_start_seconds")),
            name=f"{prefix}_media_range_ordered",
        ),
    ]
