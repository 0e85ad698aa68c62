"""
Reading the revisions of an article (django-reversion), in one place.

A revision of an article holds the versions saved together: the article, its
claims (followed by the article's registration), their citations, its
corrections. Restore, recover, compare, previews, the admin's history and the
``revisions`` command all read them through here, with django-reversion's
public API (``Version.field_dict``), never its private attributes.
"""

from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from reversion.models import Revision, Version

from newsroom.ids import is_id

from .models import Article, Citation, Claim, Correction

FOLLOWED = (Article, Claim, Citation, Correction)


def _types() -> dict[int, type]:
    """The followed models by content type id."""
    return {
        ct.pk: model
        for model, ct in ContentType.objects.get_for_models(*FOLLOWED).items()
    }


def instance(model, version: Version):
    """The saved row of ``version`` as an unsaved ``model`` instance."""
    many = {f.attname for f in model._meta.many_to_many}
    return model(**{k: v for k, v in version.field_dict.items() if k not in many})


@dataclass
class SavedArticle:
    """One article as one revision saved it, with its claims and citations."""

    revision: Revision
    article: Version
    claims: list[Version] = field(default_factory=list)
    citations: list[Version] = field(default_factory=list)
    corrections: list[Version] = field(default_factory=list)

    @property
    def article_id(self) -> int:
        return int(self.article.object_id)

    @property
    def fields(self) -> dict:
        """The article's fields as saved (``field_dict``: foreign keys as ids)."""
        return self.article.field_dict

    @property
    def claim_fields(self) -> list[dict]:
        return [v.field_dict for v in self.claims]

    @property
    def citation_fields(self) -> list[dict]:
        return [v.field_dict for v in self.citations]

    @cached_property
    def objects(self) -> "SavedObjects":
        """The saved rows as unsaved model instances, to write back."""
        return SavedObjects(
            article=instance(Article, self.article),
            authors=[int(pk) for pk in self.fields.get("authors", [])],
            claims=[instance(Claim, v) for v in self.claims],
            citations=[instance(Citation, v) for v in self.citations],
            corrections=[instance(Correction, v) for v in self.corrections],
        )


@dataclass
class SavedObjects:
    article: Article
    authors: list[int]
    claims: list[Claim]
    citations: list[Citation]
    corrections: list[Correction]


def saved_article(revision: Revision, article_id: int) -> SavedArticle:
    """
    Article ``article_id`` as ``revision`` saved it; LookupError when the
    revision holds no version of it. Only its own claims, their citations and
    its own corrections are taken: a revision may hold other records too.
    """
    types = _types()
    grouped = {model: [] for model in FOLLOWED}
    for version in revision.version_set.all():
        model = types.get(version.content_type_id)
        if model is not None:
            grouped[model].append(version)
    article = next(
        (v for v in grouped[Article] if str(v.object_id) == str(article_id)), None
    )
    if article is None:
        raise LookupError(
            f"Revision {revision.pk} holds no version of article {article_id}."
        )
    claims = [v for v in grouped[Claim] if v.field_dict.get("article_id") == article_id]
    claim_ids = {int(v.object_id) for v in claims}
    return SavedArticle(
        revision=revision,
        article=article,
        claims=claims,
        citations=[
            v for v in grouped[Citation] if v.field_dict.get("claim_id") in claim_ids
        ],
        corrections=[
            v
            for v in grouped[Correction]
            if v.field_dict.get("article_id") == article_id
        ],
    )


def article_versions(article_id: int):
    """The versions of one article (live or deleted), newest first."""
    return (
        Version.objects.get_for_object_reference(Article, article_id)
        .select_related("revision__user")
        .order_by("-pk")
    )


def version_in(article_id: int, revision_id) -> Version | None:
    """The article's version in revision ``revision_id``, or None."""
    if not is_id(revision_id):
        return None
    return article_versions(article_id).filter(revision_id=revision_id).first()


def deleted_articles():
    """The last version of every deleted article, newest first."""
    return Version.objects.get_deleted(Article).select_related("revision__user")


def last_saved_corrections(article_id: int) -> list[Correction]:
    """The article's corrections as last saved: they are kept forever."""
    revisions = article_versions(article_id).values("revision_id")
    latest = {}
    for version in (
        Version.objects.get_for_model(Correction)
        .filter(revision_id__in=revisions)
        .order_by("pk")
    ):
        if version.field_dict.get("article_id") == article_id:
            latest[int(version.object_id)] = version
    return [instance(Correction, v) for v in latest.values()]
