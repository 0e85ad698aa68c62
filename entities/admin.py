"""Admin for entities and sources: searchable, and showing where each is used."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from newsroom.admin_base import GuardedVersionAdmin, related_count
from newsroom.ids import is_id
from sources.admin import AttemptInline, CaptureInline, capture_again, confirm_move
from sources.admin_views import SourceArchiveMixin

from . import workflow
from .forms import SourceForm
from .models import Entity, Source

# How many related rows a change page lists before it says "and N more".
USAGE_LIST_LIMIT = 50


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
        return fields + list(workflow.fixed_fields(obj))

    def get_prepopulated_fields(self, request, obj=None):
        if workflow.fixed_fields(obj):
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


class DuplicateFilter(admin.SimpleListFilter):
    title = "duplicates"
    parameter_name = "duplicates"

    def lookups(self, request, model_admin):
        return (
            ("to_merge", "To merge (an address already in the library)"),
            ("merged", "Merged into another source"),
        )

    def queryset(self, request, queryset):
        if self.value() == "to_merge":
            return queryset.current().filter(url_key="").exclude(url="")
        if self.value() == "merged":
            return queryset.filter(merged_into__isnull=False)
        return queryset


@admin.register(Source)
class SourceAdmin(SourceArchiveMixin, GuardedVersionAdmin):
    form = SourceForm
    list_display = (
        "title",
        "kind",
        "publisher",
        "published_on",
        "citation_count",
        "merged_into",
    )
    list_filter = ("kind", DuplicateFilter)
    list_select_related = ("publisher",)
    search_fields = ("title", "authors", "url", "notes", "publisher__name")
    autocomplete_fields = ("publisher",)
    date_hierarchy = "published_on"
    readonly_fields = ("claims_citing", "archive_state", "merged_into")
    inlines = (CaptureInline, AttemptInline)
    actions = ("merge_selected", capture_again, confirm_move)
    fieldsets = (
        (None, {"fields": ("title", "kind", "publisher", "authors", "published_on")}),
        (
            "Where to find it",
            {"fields": ("url", "archive_url", "archive_state", "merged_into")},
        ),
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

    @admin.display(description="last check")
    def archive_state(self, obj):
        watch = getattr(obj, "watch", None) if obj.pk else None
        if watch is None or watch.checked_at is None:
            return "Not checked yet."
        moved = f" to {watch.moved_to}" if watch.moved_to else ""
        when = f"{watch.checked_at:%Y-%m-%d %H:%M}"
        return (
            f"{watch.get_state_display()}{moved} (checked {when}). The archive "
            "panel above captures it again or follows a move."
        )

    def get_urls(self):
        return self.archive_urls() + super().get_urls()

    def response_add(self, request, obj, post_url_continue=None):
        # "Add a source and cite it" on a claim's card in the article's list:
        # the new source is cited for that claim, and the editor goes back.
        claim = self._claim_to_cite(request)
        if claim is None:
            return super().response_add(request, obj, post_url_continue)
        return self._cite_and_go_back(request, claim, obj, added=True)

    def _cite_and_go_back(self, request, claim, source, *, added):
        from articles import citing

        try:
            citing.cite(claim, user=request.user, source=source)
        except PermissionDenied as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(
                request,
                format_html(
                    "{} {} and cited it for claim {}: open the claim to say how "
                    "it bears on it (its excerpt and place).",
                    "Added the source" if added else "Kept the library's source",
                    _admin_link(source, source.title),
                    _admin_link(claim),
                ),
                messages.SUCCESS,
            )
        url = reverse("admin:articles_article_change", args=[claim.article_id])
        return redirect(f"{url}#claims-group")

    def add_view(self, request, form_url="", extra_context=None):
        # "Cite it for claim N instead" under an address the library has.
        pk = request.POST.get("cite_existing", "") if request.method == "POST" else ""
        if is_id(pk) and (claim := self._claim_to_cite(request)) is not None:
            source = Source.objects.current().filter(pk=pk).first()
            if source is not None:
                return self._cite_and_go_back(request, claim, source, added=False)
        return super().add_view(request, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and (claim := self._claim_to_cite(request)) is not None:
            form = type(form.__name__, (form,), {"cite_claim": claim})
        return form

    def _claim_to_cite(self, request):
        from articles.models import Claim

        pk = request.GET.get("cite_claim", "")
        if not is_id(pk):
            return None
        return Claim.objects.select_related("article").filter(pk=pk).first()

    def render_change_form(
        self, request, context, add=False, change=False, form_url="", obj=None
    ):
        if add and (claim := self._claim_to_cite(request)) is not None:
            context["subtitle"] = f"Add a source, to cite it for claim {claim}"
        if change and obj is not None:
            context["archive"] = self.archive_context(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if request.path.endswith("/autocomplete/"):
            queryset = queryset.current()  # cite the kept source, not a pointer
        return queryset, distinct

    @admin.action(description="Merge the selected duplicates into the oldest")
    def merge_selected(self, request, queryset):
        sources = sorted(
            queryset.current(), key=lambda s: (not s.url_key, s.created_at, s.pk)
        )
        if len(sources) < 2:
            self.message_user(
                request,
                "Choose at least two sources that are not merged yet: the one to "
                "keep (the oldest) and its duplicates.",
                messages.ERROR,
            )
            return
        keep, duplicates = sources[0], sources[1:]
        try:
            report = workflow.merge_sources(
                keep, duplicates=duplicates, user=request.user
            )
        except (PermissionDenied, ValidationError) as exc:
            reasons = getattr(exc, "messages", None) or [str(exc)]
            self.message_user(request, " ".join(reasons), messages.ERROR)
            return
        self.message_user(
            request,
            format_html("{} {}", str(report), _admin_link(keep, "Open it")),
            messages.SUCCESS,
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
