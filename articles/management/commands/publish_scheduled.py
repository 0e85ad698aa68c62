"""
Publish the scheduled articles whose time has come. Meant for cron:

    * * * * *  cd /srv/newsroom && manage.py publish_scheduled

Every article whose scheduled publish time (``publish_at``) has passed is
published through articles.workflow.publish, for the publisher who scheduled
it, if they may still publish and it passes the fact-check gate. The ones
refused are listed with the reasons on stderr, and the command then exits 1
(so cron mails someone); they stay scheduled and are tried again on the next
run. Silent when nothing is due (say -v 2 to hear it). Running it twice at
once is safe: each article is published once.

Being the job that runs every minute, it also catches up the desk's emails
that nothing will send any more (``desk.notifications.send_lost``: the task
never reached the queue, or its worker died with it) by enqueueing them
again; an email already sent is never sent again.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.scheduling import publish_due
from desk.notifications import send_lost

from ._console import plural


class Command(BaseCommand):
    help = (
        "Publish every article whose scheduled publish time has come and that "
        "passes the fact-check gate, for the publisher who scheduled it; list "
        "the ones refused and why (exit 1)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Publish and roll back: say what would be published and what "
            "would be refused, and which lost emails would be enqueued again; "
            "nothing is written.",
        )

    def handle(self, *args, dry_run, **options):
        run = publish_due(dry_run=dry_run)
        verbosity = options["verbosity"]
        if lost := send_lost(dry_run=dry_run):
            self.stdout.write(
                f"{'Would enqueue' if dry_run else 'Enqueued'} again "
                f"{plural(len(lost), 'lost email')} (notifications "
                f"{', '.join(map(str, lost))})."
            )
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
