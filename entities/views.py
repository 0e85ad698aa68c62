"""Public pages of entities and sources."""

from django.views.generic import DetailView

from .models import Entity, Source


class EntityDetailView(DetailView):
    model = Entity
    template_name = "entities/entity_detail.html"


class SourceDetailView(DetailView):
    model = Source
    template_name = "entities/source_detail.html"

    def get_queryset(self):
        return Source.objects.select_related("publisher")
