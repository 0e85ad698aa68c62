"""Articles, their claims, citations, corrections and published versions."""

import reversion
from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from entities.models import Entity, Source, limited_text


class Rating(models.TextChoices):
    """The rating scale of DESIGN §4."""

    UNRATED = "unrated", "Not yet checked"
    ACCURATE = "accurate", "Accurate"
    MOSTLY_ACCURATE = "mostly_accurate", "Mostly accurate"
    NEEDS_CONTEXT = "needs_context", "Needs context"
    MISLEADING = "misleading", "Misleading"
    FALSE = "false", "False"
    UNSUPPORTED = "unsupported", "Unsupported (no evidence either way)"
    OPINION = "opinion", "Opinion, not checkable"


# ClaimReview ratingValue (best 5, worst 1); other ratings have none.
RATING_VALUES = {
    Rating.ACCURATE: 5,
    Rating.MOSTLY_ACCURATE: 4,
    Rating.NEEDS_CONTEXT: 3,
    Rating.MISLEADING: 2,
    Rating.FALSE: 1,
}
RATINGS_NEEDING_CITATIONS = frozenset(RATING_VALUES)

# Caps on the long texts editors type (a long feature runs to 50,000
# characters): a save past them is refused with the field's own message.
BODY_MAX_LENGTH = 200_000
DEK_MAX_LENGTH = 1_000
EXPLANATION_MAX_LENGTH = 5_000
EXCERPT_MAX_LENGTH = 5_000
NOTE_MAX_LENGTH = 1_000


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Articles readers can see: those with a live version."""
        return self.filter(live_version__isnull=False)


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    READY = "ready", "Ready to publish"
    PUBLISHED = "published", "Published"
    WITHDRAWN = "withdrawn", "Withdrawn"


@reversion.register(follow=["claims", "corrections"])
class Article(models.Model):
    Status = ArticleStatus

    title = models.CharField(max_length=300)
    slug = models.SlugField(
        max_length=200,
        unique=True,
        help_text="The last part of the article's address, after /articles/. "
        "Lower-case letters, digits and hyphens.",
    )
    dek = limited_text(
        DEK_MAX_LENGTH,
        verbose_name="standfirst",
        blank=True,
        help_text="One or two sentences under the headline that sum up the story.",
    )
    body = limited_text(
        BODY_MAX_LENGTH,
        blank=True,
        help_text="Markdown. Paragraphs are separated by a blank line. Claims are "
        "tagged on this text and follow it when you edit.",
    )
    byline = models.CharField(
        max_length=300, blank=True, help_text="As readers see it, e.g. “By Jane Doe”."
    )
    authors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="articles"
    )
    status = models.CharField(
        max_length=20,
        choices=Status,
        default=Status.DRAFT,
        db_index=True,
        help_text="Where the working copy is in the workflow. Changed by the "
        "buttons on this page, not by hand.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    publish_at = models.DateTimeField(
        "scheduled publish time",
        null=True,
        blank=True,
        help_text="Publish automatically at this time, if it passes the fact-check "
        "gate then.",
    )
    live_version = models.ForeignKey(
        "PublishedVersion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The version readers see. Empty when not published.",
    )
    withdrawn_note = limited_text(
        NOTE_MAX_LENGTH,
        blank=True,
        editable=False,
        help_text="Why the article was unpublished; shown to readers.",
    )
    lock_version = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Incremented on every save, to detect concurrent edits.",
    )
    mentioned_entities = models.ManyToManyField(
        Entity, through="Mention", related_name="articles", blank=True
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("rate_claim", "Can rate claims"),
            ("publish_article", "Can publish and unpublish articles"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ArticleStatus.values),
                name="article_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    @property
    def is_live(self) -> bool:
        return self.live_version_id is not None


class ClaimKind(models.TextChoices):
    FACT = "fact", "Fact"
    STATISTIC = "statistic", "Statistic"
    QUOTE = "quote", "Quote"
    PREDICTION = "prediction", "Prediction"
    ATTRIBUTION = "attribution", "Attribution"


class AnchorState(models.TextChoices):
    ANCHORED = "anchored", "Anchored"
    CHANGED = "changed", "Text changed"
    ORPHANED = "orphaned", "Not found in the text"


@reversion.register(follow=["citations"])
class Claim(models.Model):
    Rating = Rating

    Kind = ClaimKind

    Anchor = AnchorState

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims"
    )
    quote = models.TextField(
        help_text="The claim's words exactly as they appear in the article body."
    )
    prefix = models.CharField(
        max_length=64, blank=True, help_text="Text just before the quote."
    )
    suffix = models.CharField(
        max_length=64, blank=True, help_text="Text just after the quote."
    )
    start = models.PositiveIntegerField(
        default=0, help_text="Character offset of the quote in the body."
    )
    end = models.PositiveIntegerField(
        default=0, help_text="Character offset just after the quote."
    )
    anchor = models.CharField(
        max_length=20, choices=Anchor, default=Anchor.ANCHORED, editable=False
    )
    claimant = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        help_text="Who made the claim. Leave empty when the article states it in "
        "its own voice.",
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.FACT)
    statement = models.CharField(
        "claim reviewed",
        max_length=500,
        blank=True,
        help_text="The claim in one plain sentence, as readers and search engines "
        "see it (ClaimReview's claimReviewed).",
    )
    rating = models.CharField(max_length=20, choices=Rating, default=Rating.UNRATED)
    rating_explanation = limited_text(
        EXPLANATION_MAX_LENGTH,
        blank=True,
        help_text="Why this rating, for readers. Cite the evidence.",
    )
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    checked_fingerprint = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="Fingerprint of the quote and citations when the claim was rated.",
    )
    checked_snapshot = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="The quote and citations as the fact-checker checked them, to "
        "say what changed since.",
    )
    separation_overridden = models.BooleanField(
        default=False,
        editable=False,
        help_text="Rated by the person who tagged it (a superuser override).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["start", "end", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rating__in=Rating.values),
                name="claim_rating_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=ClaimKind.values),
                name="claim_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(anchor__in=AnchorState.values),
                name="claim_anchor_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="claim_offsets_ordered",
            ),
        ]

    def __str__(self):
        quote = " ".join(self.quote.split())
        return f"“{quote[:60]}…”" if len(quote) > 60 else f"“{quote}”"

    @property
    def is_rated(self) -> bool:
        return self.rating != Rating.UNRATED

    @property
    def needs_citations(self) -> bool:
        return self.rating in RATINGS_NEEDING_CITATIONS


class CitationRelation(models.TextChoices):
    ORIGIN = "origin", "Origin (where the claim first appeared)"
    SUPPORTS = "supports", "Supports"
    CONTRADICTS = "contradicts", "Contradicts"
    CONTEXT = "context", "Context"


@reversion.register()
class Citation(models.Model):
    Relation = CitationRelation

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="citations")
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="citations"
    )
    relation = models.CharField(
        max_length=20, choices=Relation, default=Relation.SUPPORTS
    )
    excerpt = limited_text(
        EXCERPT_MAX_LENGTH,
        blank=True,
        help_text="The passage of the source that bears on the claim.",
    )
    locator = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where in the source: page, paragraph, timestamp.",
    )
    note = limited_text(NOTE_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(relation__in=CitationRelation.values),
                name="citation_relation_valid",
            ),
        ]

    def __str__(self):
        # The source's title only when it is already loaded: revisions call
        # str() on every save and must not cost a query per citation.
        if Citation.source.is_cached(self):
            return f"{self.get_relation_display()}: {self.source.title}"
        return f"{self.get_relation_display()}: source #{self.source_id}"


class CorrectionKind(models.TextChoices):
    CORRECTION = "correction", "Correction"
    CLARIFICATION = "clarification", "Clarification"
    UPDATE = "update", "Update"


@reversion.register()
class Correction(models.Model):
    Kind = CorrectionKind

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.CORRECTION)
    text = limited_text(
        EXPLANATION_MAX_LENGTH, help_text="What was wrong and what is right now."
    )
    date = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CorrectionKind.values),
                name="correction_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.date:%Y-%m-%d}"


# The rendered page of a published version (articles/pages.py): most of a
# long article's row, and read only by its page.
RENDERED_PAGE = ("page_html", "entities_html")


class PublishedVersion(models.Model):
    """An immutable snapshot of an article, made by each publish."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="published_versions"
    )
    number = models.PositiveIntegerField()
    revision = models.ForeignKey(
        "reversion.Revision",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField()
    modified_at = models.DateTimeField(
        help_text="When readers last saw a substantive change: a re-publish that "
        "changes nothing readers see keeps the previous date."
    )
    title = models.CharField(max_length=300)
    dek = models.TextField(blank=True)
    byline = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="The Markdown as published.")
    body_html = models.TextField(help_text="Sanitised HTML with the claims marked.")
    body_text = models.TextField(help_text="Plain text, for search and diffs.")
    claims = models.JSONField(default=list, help_text="The claims as published.")
    corrections = models.JSONField(default=list)
    jsonld = models.JSONField(default=list)
    entities = models.ManyToManyField(
        Entity,
        blank=True,
        related_name="published_versions",
        help_text="The entities this version names.",
    )
    # The page, rendered when the version is published (articles/pages.py).
    page_html = models.TextField(
        blank=True, editable=False, help_text="The article's page, rendered."
    )
    entities_html = models.TextField(
        blank=True,
        editable=False,
        help_text="The page's list of the entities it names, with their current names.",
    )
    entities_at = models.PositiveIntegerField(
        default=0, editable=False, help_text="Where that list starts in the page."
    )
    rendered_with = models.CharField(
        max_length=16,
        blank=True,
        editable=False,
        help_text="A fingerprint of the code and settings the page was rendered "
        "with; a page rendered with others is rendered live.",
    )
    note = limited_text(NOTE_MAX_LENGTH, verbose_name="change note", blank=True)

    class Meta:
        ordering = ["article", "-number"]
        get_latest_by = "number"
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="published_version_number_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="published_version_number_gte_1"
            ),
        ]

    def __str__(self):
        return f"{self.title} (version {self.number})"

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.article.slug})


