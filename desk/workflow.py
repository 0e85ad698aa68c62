"""
The desk's state changes, each with its ``check_*`` twin (STYLE rules 8 and
8b): assigning articles and claims, signing an article off, sending it back
to review, and notes between colleagues. Every one is logged in the audit
log, which notifies the people it concerns.
"""

import logging
import re

import reversion
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import gate
from articles.models import Article, Claim, Priority
from articles.workflow import RATE_PERMISSION, invalid, may, refuse

from . import audit
from .models import NOTE_MAX_LENGTH, Action, Note

logger = logging.getLogger(__name__)

ASSIGN_PERMISSION = "articles.assign_article"
ONLY_EDITORS_ASSIGN = "Only publishers (the desk's editors) assign articles."
# Who may fill each of an article's roles.
ROLE_NEEDS = {
    "editor": ("articles.publish_article", "a publisher"),
    "reporter": ("articles.add_article", "a reporter"),
    "checker": (RATE_PERMISSION, "a fact-checker"),
}


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


# Assignments -------------------------------------------------------------------


def check_assign(article: Article, *, user) -> list[str]:
    """Whether ``user`` may assign ``article``'s people, due time and priority."""
    if not may(user, ASSIGN_PERMISSION):
        return [ONLY_EDITORS_ASSIGN]
    return []


def role_problems(people: dict) -> list[str]:
    problems = []
    for role, person in people.items():
        if person is None:
            continue
        permission, needed = ROLE_NEEDS[role]
        if not (person.is_staff and may(person, permission)):
            problems.append(
                f"{_name(person)} cannot be the article's {role}: that needs {needed}."
            )
    return problems


def assign(
    article: Article,
    *,
    user,
    editor=None,
    reporter=None,
    checker=None,
    due_at=None,
    priority: int = Priority.NORMAL,
) -> Article:
    """Put people on ``article``, with a due time and a priority."""
    if reasons := check_assign(article, user=user):
        raise refuse(user, f"assign article {article.pk}", reasons)
    people = {"editor": editor, "reporter": reporter, "checker": checker}
    if problems := role_problems(people):
        raise invalid(problems, "wrong_role")
    if priority not in Priority.values:
        raise ValidationError(f"{priority!r} is not a priority.", code="bad_priority")
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        before = {role: getattr(article, f"{role}_id") for role in people}
        newly = [
            person
            for role, person in people.items()
            if person is not None and before[role] != person.pk
        ]
        with reversion.create_revision():
            for role, person in people.items():
                setattr(article, role, person)
            article.due_at, article.priority = due_at, priority
            article.save(update_fields=[*people, "due_at", "priority", "updated_at"])
            reversion.add_to_revision(article)
            reversion.set_user(user)
            reversion.set_comment("Assigned: " + _assignment_words(article))
        audit.record(
            Action.ASSIGN,
            user=user,
            article=article,
            detail=f"“{article.title}” ({_assignment_words(article)})",
            notify=newly,
        )
    logger.info("Article %s assigned by %s", article.pk, user)
    return article


def _assignment_words(article: Article) -> str:
    parts = [
        f"{role} {_name(person)}"
        for role in ("editor", "reporter", "checker")
        if (person := getattr(article, role)) is not None
    ]
    if article.due_at:
        parts.append(f"due {timezone.localtime(article.due_at):%Y-%m-%d %H:%M}")
    parts.append(f"{Priority(article.priority).label.lower()} priority")
    return ", ".join(parts)


def check_assign_claim(claim: Claim, *, user, assignee=None) -> list[str]:
    """
    Whether ``user`` may give ``claim`` to ``assignee`` (None: take it off
    whoever has it). An editor assigns any claim; a fact-checker takes one
    for themselves or gives back their own.
    """
    if may(user, ASSIGN_PERMISSION):
        return []
    if not may(user, RATE_PERMISSION):
        return ["Only fact-checkers take claims, and editors assign them."]
    if assignee is not None and assignee.pk != user.pk:
        return ["A fact-checker takes a claim for themselves; editors assign others."]
    if assignee is None and claim.assignee_id not in (None, user.pk):
        return ["Only its fact-checker or an editor gives back a claim."]
    return []


def assign_claim(claim: Claim, *, user, assignee) -> Claim:
    """Give ``claim`` to the fact-checker ``assignee`` (None: to nobody)."""
    if problems := role_problems({"checker": assignee}):
        raise invalid(problems, "wrong_role")
    with transaction.atomic():
        claim = (
            Claim.objects.select_for_update(of=("self",))
            .select_related("article")
            .get(pk=claim.pk)
        )
        if reasons := check_assign_claim(claim, user=user, assignee=assignee):
            raise refuse(user, f"assign claim {claim.pk}", reasons)
        claim.assignee = assignee
        claim.save(update_fields=["assignee"])
        audit.record(
            Action.ASSIGN,
            user=user,
            claim=claim,
            detail=f"claim {claim} to {_name(assignee)}"
            if assignee
            else f"claim {claim} given back",
            notify=[assignee] if assignee else [],
        )
    return claim


# Sign-off --------------------------------------------------------------------------


def _sign_off_rights(article: Article, user) -> list[str]:
    if not may(user, RATE_PERMISSION):
        return ["Only fact-checkers sign articles off."]
    checker = article.checker_id
    if checker not in (None, user.pk) and not may(user, ASSIGN_PERMISSION):
        return [
            f"{_name(article.checker)} is the article's fact-checker: they sign "
            "it off (or an editor does)."
        ]
    return []


