"""
The Django admin for editors, fact-checkers and publishers.

The admin is thin: every state change (rating, publishing, unpublishing,
submitting, restoring, corrections) goes through a function of
``articles.workflow``, and the admin turns its exceptions into messages.
What the admin adds is the editor's view of it: the workflow buttons and the
gate's blockers on the article page, optimistic locking of the article form,
and the comparison of revisions (``articles.compare``).
"""

import logging

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AdminTextareaWidget
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import IntegrityError, models
from django.db.models import Exists, OuterRef, Subquery, prefetch_related_objects
from django.db.models.functions import Cast
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_POST
from reversion.models import Version

from entities.admin import (
    GuardedVersionAdmin,
    ManyRowsInlineMixin,
    PreloadedChoicesForm,
    related_count,
)

from . import anchoring, compare, previews, tagging, workflow
from .models import (
    RENDERED_PAGE,
    Article,
    Citation,
    Claim,
    Correction,
    Mention,
    PreviewLink,
    PublishedClaim,
    PublishedVersion,
    Rating,
)

logger = logging.getLogger(__name__)

RATING_FIELDS = ("rating", "rating_explanation")


# Form fields -----------------------------------------------------------------


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


def _textarea(rows: int):
    return {
        "form_class": PlainTextField,
        "widget": AdminTextareaWidget(attrs={"rows": rows}),
    }


def _format_when(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else "—"


def _user_name(user) -> str:
    if user is None:
        return "someone"
    return user.get_full_name() or user.get_username()


# Articles: forms ---------------------------------------------------------------


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
            self.fields["body"].widget.attrs.update(rows=24)
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
            who = _user_name(latest.revision.user)
            when = _format_when(latest.revision.date_created)
        else:
            who, when = "someone", _format_when(current.updated_at)
        return (
            f"{who} saved this article at {when}, after you opened it. Your "
            "changes are NOT saved yet: they are still in the form below. See "
            "what changed since you opened it above the form (or in the "
            "article's History), merge what you need, then press Save again. "
            "Saving again replaces their version with yours."
        )


def _place_quote(form, body: str) -> None:
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
    A claim's form. Its rating is not saved with it: the admin hands a changed
    rating to ``workflow.rate_claim`` after the save, which checks permission
    and the separation of duties and stamps who checked it and what.
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
                self.fields[name].widget.attrs["title"] = (
                    "You tagged this claim, so another fact-checker rates it."
                )

    def _can_rate(self) -> bool:
        return self.user is not None and workflow.can_rate(self.instance, self.user)

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
                _place_quote(self, article.body)
        if any(self._rating_field_changed(name) for name in RATING_FIELDS):
            if not self._can_rate():
                self.add_error(
                    "rating" if "rating" in self.fields else None,
                    "You may not rate this claim: rating needs the fact-checker "
                    "role, and whoever tagged a claim does not rate it.",
                )
            else:
                self.requested_rating = {
                    "rating": cleaned.get("rating", self.stored_rating["rating"]),
                    "explanation": cleaned.get(
                        "rating_explanation", self.stored_rating["rating_explanation"]
                    ),
                }
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

    def _post_clean(self):
        super()._post_clean()
        # Save the claim with its stored rating; rate_claim records the new one.
        for name, value in self.stored_rating.items():
            setattr(self.instance, name, value)


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
                _place_quote(form, body)


def _rate_requested(request, form) -> None:
    """Record the rating a claim form asked for, through the workflow."""
    requested = getattr(form, "requested_rating", None)
    if not requested or form.instance.pk is None:
        return
    workflow.rate_claim(form.instance, user=request.user, **requested)


def _check_status(claim: Claim) -> str:
    if claim.pk is None:
        return "—"
    if claim.anchor == Claim.Anchor.ORPHANED:
        return format_html(
            '<strong class="newsroom-flag newsroom-flag--error">{}</strong>',
            "Not in the text: re-tag or delete",
        )
    reasons = workflow.stale_reasons(claim, list(claim.citations.all()))
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
    who = _user_name(claim.checked_by) if claim.checked_by_id else "unknown"
    text = f"Checked by {who}, {_format_when(claim.checked_at)}"
    if claim.separation_overridden:
        text += " (own claim: superuser override)"
    return format_html('<span class="newsroom-flag newsroom-flag--ok">{}</span>', text)


def _claims(article: Article) -> list[Claim]:
    """
    The article's claims for its change page, loaded once per request: the
    gate's blockers, the comparison with the live version and the marked text
    all read them (the inline loads only its page of claims).
    """
    prefetch_related_objects([article], workflow.claims_to_check())
    return list(article.claims.all())


# What the change page compares of the live version (not its stored page).
LIVE_STATE_FIELDS = ("number", "title", "dek", "body", "byline", "claims")


# Articles: inlines -------------------------------------------------------------


class ClaimInline(ManyRowsInlineMixin, admin.TabularInline):
    model = Claim
    form = ClaimForm
    formset = ClaimInlineFormSet
    fields = (
        "quote",
        "claimant",
        "kind",
        "statement",
        "rating",
        "rating_explanation",
        "check_status",
    )
    autocomplete_fields = ("claimant",)
    show_change_link = True
    # One blank row: without JavaScript ("Add another" is a script) it is the
    # way to add a claim; an untouched blank row saves nothing.
    extra = 1
    verbose_name_plural = "claims (open a claim to edit its sources)"
    template = "admin/articles/article/claim_inline.html"
    formfield_overrides = {models.TextField: _textarea(2)}

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("claimant", "checked_by")
            .prefetch_related("citations")
        )

    def get_readonly_fields(self, request, obj=None):
        fields = ["check_status"]
        if not request.user.has_perm(workflow.RATE_PERMISSION):
            fields += RATING_FIELDS
        return fields

    def get_formset(self, request, obj=None, **kwargs):
        kwargs["form"] = type("ClaimForm", (self.form,), {"user": request.user})
        kwargs["formset"] = type(
            "ClaimInlineFormSet",
            (self.formset,),
            {"page_number": request.GET.get("claims")},
        )
        return super().get_formset(request, obj, **kwargs)

    @admin.display(description="check")
    def check_status(self, obj):
        return _check_status(obj)


