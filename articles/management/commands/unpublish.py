"""
Unpublish (withdraw) an article: its public address then answers 410 Gone.

    python manage.py unpublish openai-and-microsoft-expand-partnership --note "Why"

Every published version is kept; publishing again brings the article back.
The rules are those of articles.workflow.unpublish (DESIGN §5).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import workflow

from ._lookup import get_article, get_user


class Command(BaseCommand):
    help = (
        "Withdraw the published article SLUG: its page answers 410 Gone and shows "
        "the note. Its published versions are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The article's slug.")
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Username of the publisher (needs the publish permission). "
            "Required unless there is exactly one superuser, who is the default.",
        )
        parser.add_argument(
            "--note",
            default="",
            help="Why the article was withdrawn (required); shown to readers.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Unpublish, report, then roll back: the same checks as a real "
            "withdrawal, and nothing is written.",
        )

    def handle(self, *args, slug, user, note, dry_run, **options):
        article = get_article(slug)
        user = get_user(user)
        try:
            # A dry run is the real withdrawal, rolled back: the same rules.
            with transaction.atomic():
                workflow.unpublish(article, user=user, note=note)
                if dry_run:
                    transaction.set_rollback(True)
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not unpublish: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"'{slug}': {' '.join(exc.messages)}") from exc
        if dry_run:
            self.stdout.write(
                f"Dry run: '{slug}' would be unpublished by {user}; nothing changed."
            )
            return
        kept = article.published_versions.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Unpublished '{slug}' by {user}: its page now answers 410 Gone; "
                f"{kept} published version{'s' if kept != 1 else ''} kept."
            )
        )
