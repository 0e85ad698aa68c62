"""
The newsroom's transparency pages: who it is, how it checks, what it
corrected. They are public pages like the others: cached under the public
generation, which a publish (a new correction) or a change to the profile
moves.
"""

from django.db.models import F
from django.views.generic import TemplateView

from articles import params
from articles.models import CitationRelation, PublishedCorrection
from articles.ratings import SCALE
from articles.rendering import markdown_to_html
from articles.structured_data import organization
from articles.views import ArticleHistoryView

from .models import Masthead
from .workflow import current

CORRECTIONS_PER_PAGE = 25


def _texts(masthead: Masthead, *names: str) -> dict[str, str]:
    """The profile's Markdown texts as sanitised HTML, by field name."""
    return {name: markdown_to_html(getattr(masthead, name)) for name in names}


def live_corrections():
    """The corrections readers see now (in live versions), newest first."""
    return (
        PublishedCorrection.objects.filter(version__article__live_version=F("version"))
        .select_related("version__article")
        .without_version_content("version")
        .defer("version__article__body")
        .order_by("-date", "-pk")
    )


def history_url(correction: PublishedCorrection) -> str:
    """The version history, at the version in which the correction first appeared."""
    article, number = correction.version.article, correction.first_number
    page = (correction.version.number - number) // ArticleHistoryView.paginate_by + 1
    query = f"?page={page}" if page > 1 else ""
    return f"{article.get_absolute_url()}history/{query}#version-{number}"


class AboutView(TemplateView):
    template_name = "masthead/about.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        saved = (
            Masthead.objects.prefetch_related("team", "funders").filter(pk=1).first()
        )
        masthead = saved or Masthead(pk=1)
        context.update(
            masthead=masthead,
            texts=_texts(masthead, "about", "principles", "ownership", "funding"),
            team=list(saved.team.all()) if saved else [],
            funders=list(saved.funders.all()) if saved else [],
            organization={"@context": "https://schema.org", **organization()},
        )
        return context


class MethodologyView(TemplateView):
    template_name = "masthead/methodology.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        masthead = current()
        context.update(
            masthead=masthead,
            texts=_texts(masthead, "methodology"),
            scale=SCALE,
            relations=CitationRelation.choices,
        )
        return context


class CorrectionListView(TemplateView):
    template_name = "masthead/correction_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        masthead = current()
        page = params.paginate(self.request, live_corrections(), CORRECTIONS_PER_PAGE)
        for correction in page.object_list:
            correction.history_url = history_url(correction)
        context.update(
            masthead=masthead,
            texts=_texts(masthead, "corrections_policy"),
            page=page,
        )
        return context
