"""Admin for entities and sources: searchable, and showing where each is used."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AutocompleteSelect, RelatedFieldWidgetWrapper
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from reversion.admin import VersionAdmin
from reversion.models import Version

from .models import Entity, Source

# How many related rows a change page lists before it says "and N more".
USAGE_LIST_LIMIT = 50


class GuardedVersionAdmin(VersionAdmin):
    """
    A VersionAdmin whose revision and recover views check what they are given.

    django-reversion looks a version up by its id alone: a version of another
    model (or of another object) would be reverted through this admin. Here a
    version must belong to this admin's model (and object), and a revision
    that also holds other models' versions (an article's claims, say) is not
    reverted from here, because reverting it would rewrite those too.
    """

    def _content_type(self):
        return ContentType.objects.get_for_model(self.model)

    def _version_or_404(self, version_id, object_id=None) -> Version:
        lookup = {"pk": version_id, "content_type": self._content_type()}
        if object_id is not None:
            lookup["object_id"] = unquote(object_id)
        return get_object_or_404(Version.objects.select_related("revision"), **lookup)

    def _revision_is_self_contained(self, version: Version) -> bool:
        return not version.revision.version_set.exclude(
            content_type=self._content_type()
        ).exists()

    def _refuse_mixed_revision(self, request, object_id=None):
        self.message_user(
            request,
            "That revision also changed other records (for example an article "
            "and its claims), so it cannot be reverted from here. Restore it "
            "from the article's history instead.",
            messages.ERROR,
        )
        info = self.opts.app_label, self.opts.model_name
        if object_id is not None:
            return redirect(
                f"admin:{info[0]}_{info[1]}_history", quote(unquote(object_id))
            )
        return redirect(f"admin:{info[0]}_{info[1]}_changelist")

    def revision_view(self, request, object_id, version_id, extra_context=None):
        version = self._version_or_404(version_id, object_id)
        if not self._revision_is_self_contained(version):
            return self._refuse_mixed_revision(request, object_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        version = self._version_or_404(version_id)
        if self.model._default_manager.filter(pk=version.object_id).exists():
            # Only deleted objects are recovered; live ones are reverted.
            raise Http404("That object was not deleted.")
        if not self._revision_is_self_contained(version):
            return self._refuse_mixed_revision(request)
        return super().recover_view(request, version_id, extra_context)


def related_count(related_model, field: str, **filters):
    """A correlated COUNT of ``related_model`` rows pointing at the outer row."""
    rows = (
        related_model._default_manager.filter(**{field: OuterRef("pk")}, **filters)
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows[:1]), 0)


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """
    An autocomplete whose selected option comes from an object the form holds.

    Django's autocomplete looks its selected option up with a query per form:
    an inline of 300 claims would ask for each claimant separately. The form
    sets ``preloaded`` to the related object it already has (loaded with
    ``select_related``); anything else is looked up as usual.
    """

    preloaded = ()

    def optgroups(self, name, value, attr=None):
        selected = {
            str(v) for v in value if str(v) not in self.choices.field.empty_values
        }
        known = {str(obj.pk): obj for obj in self.preloaded}
        if not selected or not selected <= known.keys():
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for pk in sorted(selected):
            label = self.choices.field.label_from_instance(known[pk])
            options.append(
                self.create_option(name, known[pk].pk, label, True, len(options))
            )
        return [(None, options, 0)]


class PreloadedChoicesForm(forms.ModelForm):
    """
    A form whose autocompletes show the related objects its instance already
    holds (loaded with ``select_related``), so an inline of many rows makes
    no query per row to show them.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = type(self.instance)
        for name, field in self.fields.items():
            widget = getattr(field.widget, "widget", field.widget)
            if not isinstance(widget, PreloadedAutocompleteSelect):
                continue
            if getattr(model, name).is_cached(self.instance):
                related = getattr(self.instance, name)
                widget.preloaded = () if related is None else (related,)


class ManyRowsInlineMixin:
    """
    An inline of many rows (an article's claims, its entities, a claim's
    sources). Its autocompletes show the related object each row already
    loaded, and each row links to that object to view it or to add another,
    not to change or delete it: an entity or a source is shared by many
    articles, and is changed or deleted on its own page, where its uses are
    listed, not from one row of one article.
    """

    form = PreloadedChoicesForm

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(
            request
        ):
            kwargs["widget"] = PreloadedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_change_related = widget.can_delete_related = False
        return formfield


def _admin_link(obj, label=None) -> str:
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


def _usage_list(items, total: int, *, empty: str, more_url: str | None = None):
    """An HTML list of links, with "and N more" when it was cut short."""
    if not items:
        return empty
    html = format_html(
        '<ul class="newsroom-usage">{}</ul>',
        format_html_join("", "<li>{}</li>", ((item,) for item in items)),
    )
    rest = total - len(items)
    if rest > 0:
        if more_url:
            html += format_html('<p><a href="{}">and {} more</a></p>', more_url, rest)
        else:
            html += format_html("<p>and {} more</p>", rest)
    return html