class MentionFormSet(forms.BaseInlineFormSet):
    def get_queryset(self):
        mentions = super().get_queryset()
        for mention in mentions:
            # Each row shows the mention (“entity in article”): its article
            # is this one, not a query per row.
            mention.article = self.instance
        return mentions


class MentionInline(ManyRowsInlineMixin, admin.TabularInline):
    model = Mention
    formset = MentionFormSet
    fields = ("entity", "count", "origin", "suppressed")
    readonly_fields = ("count", "origin")
    autocomplete_fields = ("entity",)
    extra = 0
    verbose_name_plural = (
        "entities mentioned (found in the text on each save; tick “suppressed” "
        "to remove a wrong link for good)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entity")


class CorrectionInline(admin.StackedInline):
    """Corrections are kept forever: publishers add and edit them, nobody deletes."""

    model = Correction
    fields = ("kind", "text", "date")
    readonly_fields = ("date",)
    extra = 0
    can_delete = False
    formfield_overrides = {models.TextField: _textarea(3)}

    def has_delete_permission(self, request, obj=None):
        return False


# Articles: list filters ---------------------------------------------------------


class LiveFilter(admin.SimpleListFilter):
    title = "on the public site"
    parameter_name = "live"

    def lookups(self, request, model_admin):
        return (("yes", "Live"), ("no", "Not live"))

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(live_version__isnull=False)
        if self.value() == "no":
            return queryset.filter(live_version__isnull=True)
        return queryset


class UnratedFilter(admin.SimpleListFilter):
    title = "unrated claims"
    parameter_name = "unrated"

    def lookups(self, request, model_admin):
        return (("yes", "Has unrated claims"), ("no", "All claims rated"))

    def queryset(self, request, queryset):
        unrated = Exists(
            Claim.objects.filter(article=OuterRef("pk"), rating=Rating.UNRATED)
        )
        if self.value() == "yes":
            return queryset.filter(unrated)
        if self.value() == "no":
            return queryset.filter(~unrated)
        return queryset


# Articles: the admin --------------------------------------------------------------


