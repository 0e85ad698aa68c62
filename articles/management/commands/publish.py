"""
Publish an article's working copy, if it passes the fact-check gate.

    python manage.py publish openai-and-microsoft-expand-partnership --user publisher

A refused publish prints every blocker, one per line, and exits 1; nothing is
changed. The rules are those of articles.workflow.publish (DESIGN §5).
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import workflow

from ._lookup import get_article, get_user


class Command(BaseCommand):
    help = (
        "Publish the working copy of the article SLUG as its next published "
        "version, if it passes the fact-check gate; otherwise list every blocker "
        "and exit 1. Readers see the new version at once."
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
            help="Change note for this version, shown in the public history.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Publish, report, then roll back: the same checks as a real "
            "publish, and nothing is written.",
        )

    def handle(self, *args, slug, user, note, dry_run, **options):
        article = get_article(slug)
        user = get_user(user)
        try:
            # A dry run is the real publish, rolled back: the same rules.
            with transaction.atomic():
                version = workflow.publish(article, user=user, note=note)
                if dry_run:
                    transaction.set_rollback(True)
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not publish: {exc}") from exc
        except ValidationError as exc:
            self._refuse(slug, exc.messages)
        if dry_run:
            self.stdout.write(
                f"Dry run: '{slug}' passes the gate and would be published as "
                f"version {version.number} by {user}; nothing changed."
            )
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Published '{slug}' as version {version.number} by {user}."
            )
        )
        if options["verbosity"] >= 2:
            self.stdout.write(f"Readers see it at {article.get_absolute_url()}")

    def _refuse(self, slug: str, messages: list[str]):
        for message in messages:
            self.stderr.write(f"- {message}")
        count = len(messages)
        raise CommandError(
            f"Not published: '{slug}' fails the fact-check gate ({count} "
            f"blocker{'s' if count != 1 else ''}, listed above)."
        )
