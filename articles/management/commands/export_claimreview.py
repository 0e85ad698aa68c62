"""
Write the ClaimReview JSON-LD of every published, rated claim.

    python manage.py export_claimreview --output var/factchecks.json

A JSON array of schema.org ClaimReview objects (Google's fact-check markup),
all of them, in the order of the pages of the public /factchecks.json: taken
from the live published versions, so drafts never leak. Claims rated
"opinion" or not yet rated have no ClaimReview.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.structured_data import claimreview_feed

from ._console import plural
from ._files import dump_json, write_atomically


class Command(BaseCommand):
    help = (
        "Print (or write to --output) a JSON array with the ClaimReview of every "
        "rated claim of every published article: the data of /factchecks.json."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Write to FILE (replaced whole, never half written) instead of "
            "stdout.",
        )

    def handle(self, *args, output, **options):
        items = list(claimreview_feed())
        text = dump_json(items)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            write_atomically(output, text)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}") from exc
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote {plural(len(items), 'ClaimReview')} to {output}."
                )
            )
