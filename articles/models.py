"""Articles, their claims, citations, corrections and published versions."""

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from entities.models import Entity, Source, limited_text
from media.claim_media import ClaimMedia, media_constraints


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


# What a list never shows of a published version: its text, claims, data and
# rendered page, which on a long article are most of the row (and most of the
# decoding).
VERSION_CONTENT = (
    "body",
    "body_html",
    "body_text",
    "claims",
    "corrections",
    "jsonld",
    "links",
    "page_html",
    "entities_html",
)


class VersionContentQuerySet(models.QuerySet):
    """Rows that lead to a published version, listed without its content."""

    def without_version_content(self, path: str = ""):
        """Defer the content of the published version at ``path`` ("" : this row)."""
        return self.defer(
            *(f"{path}__{name}" if path else name for name in VERSION_CONTENT)
        )


class ArticleQuerySet(VersionContentQuerySet):
    def published(self):
        """Articles readers can see: those with a live version."""
        return self.filter(live_version__isnull=False)

    def listed(self):
        """Articles with their live version, for lists: no bodies, no pages."""
        return self.select_related("live_version").defer(
            "body", *(f"live_version__{name}" for name in VERSION_CONTENT)
        )

    def assigned_to(self, user):
        """Articles ``user`` is assigned to, as editor, reporter or checker."""
        return self.filter(
            models.Q(editor=user) | models.Q(reporter=user) | models.Q(checker=user)
        )

    def overdue(self, now=None):
        """Articles past their due time that are not published yet."""
        return self.filter(due_at__lt=now or timezone.now()).exclude(
            status__in=(ArticleStatus.PUBLISHED, ArticleStatus.WITHDRAWN)
        )


class Priority(models.IntegerChoices):
    LOW = 1, "Low"
    NORMAL = 2, "Normal"
    HIGH = 3, "High"
    URGENT = 4, "Urgent"


