"""
Publish the scheduled articles whose time has come. Meant for cron:

    * * * * *  cd /srv/newsroom && manage.py publish_scheduled --user scheduler

Every article whose scheduled publish time (``publish_at``) has passed is
published through articles.workflow.publish, if it passes the fact-check
gate. The ones the gate refuses are listed with their blockers on stderr,
and the command then exits 1 (so cron mails someone); they stay scheduled
and are tried again on the next run. Silent when nothing is due (say -v 2 to
hear it). Running it twice at once is safe: each article is published once.

The publisher is --user NAME (a user with the publish permission; a
dedicated account is a good idea, so the history shows what cron did), or,
without it, the only active superuser.
"""

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from articles.scheduling import publish_due

from ._console import plural
from ._lookup import get_user


class Command(BaseCommand):
    help = (
        "Publish every article whose scheduled publish time has come and that "
        "passes the fact-check gate; list the ones refused and why (exit 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Username to publish as (needs the publish permission). Required "
            "unless there is exactly one superuser, who is the default.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would be published and what the gate would refuse; "
            "publish nothing.",
        )

    def handle(self, *args, user, dry_run, **options):
        user = get_user(user)
        try:
            run = publish_due(user=user, dry_run=dry_run)
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not publish: {exc}") from exc
        verbosity = options["verbosity"]
        for version in run.published:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Published '{version.article.slug}' as version {version.number}."
                )
            )
        for article in run.would_publish:
            self.stdout.write(f"Would publish '{article.slug}'.")
        for article, messages in run.refused:
            self.stderr.write(f"Not published: '{article.slug}'")
            for message in messages:
                self.stderr.write(f"- {message}")
        if verbosity >= 2:
            for pk in run.skipped:
                self.stdout.write(f"Skipped article {pk}: another run has it.")
            if not (run.published or run.refused or run.would_publish):
                self.stdout.write("No article is due.")
        if run.refused:
            slugs = ", ".join(article.slug for article, _ in run.refused)
            raise CommandError(
                f"{plural(len(run.refused), 'scheduled article')} could not be "
                f"published: {slugs} (blockers listed above)"
            )
