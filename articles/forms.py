"""
The admin's forms: the article (with its edit-conflict check), its claims
(placed in the text, rated through the workflow) and their inlines.

Forms only read and show; what a save may change is decided by the rules
layer (``articles.workflow``), which the admin calls with what they cleaned.
"""

import logging

from django import forms
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.urls import reverse
from reversion.models import Version

from newsroom.admin_base import PreloadedChoicesForm, format_when, user_name

from . import anchoring, workflow
from .models import Article, Claim

logger = logging.getLogger(__name__)

RATING_FIELDS = ("rating", "rating_explanation", "media_authenticity")
# Where a claim is in the text and who did what: shown, never typed.
CLAIM_AUDIT_FIELDS = (
    "anchor",
    "start",
    "end",
    "prefix",
    "suffix",
    "tagged_by",
    "checked_by",
    "checked_at",
    "separation_overridden",
)
# A claim's own page in the admin: what it is, what it is about, its rating.
CLAIM_FIELDSETS = (
    (
        None,
        {
            "fields": ("article", "quote", "claimant", "kind", "statement"),
            "description": "The quote must be words of the article's body, "
            "exactly as written.",
        },
    ),
    (
        "Media (for a claim about an image or a video)",
        {
            "fields": (
                "media_type",
                "media_image",
                ("media_url", "media_archive_url"),
                ("media_appeared_url", "media_platform", "media_appeared_on"),
                ("media_start_seconds", "media_end_seconds"),
            ),
            "description": "The picture or video the claim is about, and "
            "where it was shared. A claim about media may quote no words "
            "of the article: then say the claim in “claim reviewed”.",
        },
    ),
    (
        "Rating",
        {
            "fields": (
                "rating",
                "rating_explanation",
                "media_authenticity",
                "check_status",
            )
        },
    ),
    (
        "Anchoring and audit",
        {
            "classes": ("collapse",),
            "fields": (
                CLAIM_AUDIT_FIELDS[0],
                CLAIM_AUDIT_FIELDS[1:3],
                *CLAIM_AUDIT_FIELDS[3:],
            ),
        },
    ),
)


def one_line_break(text: str) -> str:
    """``text`` with each line break as ``\n`` (browsers send ``\r\n``)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


class PlainTextField(forms.CharField):
    """
    A CharField that stores line breaks as ``\\n``.

    Browsers send a textarea's line breaks as ``\\r\\n``; claims are located by
    character offsets, so the text is kept with one character per line break,
    as the browser's own editing (and the claim tagger) counts them.
    """

    def to_python(self, value):
        return one_line_break(super().to_python(value))


def textarea(rows: int):
    """A form field for a plain-text column: a textarea of ``rows`` lines."""
    return {
        "form_class": PlainTextField,
        "widget": AdminTextareaWidget(attrs={"rows": rows}),
    }


class ArticleForm(forms.ModelForm):
    """The article form; it refuses to overwrite a save made since it was opened."""

    seen_lock_version = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen_lock_version"].initial = self.instance.lock_version
        if "body" in self.fields:
            # Room for a long article: the body is what editors work in.
            self.fields["body"].widget.attrs.update(
                rows=24,
                # The live preview (static/newsroom/editor.js) asks here.
                **{
                    "data-preview-url": reverse(
                        "admin:articles_article_render_markdown"
                    )
                },
            )
            # Autosave of the editor's draft (articles.drafts); on the add
            # page, their draft of a new article.
            self.fields["body"].widget.attrs["data-autosave-url"] = (
                reverse("admin:articles_article_add_autosave")
                if self.instance.pk is None
                else reverse("admin:articles_article_autosave", args=[self.instance.pk])
            )
            self.fields["body"].help_text += (
                " Place an image of the media library on a line of its own: "
                "![Caption for this story, or nothing](image:12)."
            )
        self.locked = None
        # On a conflict: (the lock version the editor opened, the saved row).
        self.conflict = None

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        # The admin runs a POST in a transaction: the row stays locked until
        # the save is committed, so nobody can slip in between check and save.
        current = Article.objects.select_for_update().get(pk=self.instance.pk)
        seen = cleaned.get("seen_lock_version")
        if seen != current.lock_version:
            # Saving again means "keep mine": the editor has been told.
            data = self.data.copy()
            data[self.add_prefix("seen_lock_version")] = str(current.lock_version)
            self.data = data
            self.conflict = (seen, current)
            raise ValidationError(self._conflict_message(current), code="conflict")
        self.locked = current
        return cleaned

    def _conflict_message(self, current: Article) -> str:
        latest = (
            Version.objects.get_for_object(current)
            .select_related("revision__user")
            .first()
        )
        if latest is not None:
            who = user_name(latest.revision.user)
            when = format_when(latest.revision.date_created)
        else:
            who, when = "someone", format_when(current.updated_at)
        return (
            f"{who} saved this article at {when}, after you opened it. Your "
            "changes are NOT saved yet: they are still in the form below. See "
            "what changed since you opened it above the form (or in the "
            "article's History), merge what you need, then press Save again. "
            "Saving again replaces their version with yours."
        )


def place_quote(form, body: str) -> None:
    """Locate a typed quote in ``body`` and set the claim's selectors from it."""
    claim = form.instance
    typed = form.cleaned_data.get("quote")
    if not typed:
        return
    retyped = claim.pk is None or "quote" in form.changed_data
    # A lost claim saved on its own page is placed again where its words now
    # are: the editor chose to (a save of the whole article does not).
    lost = claim.pk is not None and claim.anchor == Claim.Anchor.ORPHANED
    if not retyped and not (lost and form.place_quote):
        return
    selector = anchoring.locate(body, typed, near=claim.start)
    if selector is None:
        if not retyped:
            return  # still lost: the gate says so
        form.add_error(
            "quote",
            "These words are not in the article's text. Copy them exactly from "
            "the body (punctuation and line breaks too), or save the body first.",
        )
        return
    claim.quote, claim.prefix, claim.suffix = (
        selector.quote,
        selector.prefix,
        selector.suffix,
    )
    claim.start, claim.end = selector.start, selector.end
    claim.anchor = Claim.Anchor.ANCHORED
    # Placed on the text being saved: re-anchoring after the save leaves it.
    claim.placed_on_body = body


