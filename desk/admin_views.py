"""
The desk on the article and claim pages of the admin: who is on the article
and by when, its sign-off, notes between colleagues, taking a claim. Each
view calls the desk's workflow functions; what a page offers comes from their
``check_*`` twins, and a refused request gets the check's reason.
"""

from datetime import datetime

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from reversion.models import Version

from articles import staleness as article_staleness
from articles import workflow as article_workflow
from articles.models import Article, Claim, Priority
from newsroom.admin_base import is_id, user_name

from . import workflow
from .models import Note, Notification
from .workflow import ROLE_NEEDS

SCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"
SIGN_OFF_COMMENT = "Signed off"


def _user_or_none(value: str, *, field: str):
    if not value:
        return None
    user = get_user_model().objects.filter(pk=value).first() if is_id(value) else None
    if user is None:
        raise ValidationError(f"The {field} chosen is not a user here.", code="no_user")
    return user


def _holds(permission: str):
    app_label, codename = permission.split(".")
    return Q(is_superuser=True) | Exists(
        Permission.objects.filter(
            group__user=OuterRef("pk"),
            codename=codename,
            content_type__app_label=app_label,
        )
    )


def eligible(role: str):
    """The active staff who may fill ``role`` (an article's or a claim's)."""
    return (
        get_user_model()
        .objects.filter(_holds(ROLE_NEEDS[role][0]), is_active=True, is_staff=True)
        .order_by("first_name", "last_name", "username")
    )


def eligible_by_role() -> dict[str, list]:
    """Who may fill each of an article's roles, in one query."""
    staff = get_user_model().objects.filter(is_active=True, is_staff=True)
    staff = staff.annotate(
        **{f"may_{role}": _holds(needs[0]) for role, needs in ROLE_NEEDS.items()}
    ).order_by("first_name", "last_name", "username")
    people = list(staff)
    return {
        role: [p for p in people if getattr(p, f"may_{role}")] for role in ROLE_NEEDS
    }


def note_threads(notes) -> list[Note]:
    """The first notes of ``notes``' threads with their replies, open first."""
    return sorted(
        (n for n in notes if n.parent_id is None),
        key=lambda n: (n.resolved_at is not None, n.created_at),
    )


def notes_of(**where):
    replies = Prefetch(
        "replies", queryset=Note.objects.select_related("author").order_by("pk")
    )
    return list(
        Note.objects.filter(parent__isnull=True, **where)
        .select_related("author", "claim", "resolved_by")
        .prefetch_related(replies)
    )


