"""Capture one source now, in the foreground: ``manage.py capture_source ID``."""

from django.core.management.base import BaseCommand, CommandError

from entities.models import Source
from sources import workflow
from sources.models import Attempt


class Command(BaseCommand):
    help = "Fetch one source now and keep a capture of it (WARC in storage)."

    def add_arguments(self, parser):
        parser.add_argument("id", type=int, help="The source's id.")

    def handle(self, *args, **options):
        source = Source.objects.filter(pk=options["id"]).first()
        if source is None:
            raise CommandError(f"No source has id {options['id']}.")
        if not source.url:
            raise CommandError(
                f"Source {source.pk} has no address: upload a file as its capture."
            )
        fetched = workflow.capture(source)
        outcome = {
            "ok": Attempt.Outcome.CAPTURED,
            "refused": Attempt.Outcome.REFUSED,
        }.get(fetched.outcome, Attempt.Outcome.FAILED)
        workflow.record_attempt(source, fetched, outcome)
        if not fetched.ok:
            raise CommandError(f"Source {source.pk} not captured: {fetched.reason}")
        item = fetched.capture
        self.stdout.write(
            self.style.SUCCESS(
                f"Source {source.pk} captured: {item.status} {item.final_url} "
                f"({item.size:,} bytes, sha256 {item.sha256[:12]}…)"
            )
        )
