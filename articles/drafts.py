"""
Autosaved drafts: an editor's working text kept every few seconds while they
type, so that a crash or a closed tab loses nothing.

A draft is not a revision (revisions are decisions, with a comment, and
readers' history is built from them): one row per editor and article,
overwritten by each autosave, offered back with a prompt when the editor
returns and discarded when they save. A draft made on an older version of the
article than the saved one is never applied silently: restoring it keeps the
version it was made on, so saving it meets the edit-conflict rule.
"""

import logging

from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Article, Draft
from .workflow import check_edit_article, refuse

logger = logging.getLogger(__name__)

# The article's fields a draft keeps: what an editor types.
FIELDS = ("title", "dek", "body", "byline")


def check_save_draft(article: Article, *, user) -> list[str]:
    """Whether ``user`` may keep a draft of ``article``; why not."""
    return check_edit_article(article, user=user)


def save_draft(article: Article, *, user, text: dict, base_lock_version: int) -> Draft:
    """Keep ``text`` (the fields of FIELDS) as ``user``'s draft of ``article``."""
    if reasons := check_save_draft(article, user=user):
        raise refuse(user, f"keep a draft of article {article.pk}", reasons)
    draft = Draft.objects.filter(article=article, user=user).first() or Draft(
        article=article, user=user
    )
    for name in FIELDS:
        setattr(draft, name, text.get(name, getattr(article, name)))
    draft.base_lock_version = base_lock_version
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


def draft_for(article: Article, *, user) -> Draft | None:
    """``user``'s draft of ``article``, when it says something the article does not."""
    draft = Draft.objects.filter(article=article, user=user).first()
    if draft is None:
        return None
    if all(getattr(draft, n) == getattr(article, n) for n in FIELDS):
        return None
    return draft


def is_behind(draft: Draft, article: Article) -> bool:
    """Whether the article was saved since the draft's editor opened it."""
    return draft.base_lock_version != article.lock_version


def discard_draft(article: Article, *, user) -> bool:
    """Drop ``user``'s draft of ``article`` (on save, or when they say so)."""
    deleted, _ = Draft.objects.filter(article=article, user=user).delete()
    if deleted:
        logger.info("Draft of article %s by %s discarded", article.pk, user)
    return bool(deleted)
