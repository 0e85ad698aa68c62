"""Public pages of entities and sources: only what published versions show."""

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.shortcuts import redirect
from django.views.generic import DetailView

from articles.models import Article, PublishedCitation, PublishedClaim, Rating
from articles.params import paginate

from .models import Entity, Source


class EntityDetailView(DetailView):
    model = Entity
    template_name = "entities/entity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.object
        claims = PublishedClaim.objects.live().filter(claimant=entity)
        counts = dict(claims.order_by().values_list("rating").annotate(n=Count("pk")))
        context["scorecard"] = [
            (Rating(value).label, value, counts[value])
            for value in Rating.values
            if counts.get(value)
        ]
        context["claims"] = paginate(
            self.request,
            claims.select_related("version__article")
            .without_version_content("version")
            .order_by(F("checked_at").desc(nulls_last=True), "-pk"),
            25,
        )
        context["articles"] = (
            Article.objects.published()
            .filter(live_version__entities=entity)
            .listed()
            .order_by("-last_published_at")[:50]
        )
        return context


class SourceDetailView(DetailView):
    model = Source
    template_name = "entities/source_detail.html"

    def get_queryset(self):
        # What the source archive kept (sources app), in the same query: the
        # last check, and when and what the latest copy is.
        from sources.models import Capture

        newest = Capture.objects.filter(source=OuterRef("pk")).order_by(
            "-captured_at", "-pk"
        )
        # Our copy is what the address served; a file the newsroom was given
        # is listed apart, as what it is (sources.workflow.upload).
        latest = newest.exclude(origin=Capture.Origin.UPLOADED)
        uploaded = newest.filter(origin=Capture.Origin.UPLOADED)
        # Our copy is public only while a live published version cites the
        # source (sources.views.publicly_cited): no link to it otherwise.
        cited = PublishedCitation.objects.live().filter(source=OuterRef("pk"))
        return Source.objects.select_related("publisher", "watch").annotate(
            capture_at=Subquery(latest.values("captured_at")[:1]),
            capture_sha256=Subquery(latest.values("sha256")[:1]),
            upload_at=Subquery(uploaded.values("captured_at")[:1]),
            upload_id=Subquery(uploaded.values("pk")[:1]),
            copy_public=Exists(cited),
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.merged_into_id:
            # A duplicate merged into another: pages published before the
            # merge link it, and readers are sent to the source it became.
            return redirect(
                "entities:source", pk=self.object.merged_into_id, permanent=True
            )
        context = self.get_context_data(object=self.object)
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citations"] = paginate(
            self.request,
            PublishedCitation.objects.live()
            .filter(source=self.object)
            .select_related(
                "published_claim__claimant", "published_claim__version__article"
            )
            .without_version_content("published_claim__version")
            .order_by("-published_claim__version__published_at", "pk"),
            25,
        )
        return context
