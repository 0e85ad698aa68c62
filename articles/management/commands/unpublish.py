"""
Unpublish (withdraw) an article: its public address then answers 410 Gone.

    python manage.py unpublish openai-and-microsoft-expand-partnership --note "Why"

Every published version is kept; publishing again brings the article back.
The rules are those of articles.workflow.unpublish (DESIGN §5).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

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
            help="Why the article was withdrawn; shown to readers.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the permission and say what would happen; change nothing.",
        )

    def handle(self, *args, slug, user, note, dry_run, **options):
        article = get_article(slug)
        user = get_user(user)
        if dry_run:
            if not user.has_perm(workflow.PUBLISH_PERMISSION):
                raise CommandError(f"{user} may not unpublish articles.")
            if not article.is_live:
                raise CommandError(f"'{slug}' is not published.")
            self.stdout.write(
                f"Dry run: '{slug}' would be unpublished by {user}; nothing changed."
            )
            return
        try:
            workflow.unpublish(article, user=user, note=note)
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not unpublish: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"'{slug}': {' '.join(exc.messages)}") from exc
        kept = article.published_versions.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Unpublished '{slug}' by {user}: its page now answers 410 Gone; "
                f"{kept} published version{'s' if kept != 1 else ''} kept."
            )
        )
