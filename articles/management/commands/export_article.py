"""
Write the JSON interchange document of one article.

    python manage.py export_article openai-and-microsoft-expand-partnership
    python manage.py export_article SLUG --output article.json
    python manage.py export_article SLUG --output folder/
    python manage.py export_article SLUG --zip article.zip

The document (README, "The JSON interchange format"; schema in
docs/article.schema.json) holds the working copy: text, claims, citations,
sources, entities, corrections and images. Its images' files are in it
(base64), or, written to a folder or a zip, beside it (``article.json`` and
``images/``). ``import_article`` reads any of them back.
"""

import zipfile
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from articles.importing import DOCUMENT_NAME
from articles.interchange import export_article
from media.interchange import files_of

from ._console import plural
from ._files import dump_json, write_atomically
from ._lookup import get_article


class Command(BaseCommand):
    help = (
        "Print (or write to --output) the JSON interchange document of the "
        "article SLUG: its working copy with claims, citations, sources, "
        "entities, corrections and images. --output DIR/ or --zip FILE writes "
        "the images' files beside the document. import_article reads it back."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The article's slug.")
        parser.add_argument(
            "--output",
            "-o",
            metavar="FILE",
            help="Write the document to FILE (replaced whole, never half "
            "written) instead of stdout; to a folder (an existing one, or a "
            "path ending in /) as article.json with its images beside it.",
        )
        parser.add_argument(
            "--zip",
            metavar="FILE",
            help="Write a zip file: article.json and the images' files.",
        )

    def handle(self, *args, slug, output, zip, **options):
        if output and zip:
            raise CommandError("Give --output or --zip, not both.")
        article = get_article(slug)
        folder = output is not None and (output.endswith("/") or Path(output).is_dir())
        document = export_article(article, inline_images=not (folder or zip))
        text = dump_json(document)
        if output is None and zip is None:
            self.stdout.write(text, ending="")
            return
        target = zip or output
        try:
            if zip:
                self._write_zip(zip, text, files_of(document))
            elif folder:
                self._write_folder(Path(output), text, files_of(document))
            else:
                write_atomically(output, text)
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror or exc}") from exc
        if options["verbosity"] >= 1:
            images = len(document["images"])
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote '{slug}' to {target} "
                    f"({plural(len(document['claims']), 'claim')}, "
                    f"{plural(len(document['sources']), 'source')}, "
                    f"{plural(len(document['entities']), 'entity', 'entities')}"
                    + (f", {plural(images, 'image')}" if images else "")
                    + ")."
                )
            )

    def _write_folder(self, folder: Path, text: str, files: dict) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for path, name in files.items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source:
                target.write_bytes(source.read())
        write_atomically(folder / DOCUMENT_NAME, text)

    def _write_zip(self, path: str, text: str, files: dict) -> None:
        partial = Path(f"{path}.partial")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
                archive.writestr(DOCUMENT_NAME, text)
                for name_in_zip, name in files.items():
                    with default_storage.open(name, "rb") as source:
                        # Images are compressed already: stored as they are.
                        archive.writestr(name_in_zip, source.read(), zipfile.ZIP_STORED)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