class ArticleDeskMixin:
    """The desk's panels and actions on the article page."""

    def desk_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/assign/",
                view(require_POST(self.assign_view)),
                name=f"{info[0]}_{info[1]}_assign",
            ),
            path(
                "<path:object_id>/sign-off/",
                view(require_POST(self.sign_off_view)),
                name=f"{info[0]}_{info[1]}_sign_off",
            ),
            path(
                "<path:object_id>/notes/",
                view(require_POST(self.note_view)),
                name=f"{info[0]}_{info[1]}_note",
            ),
            path(
                "<path:object_id>/notes/<int:note_id>/resolve/",
                view(require_POST(self.resolve_note_view)),
                name=f"{info[0]}_{info[1]}_resolve_note",
            ),
        ]

    def assign_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if reasons := workflow.check_assign(article, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        data = request.POST
        try:
            people = {
                role: _user_or_none(data.get(role, ""), field=role)
                for role in ("editor", "reporter", "checker")
            }
            due = data.get("due_at", "").strip()
            due_at = (
                timezone.make_aware(datetime.strptime(due, SCHEDULE_FORMAT))
                if due
                else None
            )
            priority = int(data.get("priority") or Priority.NORMAL)
            workflow.assign(
                article, user=request.user, due_at=due_at, priority=priority, **people
            )
        except (ValueError, OverflowError):
            self.message_user(
                request,
                "Not assigned: give the due time as a date and a time, and a "
                "priority from the list.",
                messages.ERROR,
            )
        except ValidationError as error:
            self._report_refusal(request, "assigned", error)
        else:
            self.message_user(
                request,
                "Assigned. Whoever is new on the article is notified on their desk "
                "(and by email).",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def sign_off_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        try:
            workflow.sign_off(article, user=request.user)
        except ValidationError as error:
            self._report_refusal(request, "signed off", error)
        else:
            self.message_user(
                request,
                "Signed off: the article is ready to publish. If anything it "
                "says changes now, it goes back to review.",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def note_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if reasons := workflow.check_add_note(article, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        claim = parent = None
        if value := request.POST.get("claim"):
            claim = (
                Claim.objects.filter(pk=value, article=article).first()
                if (is_id(value))
                else None
            )
            if claim is None:
                raise Http404("No such claim in this article.")
        if value := request.POST.get("parent"):
            parent = (
                Note.objects.filter(pk=value, article=article).first()
                if is_id(value)
                else None
            )
            if parent is None:
                raise Http404("No such note on this article.")
        try:
            note = workflow.add_note(
                article,
                user=request.user,
                text=request.POST.get("text", ""),
                claim=claim,
                parent=parent,
            )
        except ValidationError as error:
            self._report_refusal(request, "saved", error)
        else:
            named = ", ".join(user_name(u) for u in note.mentions.all())
            self.message_user(
                request,
                "Note saved" + (f"; {named} notified." if named else "."),
                messages.SUCCESS,
            )
        return self._back_to_place(request, article, claim or (parent and parent.claim))

    def resolve_note_view(self, request, object_id, note_id):
        article = self._article_or_404(request, object_id)
        note = (
            Note.objects.filter(pk=note_id, article=article).first()
            if is_id(note_id)
            else None
        )
        if note is None:
            raise Http404("No such note on this article.")
        try:
            workflow.resolve_note(note, user=request.user)
        except ValidationError as error:
            self._report_refusal(request, "resolved", error)
        else:
            self.message_user(request, "Note resolved.", messages.SUCCESS)
        return self._back_to_place(request, article, note.claim)

    def _back_to_place(self, request, article, claim):
        if claim is not None and request.POST.get("back") == "claim":
            url = reverse("admin:articles_claim_change", args=[claim.pk])
        else:
            url = reverse("admin:articles_article_change", args=[quote(article.pk)])
        return redirect(url + "#notes")

    def desk_context(self, request, article: Article, blockers) -> dict:
        user = request.user
        signed_off_since = None
        if article.status == Article.Status.READY:
            version = (
                Version.objects.get_for_object(article)
                .filter(revision__comment__startswith=SIGN_OFF_COMMENT)
                .values_list("revision_id", flat=True)
                .first()
            )
            signed_off_since = version
        may_assign = not workflow.check_assign(article, user=user)
        return {
            "assign": {
                "allowed": may_assign,
                "reasons": workflow.check_assign(article, user=user),
                "choices": eligible_by_role() if may_assign else {},
                "due_value": timezone.localtime(article.due_at).strftime(
                    SCHEDULE_FORMAT
                )
                if article.due_at
                else "",
                "priorities": Priority.choices,
            },
            "sign_off": {
                "allowed": not (
                    reasons := workflow.check_sign_off(
                        article, user=user, blockers=blockers
                    )
                ),
                "reasons": reasons,
            },
            "signed_off_revision": signed_off_since,
            "threads": note_threads(notes_of(article=article)),
            "may_note": not workflow.check_add_note(article, user=user),
        }


class ClaimDeskMixin:
    """Taking a claim, and its notes, on the claim's page."""

    def desk_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        return [
            path(
                "<path:object_id>/assign/",
                view(require_POST(self.assign_claim_view)),
                name=f"{info[0]}_{info[1]}_assign",
            ),
            path(
                "<path:object_id>/reconfirm/",
                view(require_POST(self.reconfirm_view)),
                name=f"{info[0]}_{info[1]}_reconfirm",
            ),
        ]

    def _claim_or_404(self, request, object_id) -> Claim:
        claim = (
            self.get_object(request, unquote(object_id))
            if is_id(unquote(object_id))
            else None
        )
        if claim is None:
            raise Http404("No such claim.")
        return claim

    def reconfirm_view(self, request, object_id):
        """Confirm a stale rating as it is (the rules: articles.workflow)."""
        claim = self._claim_or_404(request, object_id)
        try:
            claim = article_workflow.reconfirm(claim, user=request.user)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(
                    request, f"Not re-confirmed: {message}", messages.ERROR
                )
        else:
            self.message_user(
                request,
                f"Re-confirmed: still {claim.get_rating_display().lower()}. The "
                "check is recorded as yours, now; readers see no rating change.",
                messages.SUCCESS,
            )
        return redirect("admin:articles_claim_change", claim.pk)

    def assign_claim_view(self, request, object_id):
        claim = self._claim_or_404(request, object_id)
        value = request.POST.get("assignee", "")
        try:
            assignee = (
                request.user
                if value == "me"
                else _user_or_none(value, field="assignee")
            )
            workflow.assign_claim(claim, user=request.user, assignee=assignee)
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, f"Not assigned: {message}", messages.ERROR)
        else:
            self.message_user(
                request,
                f"The claim is {user_name(assignee)}'s now."
                if assignee
                else "The claim is nobody's now.",
                messages.SUCCESS,
            )
        return redirect("admin:articles_claim_change", claim.pk)

    def claim_desk_context(self, request, claim: Claim) -> dict:
        user = request.user
        take = workflow.check_assign_claim(claim, user=user, assignee=user)
        give_back = workflow.check_assign_claim(claim, user=user, assignee=None)
        editor = not workflow.check_assign(claim.article, user=user)
        return {
            "claim": claim,
            "reconfirm": {
                "allowed": not (
                    reasons := article_workflow.check_reconfirm(claim, user=user)
                ),
                "reasons": reasons,
                "stale": article_staleness.stale_reasons(claim),
            },
            "may_take": not take and claim.assignee_id != user.pk,
            "may_give_back": not give_back and claim.assignee_id is not None,
            "checkers": list(eligible("checker")) if editor else [],
            "threads": note_threads(notes_of(claim=claim)),
            "may_note": not workflow.check_add_note(claim.article, user=user),
            "article": claim.article,
        }


def mark_read(request):
    """Mark the user's notifications read (the desk's button)."""
    if request.method != "POST":
        raise Http404
    Notification.objects.unread().filter(user=request.user).update(
        read_at=timezone.now()
    )
    return redirect("admin:index")
