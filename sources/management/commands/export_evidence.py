"""
Write the replication bundle of an article's live version:
``manage.py export_evidence SLUG [--output FILE] [--zip]``.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.models import Article
from sources import evidence


class Command(BaseCommand):
    help = (
        "Write evidence.json of an article's live version (claims, citations, "
        "sources, captures and hashes); with --zip, a zip with the WARC files too."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--output", "-o", help="File to write (default: stdout).")
        parser.add_argument(
            "--zip", action="store_true", help="A zip with evidence.json and WARCs."
        )

    def handle(self, *args, **options):
        article = (
            Article.objects.select_related("live_version")
            .filter(slug=options["slug"])
            .first()
        )
        if article is None:
            raise CommandError(f"No article has the slug {options['slug']!r}.")
        if article.live_version is None:
            raise CommandError(f"Article {article.slug!r} is not published.")
        document = evidence.bundle(article)
        if options["zip"]:
            if not options["output"]:
                raise CommandError("--zip needs --output FILE.")
            data = evidence.zip_bundle(document)
        else:
            data = evidence.dumps(document).encode()
        if options["output"]:
            path = Path(options["output"])
            try:
                path.write_bytes(data)
            except OSError as exc:
                raise CommandError(f"Cannot write {path}: {exc.strerror}.") from exc
            self.stderr.write(f"Wrote {path} ({len(data):,} bytes).")
        else:
            self.stdout.write(data.decode(), ending="")
