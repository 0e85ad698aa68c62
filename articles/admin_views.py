"""
The workflow buttons of the article's admin page and the views behind them.

What the page offers comes from the rules layer's ``check_*`` functions:
a button is shown when its check passes, and otherwise the page says why
not. The views call the workflow functions themselves, so a forged POST of a
hidden button is refused by the same rule, with the same reason (a 403 page
that says it, for a right the user lacks; a message, for the article's state).
"""

import logging
from datetime import datetime

from django.contrib import messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from newsroom.addresses import absolute_url
from newsroom.admin_base import format_when, is_id, user_name

from . import compare, editing, gate, previews, staleness, workflow
from .forms import one_line_break
from .models import Article, Claim, PreviewLink, PublishedVersion

logger = logging.getLogger(__name__)

# What the change page compares of the live version (not its stored page).
LIVE_STATE_FIELDS = ("number", "title", "dek", "body", "byline", "claims")
SCHEDULE_FORMAT = "%Y-%m-%dT%H:%M"


def page_claims(article: Article) -> list[Claim]:
    """
    The article's claims for its change page, loaded once per request: the
    gate's blockers, the comparison with the live version and the marked text
    all read them (the inline loads only its page of claims).
    """
    prefetch_related_objects([article], gate.claims_to_check())
    return list(article.claims.all())


def action(reasons: list[str]) -> dict:
    """A workflow button: shown when nothing stops it, else the reasons why not."""
    return {"allowed": not reasons, "reasons": reasons}


# The buttons' addresses, where they are not their names.
URL_NAMES = {"tag": "tag-claim", "no_claims": "no-checkable-claims"}


