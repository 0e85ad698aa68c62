"""
Autosaved drafts: an editor's working text kept every few seconds while they
type, so that a crash or a closed tab loses nothing.

A draft is not a revision (revisions are decisions, with a comment, and
readers' history is built from them): one row per editor and article,
overwritten by each autosave, offered back with a prompt when the editor
returns and discarded when they save. A draft made on an older version of the
article than the saved one is never applied silently: restoring it keeps the
version it was made on, so saving it meets the edit-conflict rule.

A new article, typed on the add page before its first save, is kept the same
way: ``article`` is None, and the editor has one such draft, offered back on
the add page and discarded when they save a new article there.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Article, Draft
from .workflow import check_edit_article, may, refuse

logger = logging.getLogger(__name__)

# The article's fields a draft keeps: what an editor types.
FIELDS = ("title", "dek", "body", "byline")


def check_save_draft(article: Article | None, *, user) -> list[str]:
    """Whether ``user`` may keep a draft of ``article`` (None: a new one); why not."""
    if article is None:
        if not may(user, "articles.add_article"):
            return ["You may not add articles."]
        return []
    return check_edit_article(article, user=user)


def _what(article: Article | None) -> str:
    return "a new article" if article is None else f"article {article.pk}"


def _saved(article: Article | None) -> Article:
    """What the draft is compared with: the article, or a new one's blank form."""
    return Article() if article is None else article


def save_draft(
    article: Article | None, *, user, text: dict, base_lock_version: int
) -> Draft:
    """Keep ``text`` (the fields of FIELDS) as ``user``'s draft of ``article``."""
    if reasons := check_save_draft(article, user=user):
        raise refuse(user, f"keep a draft of {_what(article)}", reasons)
    draft = Draft.objects.filter(article=article, user=user).first() or Draft(
        article=article, user=user
    )
    saved = _saved(article)
    for name in FIELDS:
        setattr(draft, name, text.get(name, getattr(saved, name)))
    draft.base_lock_version = base_lock_version if article is not None else 0
    draft.saved_at = timezone.now()
    try:
        draft.full_clean(exclude=["article", "user"], validate_constraints=False)
    except ValidationError as error:
        raise ValidationError(
            [f"{name}: {' '.join(m)}" for name, m in error.message_dict.items()],
            code="draft_invalid",
        ) from error
    draft.save()
    return draft


def draft_for(article: Article | None, *, user) -> Draft | None:
    """``user``'s draft of ``article``, when it says something the article does not."""
    draft = Draft.objects.filter(article=article, user=user).first()
    if draft is None:
        return None
    saved = _saved(article)
    if all(getattr(draft, n) == getattr(saved, n) for n in FIELDS):
        return None
    return draft


def is_behind(draft: Draft, article: Article | None) -> bool:
    """Whether the article was saved since the draft's editor opened it."""
    return article is not None and draft.base_lock_version != article.lock_version


def discard_draft(article: Article | None, *, user) -> bool:
    """Drop ``user``'s draft of ``article`` (on save, or when they say so)."""
    deleted, _ = Draft.objects.filter(article=article, user=user).delete()
    if deleted:
        logger.info("Draft of %s by %s discarded", _what(article), user)
    return bool(deleted)
