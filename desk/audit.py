"""
The audit log: every state change, who made it and when (``record``), and
the notifications it sends to the people it concerns.

The rules layer records an event inside the transaction of the change it
describes, so the log holds what happened and nothing that was rolled back.
"""

import logging

from django.contrib.auth import get_user_model

from . import notifications
from .models import Action, AuditEvent

logger = logging.getLogger(__name__)

# What each kind of event tells the people on the article (its editor,
# reporter, fact-checker and authors); other events notify only those named.
TOLD_TO_THE_ARTICLE = {
    Action.SIGN_OFF,
    Action.SEND_BACK,
    Action.PUBLISH,
    Action.UNPUBLISH,
    Action.CORRECT,
}


def record(
    action: str,
    *,
    user=None,
    article=None,
    claim=None,
    detail: str = "",
    notify=(),
) -> AuditEvent:
    """
    Log ``action`` by ``user`` (None: the system) on ``article``/``claim``,
    and notify ``notify`` (users), plus the article's people for the events
    that concern them. Call it inside the change's transaction.
    """
    if article is None and claim is not None:
        article = claim.article
    event = AuditEvent.objects.create(
        action=action,
        user=user if user is not None and user.pk else None,
        article=article,
        claim=claim,
        article_title=article.title[:300] if article is not None else "",
        detail=detail[:1000],
    )
    recipients = {u.pk: u for u in notify if u is not None}
    if action in TOLD_TO_THE_ARTICLE and article is not None:
        recipients.update({u.pk: u for u in people_on(article)})
    if user is not None:
        recipients.pop(user.pk, None)  # nobody is told what they did
    notifications.send(event, recipients.values())
    return event


def people_on(article) -> list:
    """The article's editor, reporter, fact-checker and authors (active)."""
    ids = {article.editor_id, article.reporter_id, article.checker_id} - {None}
    ids |= set(article.authors.values_list("pk", flat=True))
    return list(get_user_model().objects.filter(pk__in=ids, is_active=True))