def _sign_off_state(article: Article, blockers=None) -> list[str]:
    if article.status != Article.Status.IN_REVIEW:
        return [
            "Only an article in review is signed off; this one is "
            f"{article.get_status_display().lower()}."
        ]
    if blockers is None:
        blockers = gate.gate_blockers(article)
    return [b.message for b in blockers]


def check_sign_off(article: Article, *, user, blockers=None) -> list[str]:
    """
    Whether ``user`` may sign ``article`` off as checked now; why not. The
    article's fact-checker signs it off (or an editor, or any fact-checker
    when none is assigned), when it is in review and passes the gate
    (``blockers``: the gate's answer, when the caller has it).
    """
    return _sign_off_rights(article, user) or _sign_off_state(article, blockers)


def sign_off(article: Article, *, user) -> Article:
    """Record that every claim of ``article`` is checked: it is ready to publish."""
    with transaction.atomic():
        article = (
            Article.objects.select_for_update(of=("self",))
            .select_related("checker")
            .get(pk=article.pk)
        )
        if reasons := _sign_off_rights(article, user):
            raise refuse(user, f"sign off article {article.pk}", reasons)
        if reasons := _sign_off_state(article):
            raise invalid(reasons, "not_ready")
        with reversion.create_revision():
            article.status = Article.Status.READY
            article.signed_off_by, article.signed_off_at = user, timezone.now()
            article.review_reason = ""
            article.save(
                update_fields=[
                    "status",
                    "signed_off_by",
                    "signed_off_at",
                    "review_reason",
                    "updated_at",
                ]
            )
            reversion.add_to_revision(article)
            reversion.set_user(user)
            reversion.set_comment("Signed off: every claim is checked")
        audit.record(Action.SIGN_OFF, user=user, article=article)
    logger.info("Article %s signed off by %s", article.pk, user)
    return article


def send_back(article: Article, *, reason: str) -> bool:
    """
    Take a signed-off article back to review, saying why (the rule of DESIGN
    §5: a change that makes a rating stale, or a new claim, undoes the
    sign-off). Returns whether it was ready.
    """
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article.pk)
        if article.status != Article.Status.READY:
            return False
        article.status = Article.Status.IN_REVIEW
        article.review_reason = reason[:500]
        article.save(update_fields=["status", "review_reason", "updated_at"])
        audit.record(Action.SEND_BACK, article=article, detail=reason)
    logger.info("Article %s went back to review: %s", article.pk, reason)
    return True


# Notes -----------------------------------------------------------------------------

MENTION = re.compile(r"(?<![\w@.])@([\w.+-]+)")


def check_add_note(article: Article, *, user) -> list[str]:
    """Whether ``user`` may write notes on ``article``; why not."""
    if not may(user, "articles.view_article"):
        return ["Only the newsroom's staff write notes."]
    return []


def mentioned(text: str) -> list:
    """The active staff users ``text`` names as ``@username``."""
    names = {m.rstrip(".") for m in MENTION.findall(text)}
    if not names:
        return []
    User = get_user_model()
    return list(
        User.objects.filter(
            **{f"{User.USERNAME_FIELD}__in": names}, is_active=True, is_staff=True
        )
    )


def add_note(
    article: Article, *, user, text: str, claim: Claim | None = None, parent=None
) -> Note:
    """Write a note on ``article`` (or one of its claims), or a reply in a thread."""
    if reasons := check_add_note(article, user=user):
        raise refuse(user, f"write a note on article {article.pk}", reasons)
    text = text.strip()
    if not text:
        raise ValidationError("Write the note first.", code="empty_note")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            f"The note is {len(text):,} characters long; the limit is "
            f"{NOTE_MAX_LENGTH:,}.",
            code="note_too_long",
        )
    if claim is not None and claim.article_id != article.pk:
        raise ValidationError("That claim is not in this article.", code="wrong_claim")
    if parent is not None:
        if parent.article_id != article.pk:
            raise ValidationError(
                "That note is not on this article.", code="wrong_note"
            )
        parent = parent.parent or parent  # threads are one level deep
        claim = parent.claim
    with transaction.atomic():
        note = Note.objects.create(
            article=article, claim=claim, parent=parent, author=user, text=text
        )
        named = mentioned(text)
        note.mentions.set(named)
        thread = _thread_people(parent) if parent is not None else []
        audit.record(
            Action.NOTE,
            user=user,
            article=article,
            claim=claim,
            detail=str(note),
            notify=[*named, *thread],
        )
    return note


def _thread_people(first: Note) -> list:
    notes = [first, *first.replies.select_related("author")]
    return [n.author for n in notes if n.author is not None]


def check_resolve_note(note: Note, *, user) -> list[str]:
    """Whether ``user`` may resolve the thread of ``note``; why not."""
    if not may(user, "articles.view_article"):
        return ["Only the newsroom's staff resolve notes."]
    return _resolve_state(note)


def _resolve_state(note: Note) -> list[str]:
    if note.parent_id is not None:
        return ["Resolve the thread from its first note."]
    if note.resolved_at is not None:
        return ["This note is already resolved."]
    return []


def resolve_note(note: Note, *, user) -> Note:
    """Mark a thread of notes resolved (it stays in the article's history)."""
    if not may(user, "articles.view_article"):
        raise refuse(
            user,
            f"resolve note {note.pk}",
            ["Only the newsroom's staff resolve notes."],
        )
    if reasons := _resolve_state(note):
        raise invalid(reasons, "not_open")
    with transaction.atomic():
        note.resolved_at, note.resolved_by = timezone.now(), user
        note.save(update_fields=["resolved_at", "resolved_by"])
        audit.record(
            Action.RESOLVE,
            user=user,
            article=note.article,
            claim=note.claim,
            detail=str(note),
        )
    return note