@admin.register(Article)
class ArticleAdmin(GuardedVersionAdmin):
    form = ArticleForm
    inlines = (ClaimInline, MentionInline, CorrectionInline)
    list_display = (
        "title",
        "status",
        "live_number",
        "claim_count",
        "unrated_count",
        "updated_at",
        "last_editor",
    )
    list_filter = ("status", LiveFilter, UnratedFilter)
    search_fields = ("title", "slug", "body")
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("authors",)
    readonly_fields = (
        "claims_in_text",
        "status",
        "live_version_link",
        "first_published_at",
        "last_published_at",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    "slug",
                    "dek",
                    "body",
                    "claims_in_text",
                    "seen_lock_version",
                )
            },
        ),
        ("Credits", {"fields": ("byline", "authors")}),
        (
            "Publishing",
            {
                "fields": (
                    "publish_at",
                    "status",
                    "live_version_link",
                    "first_published_at",
                    "last_published_at",
                    "created_at",
                    "updated_at",
                ),
                "description": "Status and the live version change through the "
                "buttons at the top of this page.",
            },
        ),
    )
    formfield_overrides = {models.TextField: _textarea(4)}
    # Deleted articles are recovered by workflow.recover_article (a button on
    # the recover list), not by django-reversion's form: that would bring back
    # a live pointer to a snapshot that no longer exists.
    change_list_template = None
    object_history_template = "admin/articles/article/object_history.html"
    history_latest_first = True

    class Media:
        css = {"all": ["newsroom/admin.css"]}
        js = ["newsroom/tag_claim.js"]

    # Queries

    def get_queryset(self, request):
        # Filtered and ordered along reversion's unique index (db, content
        # type, object id, revision): one index probe per row, where ordering
        # by the version's pk made SQLite walk every article version.
        latest_user = (
            Version.objects.get_for_model(Article)
            .filter(object_id=Cast(OuterRef("pk"), models.CharField()))
            .order_by("-revision_id")
            .values("revision__user__username")[:1]
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                # Correlated counts, not joins: the changelist's COUNT(*)
                # can then drop them.
                n_claims=related_count(Claim, "article"),
                n_unrated=related_count(Claim, "article", rating=Rating.UNRATED),
                live_number=models.F("live_version__number"),
                last_editor_name=Subquery(latest_user),
            )
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.first_published_at:
            fields.append("slug")  # readers and search engines know the address
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.first_published_at:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "authors":
            kwargs["queryset"] = get_user_model().objects.filter(
                is_staff=True, is_active=True
            )
            kwargs["help_text"] = "Staff who wrote the article."
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def view_on_site(self, obj):
        return obj.get_absolute_url() if obj.is_live else None

    # Columns

    @admin.display(description="live version", ordering="live_number")
    def live_number(self, obj):
        return obj.live_number or "—"

    @admin.display(description="claims", ordering="n_claims")
    def claim_count(self, obj):
        return obj.n_claims

    @admin.display(description="unrated", ordering="n_unrated")
    def unrated_count(self, obj):
        return obj.n_unrated

    @admin.display(description="changed by")
    def last_editor(self, obj):
        return obj.last_editor_name or "—"

    @admin.display(description="claims in the text")
    def claims_in_text(self, obj):
        """The saved body with its claims marked, where claims are tagged."""
        if obj is None or obj.pk is None:
            return "Save the article, then tag its claims in its text here."
        # The stored text, which the claims' offsets count in: after a refused
        # save the form (and ``obj``) holds the editor's unsaved text.
        body = Article.objects.values_list("body", flat=True).get(pk=obj.pk)
        shown, lost = tagging.marked_claims(
            body,
            _claims(obj),
            lambda claim: reverse("admin:articles_claim_change", args=[claim.pk]),
        )
        return render_to_string(
            "admin/articles/article/claims_in_text.html",
            {
                "text": tagging.render_text(body, shown),
                "lost": lost,
                "legend": tagging.legend(),
            },
        )

    @admin.display(description="live version")
    def live_version_link(self, obj):
        if obj.pk is None or obj.live_version_id is None:
            return "Not published: readers cannot see this article."
        return format_html(
            'Version {} — <a href="{}">view on the site</a>',
            obj.live_number,
            obj.get_absolute_url(),
        )

    # Saving

    def save_model(self, request, obj, form, change):
        current = getattr(form, "locked", None)
        form.old_body = current.body if current is not None else None
        if current is not None:
            # The workflow fields are the database's (a publish may have
            # happened after this form's object was read); the form only
            # writes content.
            for name in workflow.WORKFLOW_FIELDS:
                setattr(obj, name, getattr(current, name))
            obj.lock_version = current.lock_version + 1
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is Claim:
            self._save_claims(request, formset)
        elif formset.model is Correction:
            self._save_corrections(request, form.instance, formset)
        elif formset.model is Mention:
            mentions = formset.save(commit=False)
            for mention in formset.deleted_objects:
                _remove_mention(self, request, mention)
            for mention in mentions:
                if mention._state.adding:
                    mention.origin = Mention.Origin.MANUAL
                mention.save()
        else:
            super().save_formset(request, form, formset, change)

    def _save_claims(self, request, formset):
        claims = formset.save(commit=False)
        for claim in formset.deleted_objects:
            claim.delete()
        placed = formset.instance.__dict__.setdefault("placed_claims", set())
        for claim in claims:
            if claim._state.adding and claim.tagged_by_id is None:
                claim.tagged_by = request.user
            claim.save()
            if getattr(claim, "placed_on_body", None) == formset.instance.body:
                placed.add(claim.pk)
        for claim_form in formset.forms:
            if claim_form not in formset.deleted_forms:
                _rate_requested(request, claim_form)

    def _save_corrections(self, request, article, formset):
        posted = formset.total_form_count() - formset.initial_form_count()
        if posted > 0 and not request.user.has_perm("articles.add_correction"):
            # The admin drops them (the inline is read-only): log the attempt.
            logger.warning(
                "Permission denied: %s may not add corrections to article %s "
                "(%s posted, ignored)",
                request.user,
                article.pk,
                posted,
            )
        corrections = formset.save(commit=False)
        for correction in corrections:
            if correction._state.adding:
                workflow.add_correction(
                    article,
                    user=request.user,
                    kind=correction.kind,
                    text=correction.text,
                )
            else:
                correction.save()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        report = workflow.process_edit(
            form.instance,
            old_body=getattr(form, "old_body", None),
            placed=form.instance.__dict__.pop("placed_claims", ()),
        )
        lines = report.messages()
        if report.moved:
            self.message_user(request, lines.pop(0), messages.INFO)
        for line in lines:
            self.message_user(request, line, messages.WARNING)

    # Change page

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None:
            context["workflow"] = self._workflow_context(request, obj)
            conflict = getattr(context["adminform"].form, "conflict", None)
            if conflict is not None:
                context["conflict_comparison"] = self._conflict_comparison(*conflict)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _conflict_comparison(self, seen: int, current: Article):
        """What was saved since the editor opened the article at ``seen``."""
        versions = Version.objects.get_for_object(current).select_related(
            "revision__user"
        )
        opened = next(
            (v for v in versions[:50] if v.field_dict.get("lock_version") == seen),
            None,
        )
        if opened is None:
            return None
        latest = versions.first()
        return compare.compare(
            compare.state_from_revision(
                opened.revision, current.pk, label="the article as you opened it"
            ),
            compare.state_from_article(
                current,
                label=f"the article as {_user_name(latest.revision.user)} saved it",
            ),
        )

    def _workflow_context(self, request, article: Article) -> dict:
        user = request.user
        info = self.opts.app_label, self.opts.model_name
        can_change = self.has_change_permission(request, article)
        can_publish = user.has_perm(workflow.PUBLISH_PERMISSION)
        claims = _claims(article)
        blockers = workflow.gate_blockers(article, claims)
        urls = {
            name: reverse(f"admin:{info[0]}_{info[1]}_{name}", args=[quote(article.pk)])
            for name in ("submit", "publish", "unpublish", "compare", "tag", "preview")
        }
        live = (
            PublishedVersion.objects.only(*LIVE_STATE_FIELDS)
            .filter(pk=article.live_version_id)
            .first()
        )
        return {
            "article": article,
            "live": live,
            "blockers": blockers,
            "unpublished_changes": live is not None
            and compare.compare(
                compare.state_from_published(live),
                compare.state_from_article(article, claims),
            ).has_changes,
            "can_submit": can_change
            and article.status in (Article.Status.DRAFT, Article.Status.WITHDRAWN),
            "can_publish": can_publish,
            "can_unpublish": can_publish and article.is_live,
            "can_tag": can_change and user.has_perm("articles.add_claim"),
            "suggestions": self._suggested_entities(request, article),
            "previews": [
                {
                    "link": link,
                    "url": request.build_absolute_uri(previews.preview_url(link)),
                    "revoke_url": reverse(
                        f"admin:{info[0]}_{info[1]}_revoke_preview",
                        args=[quote(article.pk), link.pk],
                    ),
                }
                for link in article.preview_links.filter(
                    revoked_at__isnull=True, expires_at__gt=timezone.now()
                ).select_related("created_by")
            ]
            if can_change
            else [],
            "can_preview": can_change,
            "urls": urls,
            "compare_live_url": (
                f"{urls['compare']}?from=live&to=current" if article.is_live else None
            ),
        }

    def _suggested_entities(self, request, article: Article) -> list[dict]:
        """Recurring capitalised names no entity has, with a link to add one."""
        found = workflow.suggested_entities(article)
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

    # Custom views

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        view = self.admin_site.admin_view
        urls = [
            path(
                "<path:object_id>/submit/",
                view(require_POST(self.submit_view)),
                name=f"{info[0]}_{info[1]}_submit",
            ),
            path(
                "<path:object_id>/publish/",
                view(require_POST(self.publish_view)),
                name=f"{info[0]}_{info[1]}_publish",
            ),
            path(
                "<path:object_id>/unpublish/",
                view(require_POST(self.unpublish_view)),
                name=f"{info[0]}_{info[1]}_unpublish",
            ),
            path(
                "<path:object_id>/preview/",
                view(require_POST(self.preview_view)),
                name=f"{info[0]}_{info[1]}_preview",
            ),
            path(
                "<path:object_id>/preview/<int:link_id>/revoke/",
                view(require_POST(self.revoke_preview_view)),
                name=f"{info[0]}_{info[1]}_revoke_preview",
            ),
            path(
                "<path:object_id>/tag-claim/",
                view(require_POST(self.tag_claim_view)),
                name=f"{info[0]}_{info[1]}_tag",
            ),
            path(
                "<path:object_id>/history/compare/",
                view(require_GET(self.compare_view)),
                name=f"{info[0]}_{info[1]}_compare",
            ),
            path(
                "<path:object_id>/history/restore/<int:revision_id>/",
                view(require_POST(self.restore_view)),
                name=f"{info[0]}_{info[1]}_restore",
            ),
        ]
        return urls + super().get_urls()

    def _article_or_404(self, request, object_id) -> Article:
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        return article

    def _back_to_article(self, article):
        info = self.opts.app_label, self.opts.model_name
        return redirect(f"admin:{info[0]}_{info[1]}_change", quote(article.pk))

    def _report_refusal(self, request, action: str, error: Exception) -> None:
        if isinstance(error, ValidationError):
            problems = error.messages
            self.message_user(
                request,
                f"Not {action}: fix {'this' if len(problems) == 1 else 'these'} "
                "first, then try again.",
                messages.ERROR,
            )
            for problem in problems:
                self.message_user(request, problem, messages.ERROR)
        else:
            self.message_user(
                request,
                f"Not {action}: {error or 'you do not have permission.'}",
                messages.ERROR,
            )

    def submit_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            workflow.submit_for_review(article, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self._report_refusal(request, "submitted", error)
        else:
            self.message_user(
                request,
                "Submitted for review. Fact-checkers can now rate its claims; a "
                "publisher publishes it once the gate passes.",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def publish_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            raise PermissionDenied
        note = request.POST.get("note", "").strip()
        try:
            version = workflow.publish(article, user=request.user, note=note)
        except (PermissionDenied, ValidationError) as error:
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
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            raise PermissionDenied
        note = request.POST.get("note", "").strip()
        if not note:
            self.message_user(
                request,
                "Not unpublished: say why in the note. Readers see it where the "
                "article was.",
                messages.ERROR,
            )
            return self._back_to_article(article)
        try:
            workflow.unpublish(article, user=request.user, note=note)
        except (PermissionDenied, ValidationError) as error:
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

    def preview_view(self, request, object_id):
        """Make a signed, expiring preview link to the saved draft."""
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        try:
            hours = int(request.POST.get("hours") or previews.DEFAULT_HOURS)
            link, _token = previews.create_preview(
                article,
                user=request.user,
                hours=hours,
                note=request.POST.get("note", "").strip()[:200],
            )
        except ValueError:
            self.message_user(request, "Give the link's life in hours.", messages.ERROR)
        except (PermissionDenied, ValidationError) as error:
            self._report_refusal(request, "shared", error)
        else:
            url = request.build_absolute_uri(previews.preview_url(link))
            self.message_user(
                request,
                format_html(
                    "Preview link made; it shows the draft as saved now and works "
                    "until {}. Send it to your reader: {}",
                    timezone.localtime(link.expires_at).strftime("%Y-%m-%d %H:%M"),
                    url,
                ),
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def revoke_preview_view(self, request, object_id, link_id):
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        link = get_object_or_404(PreviewLink, pk=link_id, article=article)
        previews.revoke_preview(link, user=request.user)
        self.message_user(request, "Preview link revoked: it no longer works.")
        return self._back_to_article(article)

    def tag_claim_view(self, request, object_id):
        """Tag the words an editor selected in the saved body as a claim."""
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
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
        quote = one_line_break(request.POST.get("quote", ""))
        if article.body[start:end] != quote:
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
        except (PermissionDenied, ValidationError) as error:
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

    # Revisions

    def _version_of(self, article: Article, revision_id) -> Version:
        """The article's version in revision ``revision_id``, or 404."""
        version = (
            Version.objects.get_for_object(article)
            .filter(revision_id=revision_id)
            .select_related("revision__user")
            .first()
        )
        if version is None:
            raise Http404("That revision is not a revision of this article.")
        return version

    def _state(self, article: Article, key: str):
        """An article state by its key: "live", "current" or a revision id."""
        if key == "current":
            return compare.state_from_article(article), None
        if key == "live":
            if article.live_version is None:
                raise Http404("This article has no live version.")
            version = article.live_version
            label = (
                f"Live: published version {version.number}, "
                f"{_format_when(version.published_at)}"
            )
            return compare.state_from_published(version, label=label), None
        if not key.isdigit():
            raise Http404("Unknown revision.")
        version = self._version_of(article, int(key))
        revision = version.revision
        label = (
            f"Revision of {_format_when(revision.date_created)} by "
            f"{_user_name(revision.user)}"
        )
        return compare.state_from_revision(revision, article.pk, label=label), revision

    def _revision_context(self, request, article, title, **extra):
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "subtitle": str(article),
            "opts": self.opts,
            "original": article,
            "object_id": article.pk,
            "has_view_permission": self.has_view_permission(request, article),
            "can_restore": self.has_change_permission(request, article),
            "history_url": reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_history",
                args=[quote(article.pk)],
            ),
            **extra,
        }

    def compare_view(self, request, object_id):
        article = self._article_or_404(request, object_id)
        if not self.has_view_permission(request, article):
            raise PermissionDenied
        default_from = "live" if article.is_live else None
        if default_from is None:
            previous = Version.objects.get_for_object(article).values_list(
                "revision_id", flat=True
            )[1:2]
            default_from = str(previous[0]) if previous else "current"
        key_from = request.GET.get("from") or default_from
        key_to = request.GET.get("to") or "current"
        if key_from.isdigit() and key_to.isdigit() and int(key_from) > int(key_to):
            key_from, key_to = key_to, key_from  # older on the left
        old, old_revision = self._state(article, key_from)
        new, new_revision = self._state(article, key_to)
        context = self._revision_context(
            request,
            article,
            "Compare versions",
            comparison=compare.compare(old, new),
            restorable=[r for r in (new_revision, old_revision) if r is not None],
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/articles/article/compare.html", context)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """One revision: what restoring it would change, and the restore button."""
        version = self._version_or_404(version_id, object_id)
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        if request.method == "POST":
            # django-reversion's revert form posts here: restore our way.
            return self.restore_view(request, object_id, version.revision_id)
        revision = version.revision
        state, _ = self._state(article, str(revision.pk))
        comparison = compare.compare(
            compare.state_from_article(article, label="Working copy now"), state
        )
        context = self._revision_context(
            request,
            article,
            f"Revision of {_format_when(revision.date_created)}",
            revision=revision,
            comparison=comparison,
            restorable=[revision],
            compare_live_url=(
                reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_compare",
                    args=[quote(article.pk)],
                )
                + f"?from=live&to={revision.pk}"
                if article.is_live
                else None
            ),
            **(extra_context or {}),
        )
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/revision.html", context
        )

    def restore_view(self, request, object_id, revision_id):
        article = self._article_or_404(request, object_id)
        if not self.has_change_permission(request, article):
            raise PermissionDenied
        revision = self._version_of(article, revision_id).revision
        try:
            workflow.restore_revision(article, revision, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self._report_refusal(request, "restored", error)
        except IntegrityError:
            logger.warning(
                "Restore of article %s to revision %s failed",
                article.pk,
                revision.pk,
                exc_info=True,
            )
            self.message_user(
                request,
                "Not restored: that revision needs something that no longer "
                "exists or is taken (a deleted source, entity or user, or its "
                "address is now another article's). Nothing was changed.",
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                f"Restored the article as it was on "
                f"{_format_when(revision.date_created)}: its text, claims and "
                "sources. This is recorded as a new revision. Readers still see "
                "the live version until you publish again.",
                messages.SUCCESS,
            )
        return self._back_to_article(article)

    def changelist_view(self, request, extra_context=None):
        context = {
            "can_recover": request.user.has_perm(workflow.PUBLISH_PERMISSION),
            **(extra_context or {}),
        }
        return super().changelist_view(request, context)

    def recoverlist_view(self, request, extra_context=None):
        """Deleted articles, each with a button that recovers it as a draft."""
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            raise PermissionDenied
        deleted = Version.objects.get_deleted(Article).select_related("revision__user")
        context = {
            **self.admin_site.each_context(request),
            "title": "Recover deleted articles",
            "opts": self.opts,
            "deleted": deleted,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/articles/article/recover_list.html", context
        )

    def recover_view(self, request, version_id, extra_context=None):
        """Recover a deleted article from its last revision (POST only)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not request.user.has_perm(workflow.PUBLISH_PERMISSION):
            raise PermissionDenied
        version = self._version_or_404(version_id)
        info = self.opts.app_label, self.opts.model_name
        try:
            article = workflow.recover_article(version, user=request.user)
        except (PermissionDenied, ValidationError) as error:
            self._report_refusal(request, "recovered", error)
        except IntegrityError:
            logger.warning(
                "Recovery of article %s from version %s failed",
                version.object_id,
                version.pk,
                exc_info=True,
            )
            self.message_user(
                request,
                "Not recovered: its revision needs something that no longer "
                "exists or is taken. Nothing was changed.",
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                "Recovered as a draft, with its claims, sources and corrections; "
                "this is recorded as a new revision. Readers do not see it until "
                "it is published again.",
                messages.SUCCESS,
            )
            return self._back_to_article(article)
        return redirect(f"admin:{info[0]}_{info[1]}_recoverlist")

    def history_view(self, request, object_id, extra_context=None):
        article = self._article_or_404(request, object_id)
        if not self.has_view_or_change_permission(request, article):
            raise PermissionDenied
        versions = (
            Version.objects.get_for_object(article)
            .select_related("revision__user")
            .order_by("-pk")
        )
        page = Paginator(versions, 50).get_page(request.GET.get("p"))
        published = dict(
            article.published_versions.filter(revision__isnull=False).values_list(
                "revision_id", "number"
            )
        )
        info = self.opts.app_label, self.opts.model_name
        live_number = article.live_version.number if article.is_live else None
        rows = [
            {
                "revision": v.revision,
                "url": reverse(
                    f"admin:{info[0]}_{info[1]}_revision",
                    args=[quote(article.pk), v.pk],
                ),
                "published_as": published.get(v.revision_id),
                "is_live": live_number is not None
                and published.get(v.revision_id) == live_number,
            }
            for v in page
        ]
        context = {
            "rows": rows,
            "page": page,
            "compare_url": reverse(
                f"admin:{info[0]}_{info[1]}_compare", args=[quote(article.pk)]
            ),
            "is_live": article.is_live,
            **(extra_context or {}),
        }
        # Django's own history view (not reversion's): it renders our rows.
        return admin.ModelAdmin.history_view(self, request, object_id, context)


# Claims, citations, corrections --------------------------------------------------


class ArticleRevisionMixin:
    """Saves here are revisions of the whole article, shown in its history."""

    def article_of(self, obj) -> Article:
        raise NotImplementedError

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        reversion.add_to_revision(self.article_of(form.instance))

    def delete_model(self, request, obj):
        article = self.article_of(obj)
        with reversion.create_revision():
            obj.delete()
            reversion.add_to_revision(article)
            reversion.set_user(request.user)
            reversion.set_comment(f"Deleted {obj._meta.verbose_name} {obj}")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        # Its revisions are the article's: restore them from there.
        version = self._version_or_404(version_id, object_id)
        article_version = (
            version.revision.version_set.filter(
                content_type=ContentType.objects.get_for_model(Article)
            )
            .order_by("pk")
            .first()
        )
        if article_version is None:
            raise Http404("That revision holds no article.")
        return redirect(
            "admin:articles_article_revision",
            quote(article_version.object_id),
            article_version.pk,
        )

    def delete_queryset(self, request, queryset):
        articles = {self.article_of(obj).pk: self.article_of(obj) for obj in queryset}
        with reversion.create_revision():
            queryset.delete()
            for article in articles.values():
                reversion.add_to_revision(article)
            reversion.set_user(request.user)
            reversion.set_comment(
                f"Deleted {queryset.model._meta.verbose_name_plural} in bulk"
            )

    def recover_view(self, request, version_id, extra_context=None):
        raise Http404("Restore the article's revision from its history instead.")

    def recoverlist_view(self, request, extra_context=None):
        raise Http404("Restore the article's revision from its history instead.")


class CitationInline(ManyRowsInlineMixin, admin.StackedInline):
    model = Citation
    fields = (("source", "relation"), "excerpt", ("locator", "note"))
    autocomplete_fields = ("source",)
    extra = 1
    formfield_overrides = {models.TextField: _textarea(2)}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source__publisher")


@admin.register(Claim)
class ClaimAdmin(ArticleRevisionMixin, GuardedVersionAdmin):
    form = ClaimForm
    inlines = (CitationInline,)
    change_list_template = None
    list_display = (
        "__str__",
        "article",
        "claimant",
        "rating",
        "anchor",
        "check_status",
    )
    list_filter = ("rating", "anchor", "kind")
    list_select_related = ("article", "claimant", "checked_by")
    # Newest first, along the primary key: the model's order (place in the
    # text) means nothing across articles and sorted every claim on each page.
    ordering = ("-pk",)
    search_fields = ("quote", "statement", "article__title", "claimant__name")
    autocomplete_fields = ("article", "claimant")
    fieldsets = (
        (
            None,
            {
                "fields": ("article", "quote", "claimant", "kind", "statement"),
                "description": "The quote must be words of the article's body, "
                "exactly as written.",
            },
        ),
        ("Rating", {"fields": ("rating", "rating_explanation", "check_status")}),
        (
            "Anchoring and audit",
            {
                "classes": ("collapse",),
                "fields": (
                    "anchor",
                    ("start", "end"),
                    "prefix",
                    "suffix",
                    "tagged_by",
                    "checked_by",
                    "checked_at",
                    "separation_overridden",
                ),
            },
        ),
    )
    formfield_overrides = {models.TextField: _textarea(3)}

    class Media:
        css = {"all": ["newsroom/admin.css"]}

    def article_of(self, obj):
        return obj.article

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("citations")

    def get_readonly_fields(self, request, obj=None):
        fields = [
            "check_status",
            "anchor",
            "start",
            "end",
            "prefix",
            "suffix",
            "tagged_by",
            "checked_by",
            "checked_at",
            "separation_overridden",
        ]
        if obj is not None:
            fields.append("article")
        probe = obj or Claim(tagged_by=request.user)
        if not workflow.can_rate(probe, request.user):
            fields += RATING_FIELDS
        return fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"user": request.user, "place_quote": True})

    @admin.display(description="check")
    def check_status(self, obj):
        return _check_status(obj)

    def save_model(self, request, obj, form, change):
        if not change and obj.tagged_by_id is None:
            obj.tagged_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # After the citations are saved: the check's fingerprint includes them.
        _rate_requested(request, form)