@admin.register(Entity)
class EntityAdmin(GuardedVersionAdmin):
    list_display = (
        "name",
        "kind",
        "wikidata_id",
        "article_count",
        "claim_count",
        "source_count",
    )
    list_filter = ("kind",)
    search_fields = ("name", "aliases", "slug", "description", "wikidata_id")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("articles_using", "claims_made", "sources_published")
    fieldsets = (
        (None, {"fields": ("name", "slug", "kind", "aliases", "description")}),
        ("Links", {"fields": ("wikidata_id", "url")}),
        (
            "Where it is used",
            {
                "fields": ("articles_using", "claims_made", "sources_published"),
                "description": "Read-only. An entity that is a claimant or a "
                "publisher cannot be deleted until those claims and sources "
                "point elsewhere.",
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.linked_from_published_pages:
            # Readers and search engines know its address.
            fields.append("slug")
        return fields

    def get_prepopulated_fields(self, request, obj=None):
        if obj is not None and obj.linked_from_published_pages:
            return {}
        return super().get_prepopulated_fields(request, obj)

    def get_queryset(self, request):
        mention = Entity._meta.get_field("mentions").related_model
        claim = Entity._meta.get_field("claims").related_model
        return (
            super()
            .get_queryset(request)
            .annotate(
                n_articles=related_count(mention, "entity", suppressed=False),
                n_claims=related_count(claim, "claimant"),
                n_sources=related_count(Source, "publisher"),
            )
        )

    @admin.display(description="articles", ordering="n_articles")
    def article_count(self, obj):
        return obj.n_articles

    @admin.display(description="claims made", ordering="n_claims")
    def claim_count(self, obj):
        return obj.n_claims

    @admin.display(description="sources", ordering="n_sources")
    def source_count(self, obj):
        return obj.n_sources

    @admin.display(description="articles that mention it")
    def articles_using(self, obj):
        if obj.pk is None:
            return "—"
        mentions = (
            obj.mentions.filter(suppressed=False)
            .select_related("article")
            .order_by("-article__updated_at")
        )
        items = [
            format_html(
                "{} <span class='newsroom-muted'>({}×, {})</span>",
                _admin_link(m.article),
                m.count,
                m.get_origin_display().lower(),
            )
            for m in mentions[:USAGE_LIST_LIMIT]
        ]
        return _usage_list(items, obj.n_articles, empty="No article mentions it yet.")

    @admin.display(description="claims it made")
    def claims_made(self, obj):
        if obj.pk is None:
            return "—"
        claims = obj.claims.select_related("article").order_by("-pk")
        items = [
            format_html(
                "{} in {} <span class='newsroom-muted'>({})</span>",
                _admin_link(c),
                _admin_link(c.article),
                c.get_rating_display().lower(),
            )
            for c in claims[:USAGE_LIST_LIMIT]
        ]
        return _usage_list(
            items,
            obj.n_claims,
            empty="No claim is attributed to it.",
            more_url=reverse("admin:articles_claim_changelist")
            + f"?claimant__id__exact={obj.pk}",
        )

    @admin.display(description="sources it published")
    def sources_published(self, obj):
        if obj.pk is None:
            return "—"
        sources = obj.sources.all()
        items = [_admin_link(s, s.title) for s in sources[:USAGE_LIST_LIMIT]]
        return _usage_list(
            items,
            obj.n_sources,
            empty="No source lists it as publisher.",
            more_url=reverse("admin:entities_source_changelist")
            + f"?publisher__id__exact={obj.pk}",
        )


@admin.register(Source)
class SourceAdmin(GuardedVersionAdmin):
    list_display = ("title", "kind", "publisher", "published_on", "citation_count")
    list_filter = ("kind",)
    list_select_related = ("publisher",)
    search_fields = ("title", "authors", "url", "notes", "publisher__name")
    autocomplete_fields = ("publisher",)
    date_hierarchy = "published_on"
    readonly_fields = ("claims_citing",)
    fieldsets = (
        (None, {"fields": ("title", "kind", "publisher", "authors", "published_on")}),
        ("Where to find it", {"fields": ("url", "archive_url")}),
        ("Notes", {"fields": ("notes",)}),
        (
            "Claims citing it",
            {
                "fields": ("claims_citing",),
                "description": "Read-only. A source that claims cite cannot be "
                "deleted: evidence must not vanish.",
            },
        ),
    )

    def get_queryset(self, request):
        citation = Source._meta.get_field("citations").related_model
        return (
            super()
            .get_queryset(request)
            .annotate(n_citations=related_count(citation, "source"))
        )

    @admin.display(description="cited by", ordering="n_citations")
    def citation_count(self, obj):
        return obj.n_citations

    @admin.display(description="claims citing it")
    def claims_citing(self, obj):
        if obj.pk is None:
            return "—"
        citations = obj.citations.select_related("claim__article").order_by("-pk")
        items = [
            format_html(
                "{} in {} <span class='newsroom-muted'>({}; {})</span>",
                _admin_link(c.claim),
                _admin_link(c.claim.article),
                c.get_relation_display().lower(),
                c.claim.get_rating_display().lower(),
            )
            for c in citations[:USAGE_LIST_LIMIT]
        ]
        return _usage_list(
            items,
            obj.n_citations,
            empty="No claim cites it yet.",
            more_url=reverse("admin:articles_citation_changelist")
            + f"?source__id__exact={obj.pk}",
        )
