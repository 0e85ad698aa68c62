"""Entities (people, organizations, ...) and the sources they publish."""

import reversion
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property

from .addresses import url_key
from .validators import validate_http_url, validate_wikidata_id

# Caps on the long texts editors type: a save past them is refused with the
# field's own message.
ALIASES_MAX_LENGTH = 5_000
AUTHORS_MAX_LENGTH = 2_000
NOTES_MAX_LENGTH = 10_000


def limited_text(limit: int, **options) -> models.TextField:
    """A TextField that ``full_clean()`` (and so every form) holds to ``limit``."""
    return models.TextField(validators=[MaxLengthValidator(limit)], **options)


def http_only(field: str, *, name: str) -> models.CheckConstraint:
    """The database's own check that ``field`` is empty or an http(s) address."""
    return models.CheckConstraint(
        condition=models.Q(**{field: ""})
        | models.Q(**{f"{field}__startswith": "http://"})
        | models.Q(**{f"{field}__startswith": "https://"}),
        name=name,
    )


def split_lines(text: str) -> list[str]:
    """Return the non-empty, stripped lines of ``text``."""
    return [line.strip() for line in text.splitlines() if line.strip()]


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"
    PUBLICATION = "publication", "Publication"
    PRODUCT = "product", "Product"
    PLACE = "place", "Place"
    EVENT = "event", "Event"
    OTHER = "other", "Other"


@reversion.register()
class Entity(models.Model):
    Kind = EntityKind

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.ORGANIZATION)
    aliases = limited_text(
        ALIASES_MAX_LENGTH,
        blank=True,
        help_text="Other names this entity appears under in articles, one per "
        "line (for example “Microsoft Corp.”). Used to find mentions.",
    )
    description = models.CharField(
        max_length=300, blank=True, help_text="One line readers see on its page."
    )
    wikidata_id = models.CharField(
        "Wikidata ID",
        max_length=20,
        blank=True,
        validators=[validate_wikidata_id],
        help_text="For example Q2283 for Microsoft. Leave empty if unknown.",
    )
    url = models.URLField(
        "URL", max_length=500, blank=True, validators=[validate_http_url]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "entities"
        ordering = [Lower("name")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=EntityKind.values),
                name="entity_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(wikidata_id="")
                | models.Q(wikidata_id__regex=r"^Q[1-9][0-9]*$"),
                name="entity_wikidata_id_format",
            ),
            http_only("url", name="entity_url_http"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("entities:detail", kwargs={"slug": self.slug})

    @cached_property
    def linked_from_published_pages(self) -> bool:
        """
        Whether a published version names it or shows a claim of it: their
        stored pages link its address, which is then fixed, as an
        article's is once published.
        """
        return (
            self.pk is not None
            and Entity.objects.filter(pk=self.pk)
            .filter(
                models.Q(published_versions__isnull=False)
                | models.Q(published_claims__isnull=False)
            )
            .exists()
        )

    @property
    def alias_list(self) -> list[str]:
        return split_lines(self.aliases)

    @property
    def names(self) -> list[str]:
        """The name and every alias, without duplicates, name first."""
        seen, names = set(), []
        for name in [self.name, *self.alias_list]:
            if name.casefold() not in seen:
                seen.add(name.casefold())
                names.append(name)
        return names


class SourceQuerySet(models.QuerySet):
    def current(self):
        """The sources that were not merged into another."""
        return self.filter(merged_into__isnull=True)

    def with_url(self, url: str):
        """The source of the library at ``url`` (however it is written)."""
        key = url_key(url)
        return self.current().filter(url_key=key) if key else self.none()


class SourceKind(models.TextChoices):
    NEWS_REPORT = "news_report", "News report"
    PRESS_RELEASE = "press_release", "Press release"
    BLOG_POST = "blog_post", "Blog post"
    STATEMENT = "statement", "Statement"
    INTERVIEW = "interview", "Interview"
    DOCUMENT = "document", "Document"
    DATASET = "dataset", "Dataset"
    SOCIAL_POST = "social_post", "Social media post"
    OTHER = "other", "Other"


@reversion.register()
class Source(models.Model):
    Kind = SourceKind

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.NEWS_REPORT)
    publisher = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sources",
        help_text="Who published it, for example The Information.",
    )
    authors = limited_text(
        AUTHORS_MAX_LENGTH, blank=True, help_text="One author per line."
    )
    url = models.URLField(
        "URL",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="Where readers can find it (http or https).",
    )
    published_on = models.DateField(null=True, blank=True)
    archive_url = models.URLField(
        "archive URL",
        max_length=500,
        blank=True,
        validators=[validate_http_url],
        help_text="A permanent copy, for example on the Wayback Machine.",
    )
    notes = limited_text(
        NOTES_MAX_LENGTH,
        blank=True,
        help_text="Newsroom notes on this source. Shown publicly.",
    )
    url_key = models.CharField(
        "address key",
        max_length=600,
        blank=True,
        editable=False,
        help_text="The URL normalised (case, default port, trailing slash and "
        "tracking parameters removed): one source per document.",
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged",
        help_text="The source this duplicate was merged into; its page sends "
        "readers there.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["-published_on", "title"]
        constraints = [
            # Conditional: a source with no address, a duplicate merged into
            # another, and the duplicates found when the key was introduced
            # (left for the merge action) have no key.
            models.UniqueConstraint(
                fields=["url_key"],
                condition=~models.Q(url_key=""),
                name="source_url_key_unique",
                violation_error_message="A source with this address is already "
                "in the library.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=SourceKind.values),
                name="source_kind_valid",
            ),
            http_only("url", name="source_url_http"),
            http_only("archive_url", name="source_archive_url_http"),
        ]

    def __str__(self):
        if self.publisher_id:
            return f"{self.title} ({self.publisher})"
        return self.title

    def save(self, *args, **kwargs):
        self.fill_url_key()
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("entities:source", kwargs={"pk": self.pk})

    def clean(self):
        super().clean()
        self.fill_url_key()

    def fill_url_key(self) -> None:
        """Derive the address key from the URL (none once merged)."""
        self.url_key = "" if self.merged_into_id else url_key(self.url)

    @property
    def author_list(self) -> list[str]:
        return split_lines(self.authors)
