"""
Find every claim again in its article's current text.

    python manage.py reanchor_claims
    python manage.py reanchor_claims openai-and-microsoft-expand-partnership

For repairs, after bodies were changed outside the admin (which re-anchors on
every save). Each article is re-anchored in its own transaction through
articles.editing.reanchor, and a revision (with --user) records what moved; an
article whose claims all stay put gets no revision. Reports, per article and
in total, how many claims are anchored, changed (their text changed: the
rating must be re-checked) and orphaned (no longer in the text: they block
publishing).
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from articles import editing
from articles.models import Article

from ._console import Progress, plural
from ._lookup import get_article, get_user


class Command(BaseCommand):
    help = (
        "Re-anchor the claims of the article SLUG (or of every article) in the "
        "current text and report how many are anchored, changed and orphaned."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slug", nargs="?", help="One article's slug (default: every article)."
        )
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Username the re-anchoring is recorded under (needs permission "
            "to change claims). Required unless there is exactly one superuser, "
            "who is the default.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Re-anchor and report, then roll back: nothing is written.",
        )

    def handle(self, *args, slug, user, dry_run, **options):
        verbosity = options["verbosity"]
        user = get_user(user)
        if slug:
            articles = [get_article(slug)]
        else:
            articles = list(Article.objects.filter(claims__isnull=False).distinct())
            articles.sort(key=lambda a: a.slug)
        progress = Progress(
            self.stderr,
            len(articles),
            label="Re-anchoring",
            enabled=verbosity >= 1 and len(articles) > 5 and self.stderr.isatty(),
        )
        totals = {"anchored": 0, "changed": 0, "orphaned": 0, "moved": 0}
        touched = 0
        for article in articles:
            try:
                report = editing.reanchor(article, user=user, dry_run=dry_run)
            except PermissionDenied as exc:
                raise CommandError(f"{user} may not re-anchor claims: {exc}") from exc
            counts = report.counts
            for state, count in counts.items():
                totals[state] += count
            totals["moved"] += len(report.moved)
            touched += report.touched
            if verbosity >= 2 or (
                verbosity >= 1 and (report.changed or report.orphaned or report.found)
            ):
                progress.clear()
                self.stdout.write(
                    f"{article.slug}: {_counts(counts)}"
                    + (f" ({len(report.moved)} moved)" if report.moved else "")
                    + "".join(f"\n  {line}" for line in report.messages())
                )
            progress.advance()
        progress.close()
        self.stdout.write(
            self.style.SUCCESS(
                f"{'Dry run: ' if dry_run else ''}"
                f"{plural(len(articles), 'article')} ({touched} with claims that "
                f"moved or changed): {_counts(totals)}"
                + (f" ({totals['moved']} moved)" if totals["moved"] else "")
                + (". Nothing was written." if dry_run else ".")
            )
        )


def _counts(counts: dict) -> str:
    return (
        f"{counts['anchored']} anchored, {counts['changed']} changed, "
        f"{counts['orphaned']} orphaned"
    )