class ArticleActionsMixin:
    """The article admin's workflow buttons: submit, publish, schedule, ..."""

    def action_urls(self) -> list:
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        names = {
            "submit": self.submit_view,
            "publish": self.publish_view,
            "unpublish": self.unpublish_view,
            "schedule": self.schedule_view,
            "preview": self.preview_view,
            "tag": self.tag_claim_view,
            "no_claims": self.no_claims_view,
        }
        urls = [
            path(
                f"<path:object_id>/{URL_NAMES.get(name, name)}/",
                view(require_POST(handler)),
                name=f"{info[0]}_{info[1]}_{name}",
            )
            for name, handler in names.items()
        ]
        urls.append(
            path(
                "<path:object_id>/preview/<int:link_id>/revoke/",
                view(require_POST(self.revoke_preview_view)),
                name=f"{info[0]}_{info[1]}_revoke_preview",
            )
        )
        return urls

    def _article_or_404(self, request, object_id) -> Article:
        if not is_id(unquote(object_id)):
            raise Http404("No such article.")
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        return article

    def _back_to_article(self, article):
        info = self.opts.app_label, self.opts.model_name
        return redirect(f"admin:{info[0]}_{info[1]}_change", quote(article.pk))

    def _report_refusal(self, request, action: str, error: Exception) -> None:
        """A refused state change, as messages: every problem, and what to do."""
        if isinstance(error, PermissionDenied):
            # A right the user lacks: the 403 page says which (the same words
            # as the page that hid the button).
            raise error
        problems = error.messages
        self.message_user(
            request,
            f"Not {action}: fix {'this' if len(problems) == 1 else 'these'} first, "
            "then try again.",
            messages.ERROR,
        )
        for problem in problems:
            self.message_user(request, problem, messages.ERROR)

    def submit_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        try:
            workflow.submit_for_review(article, user=request.user)
        except ValidationError as error:
            self._report_refusal(request, "submitted", error)
        else:
            self.message_user(
                request,
                "Submitted for review. Fact-checkers can now rate its claims; a "
                "publisher publishes it once the gate passes.",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def no_claims_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        try:
            workflow.record_no_claims(article, user=request.user)
        except ValidationError as error:
            self._report_refusal(request, "recorded", error)
        else:
            self.message_user(
                request,
                "Recorded: the text has no checkable claims. If the text changes, "
                "a fact-checker reads it again.",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def publish_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        note = request.POST.get("note", "").strip()
        try:
            version = workflow.publish(article, user=request.user, note=note)
        except ValidationError as error:
            self._report_refusal(request, "published", error)
        else:
            self.message_user(
                request,
                format_html(
                    'Published version {}. Readers see it now: <a href="{}">{}</a>.',
                    version.number,
                    article.get_absolute_url(),
                    article.get_absolute_url(),
                ),
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def unpublish_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        note = request.POST.get("note", "")
        try:
            workflow.unpublish(article, user=request.user, note=note)
        except ValidationError as error:
            self._report_refusal(request, "unpublished", error)
        else:
            self.message_user(
                request,
                "Unpublished. Its address now tells readers it was withdrawn, "
                "with your note; every version is kept. Publish again to bring "
                "it back.",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def schedule_view(self, request, object_id):
        """Set, change or cancel when the article publishes itself."""
        article = self._article_or_404(request, object_id)
        if "cancel" in request.POST:
            workflow.schedule(article, user=request.user, publish_at=None)
            self.message_user(
                request,
                "Schedule cancelled: the article is published only when a "
                "publisher presses Publish (or schedules it again).",
                messages.SUCCESS,
            )
            return self._back_to_article(article)
        value = request.POST.get("publish_at", "").strip()
        try:
            when = timezone.make_aware(datetime.strptime(value, SCHEDULE_FORMAT))
            problems = workflow.schedule_time_problems(when)
        except (ValueError, OverflowError):
            when, problems = None, []
        if when is None or problems:
            # Rights first: a forged POST gets the reason, not a date error.
            if reasons := workflow.check_schedule(article, user=request.user):
                raise PermissionDenied(" ".join(reasons)) from None
            self.message_user(
                request,
                "Not scheduled: "
                + (
                    " ".join(problems)
                    or "give the date and time to publish at, for example "
                    "2026-12-24 06:00."
                ),
                messages.ERROR,
            )
            return self._back_to_article(article)
        article = workflow.schedule(article, user=request.user, publish_at=when)
        blockers = gate.gate_blockers(article)
        self.message_user(
            request,
            f"Scheduled: it publishes itself at {format_when(when)}, for you, if "
            "it passes the fact-check gate then."
            + (
                " The time has passed: the scheduler publishes it on its next run."
                if when <= timezone.now()
                else ""
            )
            + (
                f" Today {len(blockers)} thing{'s' if len(blockers) != 1 else ''} "
                "still stop it: see the list above."
                if blockers
                else ""
            ),
            messages.SUCCESS if not blockers else messages.WARNING,
        )
        return self._back_to_article(article)

    def preview_view(self, request, object_id):
        """Make a signed, expiring preview link to the saved draft."""
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied("You may not change this article.")
        try:
            hours = int(request.POST.get("hours") or previews.DEFAULT_HOURS)
            link, _token = previews.create_preview(
                article,
                user=request.user,
                hours=hours,
                note=request.POST.get("note", "").strip()[:200],
            )
        except (ValueError, OverflowError):
            self.message_user(request, "Give the link's life in hours.", messages.ERROR)
        except ValidationError as error:
            self._report_refusal(request, "shared", error)
        else:
            url = absolute_url(previews.preview_url(link))
            self.message_user(
                request,
                format_html(
                    "Preview link made; it shows the draft as saved now and works "
                    "until {}. Send it to your reader: {}",
                    format_when(link.expires_at),
                    url,
                ),
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def revoke_preview_view(self, request, object_id, link_id):
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied("You may not change this article.")
        if not is_id(link_id):
            raise Http404("No such preview link.")
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        previews.revoke_preview(link, user=request.user)
        self.message_user(request, "Preview link revoked: it no longer works.")
        return self._back_to_article(article)

    def tag_with_save(self, request, article: Article) -> None:
        """
        Tag the words an editor selected in the body they were editing, now
        that it is saved: "Tag claim" with unsaved edits submits the article's
        form with the selection (static/newsroom/tag_claim.js).
        """
        if "newsroom_tag_start" not in request.POST:
            return
        try:
            start = int(request.POST["newsroom_tag_start"])
            end = int(request.POST.get("newsroom_tag_end", ""))
        except ValueError:
            start = end = -1
        quote_text = one_line_break(request.POST.get("newsroom_tag_quote", ""))
        if not (0 <= start <= end <= len(article.body)) or (
            article.body[start:end] != quote_text
        ):
            self.message_user(
                request,
                "Your edits are saved, but the claim is not tagged: the saved "
                "text is not what you selected. Select the words again and press "
                "“Tag claim”.",
                messages.ERROR,
            )
            return
        if reasons := workflow.check_tag(article, user=request.user):
            self.message_user(request, " ".join(reasons), messages.ERROR)
            return
        try:
            claim = workflow.tag_claim(article, user=request.user, start=start, end=end)
        except ValidationError as error:
            self._report_refusal(request, "tagged", error)
            return
        self.message_user(
            request,
            f"Your edits are saved, and claim {claim} is tagged in them. Now say "
            "who made it (claimant), its kind and the claim reviewed, below.",
            messages.SUCCESS,
        )

    def tag_claim_view(self, request, object_id):
        """Tag the words an editor selected in the saved body as a claim."""
        article = self._article_or_404(request, object_id)
        if reasons := workflow.check_tag(article, user=request.user):
            raise PermissionDenied(" ".join(reasons))
        try:
            start, end = int(request.POST["start"]), int(request.POST["end"])
        except (KeyError, ValueError):
            self.message_user(
                request,
                "Select the words of the claim in the body first, then press "
                "“Tag claim”.",
                messages.ERROR,
            )
            return self._back_to_article(article)
        # Browsers send a selection's line breaks as \r\n, as in a textarea.
        quote_text = one_line_break(request.POST.get("quote", ""))
        if not (0 <= start <= end <= len(article.body)) or (
            article.body[start:end] != quote_text
        ):
            self.message_user(
                request,
                "Not tagged: the saved text is not what you selected (someone "
                "may have saved the article meanwhile). Reload the page and "
                "select the words again.",
                messages.ERROR,
            )
            return self._back_to_article(article)
        try:
            claim = workflow.tag_claim(article, user=request.user, start=start, end=end)
        except ValidationError as error:
            self._report_refusal(request, "tagged", error)
            return self._back_to_article(article)
        self.message_user(
            request,
            f"Tagged claim {claim}. Now say who made it (claimant), its kind and "
            "the claim reviewed, below; then open it to add its sources. A "
            "fact-checker rates it.",
            messages.SUCCESS,
        )
        response = self._back_to_article(article)
        response["Location"] += "#claims-group"
        return response

    # The workflow panel of the change page

    def workflow_context(self, request, article: Article) -> dict:
        user = request.user
        info = self.opts.app_label, self.opts.model_name
        claims = page_claims(article)
        blockers = gate.gate_blockers(article, claims)
        urls = {
            name: reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[quote(article.pk)])
            for name in (
                "submit",
                "publish",
                "unpublish",
                "schedule",
                "compare",
                "tag",
                "preview",
                "no_claims",
            )
        }
        live = (
            PublishedVersion.objects.only(*LIVE_STATE_FIELDS)
            .filter(pk=article.live_version_id)
            .first()
        )
        can_change = self.has_change_permission(request, article)
        return {
            "article": article,
            "live": live,
            "blockers": blockers,
            "unpublished_changes": live is not None
            and compare.compare(
                compare.state_from_published(live),
                compare.state_from_article(article, claims),
            ).has_changes,
            "actions": {
                "submit": action(workflow.check_submit(article, user=user)),
                "publish": action(
                    workflow.check_publish(article, user=user, blockers=blockers)
                ),
                "unpublish": action(workflow.check_unpublish(article, user=user)),
                "schedule": action(workflow.check_schedule(article, user=user)),
                "tag": action(workflow.check_tag(article, user=user)),
                "no_claims": action(
                    workflow.check_record_no_claims(article, user=user, claims=claims)
                ),
            },
            "no_claims_recorded": not claims and gate.no_claims_recorded(article),
            "scheduled_by": user_name(article.scheduled_by)
            if article.scheduled_by_id
            else None,
            "schedule_value": timezone.localtime(article.publish_at).strftime(
                SCHEDULE_FORMAT
            )
            if article.publish_at
            else "",
            "schedule_lapsed": workflow.check_scheduled_publish(article)
            if article.publish_at
            else [],
            "suggestions": self._suggested_entities(request, article),
            "previews": self._previews(request, article) if can_change else [],
            "can_preview": can_change,
            "urls": urls,
            "compare_live_url": (
                f"{urls['compare']}?from=live&to=current" if article.is_live else None
            ),
        }

    def _previews(self, request, article: Article) -> list[dict]:
        info = self.opts.app_label, self.opts.model_name
        return [
            {
                "link": link,
                "url": absolute_url(previews.preview_url(link)),
                "revoke_url": reverse(
                    f"admin:{info[0]}_{info[1]}_revoke_preview",
                    args=[quote(article.pk), link.pk],
                ),
            }
            for link in article.preview_links.filter(
                revoked_at__isnull=True, expires_at__gt=timezone.now()
            ).select_related("created_by")
        ]

    def _suggested_entities(self, request, article: Article) -> list[dict]:
        """Recurring capitalised names no entity has, with a link to add one."""
        found = editing.suggested_entities(article)
        can_add = request.user.has_perm("entities.add_entity")
        add_url = reverse("admin:entities_entity_add")
        return [
            {
                "name": name,
                "count": count,
                "add_url": (
                    f"{add_url}?{urlencode({'name': name, 'slug': slugify(name)})}"
                    if can_add
                    else None
                ),
            }
            for name, count in found
        ]

    def response_change(self, request, obj):
        response = super().response_change(request, obj)
        if obj.status in (Article.Status.DRAFT, Article.Status.WITHDRAWN):
            hint = "When the draft is ready, press “Submit for review”."
        elif obj.is_live:
            hint = (
                "Readers still see the live version: press “Publish” to put "
                "these changes on the site."
            )
        else:
            hint = None
        if hint:
            self.message_user(request, hint, messages.INFO)
        return response


def check_status_html(claim: Claim) -> str:
    """A claim's check, as its row in the admin shows it."""
    if claim.pk is None:
        return "—"
    if claim.anchor == Claim.Anchor.ORPHANED:
        return format_html(
            '<strong class="newsroom-flag newsroom-flag--error">{}</strong>',
            "Not in the text: re-tag or delete",
        )
    reasons = staleness.stale_reasons(claim, list(claim.citations.all()))
    if reasons:
        return format_html(
            '<strong class="newsroom-flag newsroom-flag--warning">{}</strong>'
            '<br><span class="newsroom-muted">{}</span>',
            "Stale: re-check needed",
            "What changed: " + "; ".join(reasons) + ".",
        )
    if not claim.is_rated:
        return format_html(
            '<span class="newsroom-flag newsroom-flag--todo">{}</span>',
            "Not yet checked",
        )
    who = user_name(claim.checked_by) if claim.checked_by_id else "unknown"
    text = f"Checked by {who}, {format_when(claim.checked_at)}"
    if claim.separation_overridden:
        text += " (own claim: superuser override)"
    return format_html('<span class="newsroom-flag newsroom-flag--ok">{}</span>', text)


NOTES_ANCHOR = "notes"
# A claim's place in the text, in the words of the article's claim list.
ANCHOR_WORDS = {
    Claim.Anchor.ANCHORED: "Anchored",
    Claim.Anchor.CHANGED: "Changed",
    Claim.Anchor.ORPHANED: "Lost",
}


def claim_state_html(claim: Claim) -> str:
    """
    A claim's state in the article's list of claims: its place in the text
    (anchored, changed, lost), its check (stale, not yet checked, or who
    checked it and when) and its open notes, linked to the claim's page.
    """
    if claim.pk is None:
        return "—"
    html = format_html(
        '<span class="newsroom-anchor newsroom-anchor--{}">{}</span> ',
        claim.anchor,
        ANCHOR_WORDS.get(claim.anchor, claim.anchor),
    )
    html += check_status_html(claim)
    notes = getattr(claim, "n_open_notes", 0)
    if notes:
        url = reverse("admin:articles_claim_change", args=[quote(claim.pk)])
        html += format_html(
            '<br><a class="newsroom-claimrow__notes" href="{}#{}">{} open note{}</a>',
            url,
            NOTES_ANCHOR,
            notes,
            "" if notes == 1 else "s",
        )
    return html


def rate_requested(request, form) -> None:
    """Record the rating a claim form asked for, through the workflow."""
    requested = getattr(form, "requested_rating", None)
    if not requested or form.instance.pk is None:
        return
    workflow.rate_claim(form.instance, user=request.user, **requested)