@admin.register(Citation)
class CitationAdmin(ArticleRevisionMixin, GuardedVersionAdmin):
    change_list_template = None
    list_display = ("source", "relation", "claim", "locator")
    list_filter = ("relation",)
    list_select_related = ("source__publisher", "claim")
    search_fields = ("source__title", "excerpt", "claim__quote", "note")
    autocomplete_fields = ("claim", "source")
    formfield_overrides = {models.TextField: _textarea(3)}

    def article_of(self, obj):
        return obj.claim.article


@admin.register(Correction)
class CorrectionAdmin(ArticleRevisionMixin, GuardedVersionAdmin):
    change_list_template = None
    list_display = ("__str__", "article", "kind", "date")
    list_filter = ("kind",)
    list_select_related = ("article",)
    search_fields = ("text", "article__title")
    readonly_fields = ("article", "date")
    fields = ("article", "kind", "text", "date")
    formfield_overrides = {models.TextField: _textarea(4)}

    def article_of(self, obj):
        return obj.article

    def has_add_permission(self, request):
        # Added from the article's page, through workflow.add_correction.
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # corrections are kept forever


class PublishedClaimInline(admin.TabularInline):
    model = PublishedClaim
    fields = ("position", "statement", "claimant", "rating", "checked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "claims as published"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("claimant")

    def has_view_permission(self, request, obj=None):
        # Part of the published version: whoever may see it sees its claims.
        return request.user.has_perm("articles.view_publishedversion")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PublishedVersion)