class Mention(models.Model):
    """An entity named in an article, found in its text or linked by hand."""

    class Origin(models.TextChoices):
        DETECTED = "detected", "Found in the text"
        MANUAL = "manual", "Linked by an editor"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="mentions"
    )
    entity = models.ForeignKey(
        Entity, on_delete=models.CASCADE, related_name="mentions"
    )
    count = models.PositiveIntegerField(default=0)
    first_position = models.PositiveIntegerField(null=True, blank=True)
    origin = models.CharField(max_length=20, choices=Origin, default=Origin.DETECTED)
    suppressed = models.BooleanField(
        default=False,
        help_text="An editor removed this link; detection will not add it back.",
    )

    class Meta:
        ordering = ["first_position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "entity"], name="mention_article_entity_unique"
            ),
        ]

    def __str__(self):
        return f"{self.entity} in {self.article}"


class PublishedClaim(models.Model):
    """A claim as one published version shows it; what public lists query."""

    version = models.ForeignKey(
        PublishedVersion, on_delete=models.CASCADE, related_name="published_claims"
    )
    claim = models.ForeignKey(
        Claim, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField()
    claimant = models.ForeignKey(
        Entity,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="published_claims",
    )
    rating = models.CharField(max_length=20, choices=Rating)
    statement = models.CharField(max_length=500)
    quote = models.TextField()
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "position"]
        indexes = [
            # The latest fact-checks (home page): read newest first, not sorted.
            models.Index(fields=["checked_at", "id"], name="published_claim_checked"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="published_claim_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(rating__in=Rating.values),
                name="published_claim_rating_valid",
            ),
        ]

    def __str__(self):
        return self.statement


class PublishedCitation(models.Model):
    """A source cited by a published claim, and how."""

    published_claim = models.ForeignKey(
        PublishedClaim, on_delete=models.CASCADE, related_name="published_citations"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="published_citations"
    )
    relation = models.CharField(max_length=20, choices=CitationRelation)

    class Meta:
        ordering = ["published_claim", "pk"]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.source_id}"


class PublicState(models.Model):
    """
    One row: a counter bumped by every change readers can see.

    Cached public pages are keyed by it, so a publish made by any process on
    any host is what every worker serves on its next request.
    """

    generation = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "public site state"

    def __str__(self):
        return f"generation {self.generation}"


class PreviewLink(models.Model):
    """A signed, expiring link to one revision of an article, for outside readers."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="preview_links"
    )
    revision = models.ForeignKey(
        "reversion.Revision", on_delete=models.CASCADE, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(
        max_length=200, blank=True, help_text="Who the link is for, e.g. “our lawyer”."
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="preview_link_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"Preview of {self.article} ({self.created_at:%Y-%m-%d %H:%M})"

    def is_active(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now
