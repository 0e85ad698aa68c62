"""
The media library: images, their renditions, and where each is used.

An image's file is named by the SHA-256 of its bytes and never overwritten:
replacing an image stores a new file beside the old one, so a published
version, which records the files it showed, keeps showing them.
"""

import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse

from entities.models import limited_text
from entities.validators import validate_http_url

ALT_MAX_LENGTH = 1_000
CAPTION_MAX_LENGTH = 2_000


class ImageFormat(models.TextChoices):
    """The formats the library stores (checked from the file's content)."""

    JPEG = "jpeg", "JPEG"
    PNG = "png", "PNG"
    WEBP = "webp", "WebP"
    AVIF = "avif", "AVIF"


# Pillow's name, the file extension and the MIME type of each format.
FORMATS = {
    ImageFormat.JPEG: ("JPEG", "jpg", "image/jpeg"),
    ImageFormat.PNG: ("PNG", "png", "image/png"),
    ImageFormat.WEBP: ("WEBP", "webp", "image/webp"),
    ImageFormat.AVIF: ("AVIF", "avif", "image/avif"),
}


@reversion.register()
class Image(models.Model):
    """A picture in the library, with what readers and the law need of it."""

    Format = ImageFormat

    title = models.CharField(
        max_length=200,
        blank=True,
        help_text="For the library only (search, lists); readers do not see it.",
    )
    alt = limited_text(
        ALT_MAX_LENGTH,
        verbose_name="alt text",
        blank=True,
        help_text="What the picture shows, for readers who cannot see it "
        "(screen readers, images turned off). Required before an article that "
        "shows it is published, unless the image is decorative.",
    )
    decorative = models.BooleanField(
        default=False,
        help_text="Adds nothing a reader would miss: screen readers skip it, "
        "and it needs no alt text.",
    )
    caption = limited_text(
        CAPTION_MAX_LENGTH,
        blank=True,
        help_text="Shown under the picture. A placement in an article's body "
        "may give its own.",
    )
    credit = models.CharField(
        max_length=300,
        blank=True,
        help_text="Who made it, as printed under it, e.g. “Photo: Jane Doe / Reuters”.",
    )
    licence = models.CharField(
        max_length=300,
        blank=True,
        help_text="The terms we use it under, e.g. “CC BY 4.0” or “All rights "
        "reserved, used with permission”.",
    )
    source_url = models.URLField(
        "source URL",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="Where it came from, if from the web.",
    )
    # The file and what was read from it: set by the library's rules
    # (media.library) from the checked upload, never typed, and kept as
    # they are through a revert of the metadata.
    file = models.FileField(max_length=255, editable=False)
    sha256 = models.CharField(
        "SHA-256", max_length=64, unique=True, editable=False, db_index=True
    )
    format = models.CharField(max_length=10, choices=Format, editable=False)
    width = models.PositiveIntegerField(editable=False)
    height = models.PositiveIntegerField(editable=False)
    bytes = models.PositiveBigIntegerField(editable=False)
    original_name = models.CharField(
        max_length=255, blank=True, editable=False, help_text="As uploaded."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(format__in=ImageFormat.values),
                name="image_format_valid",
            ),
        ]

    def __str__(self):
        label = self.title or self.alt or self.original_name or "image"
        label = " ".join(label.split())
        if len(label) > 60:
            label = label[:59] + "…"
        return f"#{self.pk} {label}"

    def get_absolute_url(self):
        return reverse("admin:media_image_change", args=[self.pk])

    @property
    def mime_type(self) -> str:
        return FORMATS[self.format][2]

    @property
    def has_alt(self) -> bool:
        return self.decorative or bool(self.alt.strip())


class Rendition(models.Model):
    """
    A resized copy of an image's content at one width and format, made once
    by the background worker and named by a hash of its own bytes.

    Renditions belong to content (the SHA-256 of the original), not to a
    library item: a replaced image's old renditions stay for the versions
    published with it.
    """

    source_sha256 = models.CharField(max_length=64, db_index=True)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10, choices=ImageFormat)
    file = models.FileField(max_length=255)
    bytes = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source_sha256", "width", "format"]
        constraints = [
            models.UniqueConstraint(
                fields=["source_sha256", "width", "format"],
                name="rendition_unique_per_width_and_format",
            ),
        ]

    def __str__(self):
        return f"{self.source_sha256[:12]} {self.width}w {self.format}"


class ImagePlacement(models.Model):
    """
    An image placed in the body of an article's working copy, found in its
    text on each save (``media.usage``). Its lead image and the images its
    claims are about are the article's and the claims' own fields.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="image_placements"
    )
    image = models.ForeignKey(
        Image, on_delete=models.PROTECT, related_name="placements"
    )

    class Meta:
        ordering = ["article", "image"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "image"], name="image_placement_unique"
            ),
        ]

    def __str__(self):
        return f"{self.image} in the body of article {self.article_id}"


class VersionImage(models.Model):
    """An image a published version shows, as it was published (its file)."""

    version = models.ForeignKey(
        "articles.PublishedVersion",
        on_delete=models.CASCADE,
        related_name="image_uses",
    )
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="versions")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["version", "image"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "image"], name="version_image_unique"
            ),
        ]

    def __str__(self):
        return f"{self.image} in version {self.version_id}"
