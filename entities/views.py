"""Public pages of entities and sources: only what published versions show."""

from django.db.models import Count, F
from django.views.generic import DetailView

from articles.models import Article, PublishedCitation, Rating
from articles.views import live_claims, paginate, without_content

from .models import Entity, Source


class EntityDetailView(DetailView):
    model = Entity
    template_name = "entities/entity_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        entity = self.object
        claims = live_claims().filter(claimant=entity)
        counts = dict(claims.order_by().values_list("rating").annotate(n=Count("pk")))
        context["scorecard"] = [
            (Rating(value).label, value, counts[value])
            for value in Rating.values
            if counts.get(value)
        ]
        context["claims"] = paginate(
            self.request,
            claims.select_related("version__article")
            .defer(*without_content("version"))
            .order_by(F("checked_at").desc(nulls_last=True), "-pk"),
            25,
        )
        context["articles"] = (
            Article.objects.published()
            .filter(live_version__entities=entity)
            .select_related("live_version")
            .defer(*without_content("live_version"))
            .order_by("-last_published_at")[:50]
        )
        return context


class SourceDetailView(DetailView):
    model = Source
    template_name = "entities/source_detail.html"

    def get_queryset(self):
        return Source.objects.select_related("publisher")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["citations"] = paginate(
            self.request,
            PublishedCitation.objects.filter(
                source=self.object,
                published_claim__version__article__live_version=F(
                    "published_claim__version"
                ),
            )
            .select_related(
                "published_claim__claimant", "published_claim__version__article"
            )
            .defer(*without_content("published_claim__version"))
            .order_by("-published_claim__version__published_at", "pk"),
            25,
        )
        return context