class ClaimForm(PreloadedChoicesForm):
    """
    A claim's form. Its rating is not saved with it (``workflow.save_claim``
    keeps the stored one): the admin hands a changed rating to
    ``workflow.rate_claim`` after the save, which checks permission and the
    separation of duties and stamps who checked it and what.
    """

    user = None  # the editor, set by the admin for each request
    # On the claim's own page the quote is placed in the article's body here;
    # in the article's inline, the formset places it in the body being saved.
    place_quote = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        claim = self.instance
        if claim.pk is None and claim.tagged_by_id is None and self.user is not None:
            claim.tagged_by = self.user
        self.stored_rating = {name: getattr(claim, name) for name in RATING_FIELDS}
        self.requested_rating = None
        present = [name for name in RATING_FIELDS if name in self.fields]
        for name in present:
            # Compare with what the editor saw, not with the database, so that
            # a rating someone recorded since the page loaded is not undone.
            self.fields[name].show_hidden_initial = True
        if present and not self._can_rate():
            for name in present:
                self.fields[name].disabled = True
                self.fields[name].widget.attrs["title"] = " ".join(
                    workflow.check_rate(self.instance, user=self.user)
                    if self.user is not None
                    else [workflow.ONLY_CHECKERS_RATE]
                )

    def _can_rate(self) -> bool:
        if self.user is None:
            return False
        # Re-quoting a claim is tagging it: whoever sets its words in this
        # save may not rate it in the same save.
        requoted = (
            self.is_bound
            and self.instance.pk is not None
            and "quote" in self.changed_data
        )
        return not workflow.check_rate(self.instance, user=self.user, requoted=requoted)

    def _rating_field_changed(self, name: str) -> bool:
        if name not in self.fields or self.fields[name].disabled:
            return False
        return (
            name in self.changed_data
            and name in self.cleaned_data
            and self.cleaned_data[name] != self.stored_rating[name]
        )

    def clean(self):
        cleaned = super().clean()
        self._log_forged_rating()
        if self.place_quote:
            article = cleaned.get("article") or (
                self.instance.article if self.instance.article_id else None
            )
            if article is not None:
                place_quote(self, article.body)
        if any(self._rating_field_changed(name) for name in RATING_FIELDS):
            if not self._can_rate():
                self.add_error(
                    "rating" if "rating" in self.fields else None,
                    "You may not rate this claim: rating needs the fact-checker "
                    "role, and whoever tagged a claim (or changed its words) "
                    "does not rate it.",
                )
            else:
                self.requested_rating = {
                    "rating": cleaned.get("rating", self.stored_rating["rating"]),
                    "explanation": cleaned.get(
                        "rating_explanation", self.stored_rating["rating_explanation"]
                    ),
                }
                if "media_authenticity" in self.fields:
                    self.requested_rating["media_authenticity"] = cleaned.get(
                        "media_authenticity", self.stored_rating["media_authenticity"]
                    )
        return cleaned

    def _log_forged_rating(self) -> None:
        """A rating posted by someone who has no rating field is ignored: log it."""
        posted = [
            name
            for name in RATING_FIELDS
            if self.add_prefix(name) in self.data
            and (name not in self.fields or self.fields[name].disabled)
        ]
        if posted:
            logger.warning(
                "Permission denied: %s may not rate claim %s (posted %s ignored)",
                self.user,
                self.instance.pk,
                ", ".join(posted),
            )


class ClaimInlineFormSet(forms.BaseInlineFormSet):
    """
    The article's claims, a page at a time: an article with hundreds of claims
    would otherwise render thousands of fields (seconds per page load). A save
    changes the claims of the page the editor had open, and only those.
    """

    per_page = 25
    page_number = None  # the ?claims= page, set by ClaimInline.get_formset

    def get_queryset(self):
        if not hasattr(self, "page"):
            claims = super().get_queryset()
            self.page = Paginator(claims, self.per_page).get_page(self.page_number)
            # A posted form holds exactly the claims that were shown, wherever
            # they sort now.
            self._page_claims = (
                claims.filter(pk__in=self._posted_ids())
                if self.is_bound
                else self.page.object_list
            )
        return self._page_claims

    def _posted_ids(self) -> list[int]:
        pk = self.model._meta.pk.name
        posted = (
            self.data.get(f"{self.add_prefix(i)}-{pk}", "")
            for i in range(self.initial_form_count())
        )
        return [int(value) for value in posted if str(value).isdigit()]

    def clean(self):
        super().clean()
        body = self.instance.body or ""
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or self._should_delete_form(form):
                continue
            if form.has_changed():
                place_quote(form, body)


class MentionFormSet(forms.BaseInlineFormSet):
    def get_queryset(self):
        mentions = super().get_queryset()
        for mention in mentions:
            # Each row shows the mention (“entity in article”): its article
            # is this one, not a query per row.
            mention.article = self.instance
        return mentions