def _assignee(role: str):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text=f"The {role} assigned to the article.",
    )


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
        editable=False,
        help_text="Publish automatically at this time, if it passes the fact-check "
        "gate then.",
    )
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The publisher who set the schedule; the scheduler publishes "
        "for them, if they may still publish then.",
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
    # The desk: who is on the article, by when, and its sign-off. Written only
    # by the desk's workflow functions (desk/workflow.py).
    editor = _assignee("editor")
    reporter = _assignee("reporter")
    checker = _assignee("fact-checker")
    due_at = models.DateTimeField(
        "due", null=True, blank=True, editable=False, db_index=True
    )
    priority = models.PositiveSmallIntegerField(
        choices=Priority, default=Priority.NORMAL, editable=False
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The fact-checker who signed off that every claim is checked.",
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_reason = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="Why the article went back to review after its sign-off.",
    )
    lead_image = models.ForeignKey(
        "media.Image",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lead_of",
        help_text="The picture at the top of the story, and in link previews and "
        "search results. From the media library.",
    )
    # A fact-checker's record that the text has no checkable claims (the
    # gate's rule for an article without claims): who, when, and a hash of
    # the text they read, so that an edit of the text asks them again.
    no_claims_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The fact-checker who recorded that the text has no checkable "
        "claims.",
    )
    no_claims_at = models.DateTimeField(null=True, blank=True, editable=False)
    no_claims_text = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text="A hash of the text that was found to have no checkable claims.",
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at"]
        permissions = [
            ("rate_claim", "Can rate claims"),
            ("publish_article", "Can publish and unpublish articles"),
            ("assign_article", "Can assign articles and set their due times"),
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


class ClaimQuerySet(models.QuerySet):
    def waiting_for_check(self):
        """
        Claims a fact-checker has to look at: not yet rated, or rated and
        changed since (stale, or their words changed with the text), in the
        articles that are past the reporter's draft.
        """
        return self.filter(
            models.Q(rating=Rating.UNRATED)
            | models.Q(stale=True)
            | models.Q(anchor=AnchorState.CHANGED),
            article__status__in=(
                ArticleStatus.IN_REVIEW,
                ArticleStatus.READY,
                ArticleStatus.PUBLISHED,
            ),
        ).exclude(anchor=AnchorState.ORPHANED)

    def assigned_to(self, user):
        """Claims assigned to ``user``, or theirs as their article's checker."""
        return self.filter(
            models.Q(assignee=user)
            | models.Q(assignee__isnull=True, article__checker=user)
        )


@reversion.register(follow=["citations"])
class Claim(ClaimMedia, models.Model):
    Rating = Rating

    Kind = ClaimKind

    Anchor = AnchorState

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="claims"
    )
    quote = models.TextField(
        blank=True,
        help_text="The claim's words exactly as they appear in the article body. "
        "Empty for a claim about an image or a video that the text does not quote.",
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
    stale = models.BooleanField(
        default=False,
        editable=False,
        db_index=True,
        help_text="Rated, and what the rating covers changed since (kept by "
        "articles.staleness on every change of the claim or its citations).",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The fact-checker the claim is assigned to, if not the article's.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

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
            *media_constraints("claim"),
        ]

    def __str__(self):
        quote = " ".join((self.quote or self.statement).split())
        if not self.quote:
            kind = self.get_media_type_display().lower() if self.media_type else "media"
            return f"[{kind}] {quote[:60]}" if quote else f"[{kind} claim]"
        return f"“{quote[:60]}…”" if len(quote) > 60 else f"“{quote}”"

    def clean(self):
        super().clean()
        self.clean_media()
        if not self.quote and not self.media_type:
            raise ValidationError(
                {
                    "quote": "A claim is words of the article, or an image or a video "
                    "(see Media below): give one of them."
                }
            )
        if not self.quote and not self.statement.strip():
            raise ValidationError(
                {
                    "statement": "A claim about media without words of the article "
                    "needs the claim reviewed, in one sentence."
                }
            )

    @property
    def in_text(self) -> bool:
        """Whether the claim is words of the article (not only about media)."""
        return bool(self.quote)

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
    # What the source's checks found that a rating resting on it must answer
    # (it went, or its text changed): set by sources.workflow, part of what a
    # rating covers, so a change here makes the rating stale with these words.
    source_alert = models.CharField(max_length=300, blank=True, editable=False)
    # The capture of the source that the claim's rating was checked against:
    # set when the claim is rated or re-confirmed; the checks of the source
    # measure drift from it (empty: rated before the source had a capture).
    checked_capture = models.ForeignKey(
        "sources.Capture",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

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
    images = models.JSONField(
        default=dict,
        blank=True,
        help_text="The images it shows (its lead image and those in its body) "
        "as they were published: their files and words.",
    )
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
    links = models.JSONField(
        null=True,
        blank=True,
        editable=False,
        help_text="The body's links to entity pages (start, end, address), to "
        "mark the body again; empty for versions published before they were kept.",
    )
    rendered_with = models.CharField(
        max_length=16,
        blank=True,
        editable=False,
        help_text="A fingerprint of the code and settings the page was rendered "
        "with; a page rendered with others is rendered live.",
    )
    note = limited_text(NOTE_MAX_LENGTH, verbose_name="change note", blank=True)

    objects = VersionContentQuerySet.as_manager()

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


class PublishedClaimQuerySet(VersionContentQuerySet):
    def live(self):
        """The claims of the versions readers see now."""
        return self.filter(version__article__live_version=models.F("version"))


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

    objects = PublishedClaimQuerySet.as_manager()

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


class PublishedCitationQuerySet(VersionContentQuerySet):
    def live(self):
        """The citations of the versions readers see now."""
        return self.filter(
            published_claim__version__article__live_version=models.F(
                "published_claim__version"
            )
        )


class PublishedCitation(models.Model):
    """A source cited by a published claim, and how."""

    published_claim = models.ForeignKey(
        PublishedClaim, on_delete=models.CASCADE, related_name="published_citations"
    )
    source = models.ForeignKey(
        Source, on_delete=models.PROTECT, related_name="published_citations"
    )
    relation = models.CharField(max_length=20, choices=CitationRelation)

    objects = PublishedCitationQuerySet.as_manager()

    class Meta:
        ordering = ["published_claim", "pk"]

    def __str__(self):
        return f"{self.get_relation_display()}: {self.source_id}"


class PublishedCorrection(models.Model):
    """A correction as one published version shows it; what /corrections/ lists."""

    version = models.ForeignKey(
        PublishedVersion,
        on_delete=models.CASCADE,
        related_name="published_corrections",
    )
    correction = models.ForeignKey(
        Correction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=20, choices=CorrectionKind)
    text = models.TextField()
    date = models.DateTimeField()
    first_number = models.PositiveIntegerField(
        help_text="The version in which readers first saw it."
    )

    objects = VersionContentQuerySet.as_manager()

    class Meta:
        ordering = ["version", "position"]
        indexes = [
            # The corrections page: read newest first, not sorted.
            models.Index(fields=["date", "id"], name="published_correction_date"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"],
                name="published_correction_position_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=CorrectionKind.values),
                name="published_correction_kind_valid",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.date:%Y-%m-%d}"


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


class PreviewPage(models.Model):
    """
    The page of an article as saved in one revision, rendered for preview
    links once (articles/previews.py) and read from here after that.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    revision = models.ForeignKey(
        "reversion.Revision", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300)
    head = models.TextField()
    main = models.TextField()
    footer = models.TextField(blank=True)
    rendered_with = models.CharField(
        max_length=16,
        help_text="A fingerprint of the code and settings the page was rendered "
        "with; a page rendered with others is rendered again.",
    )
    rendered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "revision"], name="preview_page_unique"
            ),
        ]

    def __str__(self):
        return f"Preview page of {self.title} (revision {self.revision_id})"


class Draft(models.Model):
    """
    An editor's autosaved working text of an article: not a revision (it is
    nobody's decision yet, and keeps no history), one per editor and article,
    offered back when they return and gone when they save. Without an
    article, it is the editor's one draft of a new article, not saved yet.
    """

    article = models.ForeignKey(
        Article,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
        help_text="Empty: a new article, written on the add page and not saved yet.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(max_length=300, blank=True)
    dek = limited_text(DEK_MAX_LENGTH, blank=True)
    body = limited_text(BODY_MAX_LENGTH, blank=True)
    byline = models.CharField(max_length=300, blank=True)
    base_lock_version = models.PositiveIntegerField(
        help_text="The article's lock version when the editor opened it: a "
        "draft made on an older one is offered with the edit-conflict view."
    )
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "user"], name="draft_one_per_editor"
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(article__isnull=True),
                name="draft_one_new_article_per_editor",
            ),
        ]

    def __str__(self):
        if self.article_id is None:
            return f"Draft of a new article by user {self.user_id}"
        return f"Draft of article {self.article_id} by user {self.user_id}"
