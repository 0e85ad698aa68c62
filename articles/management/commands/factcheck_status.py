"""
The fact-check state of articles, and whether each may be published.

    python manage.py factcheck_status
    python manage.py factcheck_status openai-and-microsoft-expand-partnership
    python manage.py factcheck_status --status ready --json

For each article: its claims (quote, claimant, rating, anchor state, whether
the rating is stale, number of citations) and the verdict of the fact-check
gate with every blocker (articles.gate.gate_blockers). Exits 1 when any
listed article is blocked, so a CI job or a cron check can refuse to ship.

``--json`` prints, for scripts::

    {"articles": [{"slug", "title", "status", "publishable", "blockers": [text],
                   "claims": [{"quote", "claimant", "rating", "anchor",
                               "stale", "citations"}]}]}

where ``claimant`` is the entity's slug, or null when the article makes the
claim in its own voice.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from articles import gate, staleness
from articles.models import Article

from ._console import plural, shorten, table
from ._lookup import get_article


class Blocked(CommandError):
    """At least one listed article cannot be published (exit status 1)."""


class Command(BaseCommand):
    help = (
        "List every claim of an article (or of all articles) with its claimant, "
        "rating, anchor state, staleness and citations, and the fact-check gate's "
        "verdict. Exits 1 when any listed article cannot be published."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slug", nargs="?", help="One article's slug (default: every article)."
        )
        parser.add_argument(
            "--status",
            action="append",
            choices=Article.Status.values,
            help="Only articles whose working copy has this status; repeat for "
            "several (e.g. --status ready --status published).",
        )
        parser.add_argument(
            "--json",
            action="store_true",
            dest="as_json",
            help="Print JSON for scripts instead.",
        )

    def handle(self, *args, slug, status, as_json, **options):
        if slug:
            articles = [get_article(slug)]
        else:
            queryset = Article.objects.order_by("slug")
            if status:
                queryset = queryset.filter(status__in=status)
            articles = list(queryset)
        reports = [self._report(article) for article in articles]
        if as_json:
            self.stdout.write(json.dumps({"articles": reports}, indent=2))
        else:
            self._print(reports, verbosity=options["verbosity"])
        blocked = [r["slug"] for r in reports if not r["publishable"]]
        if blocked:
            shown = ", ".join(blocked[:5]) + (" ..." if len(blocked) > 5 else "")
            raise Blocked(
                f"{len(blocked)} of {plural(len(reports), 'article')} cannot be "
                f"published: {shown}"
            )

    def _report(self, article: Article) -> dict:
        claims = article.claims.select_related("claimant").prefetch_related(
            staleness.with_sources()
        )
        blockers = gate.gate_blockers(article)
        return {
            "slug": article.slug,
            "title": article.title,
            "status": article.status,
            "publishable": not blockers,
            "blockers": [b.message for b in blockers],
            "claims": [
                {
                    "quote": claim.quote,
                    "claimant": claim.claimant.slug if claim.claimant else None,
                    "rating": claim.rating,
                    "anchor": claim.anchor,
                    # The citations are prefetched: no query per claim.
                    "stale": staleness.is_stale(claim),
                    "citations": len(claim.citations.all()),
                }
                for claim in claims
            ],
        }

    def _print(self, reports: list[dict], *, verbosity: int) -> None:
        if not reports:
            self.stdout.write("No articles.")
            return
        for report in reports:
            self.stdout.write(
                self.style.MIGRATE_HEADING(f"{report['slug']}")
                + f"  ({report['status'].replace('_', ' ')})  {report['title']}"
            )
            rows = [
                [
                    shorten(c["quote"], 48),
                    c["claimant"] or "(own voice)",
                    c["rating"],
                    c["anchor"],
                    "stale" if c["stale"] else "no",
                    str(c["citations"]),
                ]
                for c in report["claims"]
            ]
            if rows:
                headers = ["claim", "claimant", "rating", "anchor", "stale", "cited"]
                for line in table(rows, headers):
                    self.stdout.write(f"  {line}")
            else:
                self.stdout.write("  No claims tagged.")
            if report["publishable"]:
                self.stdout.write(self.style.SUCCESS("  Publishable."))
            else:
                count = len(report["blockers"])
                self.stdout.write(
                    self.style.ERROR(f"  Blocked ({plural(count, 'blocker')}):")
                )
                for message in report["blockers"]:
                    self.stdout.write(f"  - {message}")
            self.stdout.write("")
        if len(reports) > 1 and verbosity >= 1:
            publishable = sum(r["publishable"] for r in reports)
            self.stdout.write(
                f"{plural(len(reports), 'article')}: {publishable} publishable, "
                f"{len(reports) - publishable} blocked."
            )
