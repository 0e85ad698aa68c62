"""
Write the JSON interchange document of one article.

    python manage.py export_article openai-and-microsoft-expand-partnership
    python manage.py export_article SLUG --output article.json

The document (README, "The JSON interchange format"; schema in
docs/article.schema.json) holds the working copy: text, claims, citations,
sources, entities and corrections. ``import_article`` reads it back.
"""

from django.core.management.base import BaseCommand, CommandError

from articles.interchange import export_article

from ._console import plural
from ._files import dump_json, write_atomically
from ._lookup import get_article


class Command(BaseCommand):
    help = (
        "Print (or write to --output) the JSON interchange document of the "
        "article SLUG: its working copy with claims, citations, sources, entities "
        "and corrections. import_article reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The article's slug.")
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the document to FILE (replaced whole, never half "
            "written) instead of stdout.",
        )

    def handle(self, *args, slug, output, **options):
        article = get_article(slug)
        document = export_article(article)
        text = dump_json(document)
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
                    f"Wrote '{slug}' to {output} "
                    f"({plural(len(document['claims']), 'claim')}, "
                    f"{plural(len(document['sources']), 'source')}, "
                    f"{plural(len(document['entities']), 'entity', 'entities')})."
                )
            )