class PublishedVersionAdmin(admin.ModelAdmin):
    """Published versions are immutable snapshots: read-only here."""

    inlines = (PublishedClaimInline,)

    list_display = ("article", "number", "published_at", "published_by", "note")
    list_select_related = ("article", "published_by")
    list_filter = ("published_at",)
    search_fields = ("title", "article__title", "note")
    fields = (
        "article",
        "number",
        "published_at",
        "published_by",
        "note",
        "title",
        "dek",
        "byline",
        "body",
        "revision",
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer(
                "body_html",
                "body_text",
                "claims",
                "corrections",
                "jsonld",
                *RENDERED_PAGE,
            )
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _remove_mention(model_admin, request, mention) -> None:
    """Unlink an entity; one named in the text is suppressed, not deleted."""
    if workflow.remove_mention(mention):
        model_admin.message_user(
            request,
            f"{mention.entity} is named in the text, so its link is suppressed "
            "rather than deleted: it stays off on later saves. Untick "
            "“suppressed” to link it again.",
            messages.INFO,
        )


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ("entity", "article", "count", "origin", "suppressed")
    list_filter = ("origin", "suppressed")
    list_select_related = ("entity", "article")
    search_fields = ("entity__name", "article__title")
    autocomplete_fields = ("article", "entity")
    readonly_fields = ("count", "first_position")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.origin = Mention.Origin.MANUAL
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        _remove_mention(self, request, obj)

    def delete_queryset(self, request, queryset):
        for mention in queryset.select_related("entity"):
            _remove_mention(self, request, mention)


# Users -------------------------------------------------------------------------


class SuperuserOnlyMixin:
    """Only superusers create, change or delete accounts and roles."""

    def has_add_permission(self, request, *args):
        return request.user.is_active and request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


User = get_user_model()
for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class NewsroomUserAdmin(SuperuserOnlyMixin, UserAdmin):
    pass


@admin.register(Group)
class NewsroomGroupAdmin(SuperuserOnlyMixin, GroupAdmin):
    pass
