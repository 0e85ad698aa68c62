"""
Import articles from files as new drafts.

    python manage.py import_article wire/*.txt --author reporter
    python manage.py import_article story.md --title "A headline" --slug a-headline
    python manage.py import_article exported.json
    python manage.py import_article exported.json --update

Plain text, Markdown and JSON interchange documents (see README, "The JSON
interchange format"); entity mentions are linked. Each file is imported in
its own transaction: a bad file is reported with its name and the reason and
nothing of it is written; the others go in, and the command then exits 1.
The slug of each article created is printed on stdout, one per line; the
progress bar, the problems and the summary go to stderr.

An existing slug is an error. A JSON document replaces the working copy of
the article with its slug only with ``--update`` (never by accident).
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from articles.importing import FORMATS, import_file
from articles.interchange import DocumentError

from ._console import Progress, plural
from ._lookup import get_user

# Show a progress bar from this many files on.
PROGRESS_FROM = 5


class Command(BaseCommand):
    help = (
        "Import text, Markdown or JSON interchange files as new draft articles, "
        "each in its own transaction, linking the entities they name. Prints the "
        "slug of each article created; exits 1 if any file could not be imported "
        "(that file leaves nothing behind)."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Files to import.")
        parser.add_argument(
            "--format",
            choices=["auto", *FORMATS],
            default="auto",
            help="The files' format. auto (the default) goes by the file name "
            "(.txt, .md, .json), else by the content.",
        )
        parser.add_argument(
            "--title",
            help="The title, for text and Markdown files without a 'Title: ...' "
            "line or '# heading'. One file only.",
        )
        parser.add_argument(
            "--slug",
            help="The slug (default: made from the title, or the document's). "
            "One file only.",
        )
        parser.add_argument(
            "--author",
            metavar="USER",
            help="Username of the article's author; also who acts, unless --user "
            "says otherwise. Replaces a JSON document's authors.",
        )
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Username who imports (recorded on the revision). A document's "
            "ratings are kept only if they may rate, its schedule only if they "
            "may publish; otherwise they are left out with a note. Default: the "
            "--author, else the only superuser.",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="JSON only: if an article has the document's slug, replace its "
            "working copy (readers keep the live version until it is published "
            "again). Without it an existing slug is an error.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check and import every file, then roll it all back: nothing is "
            "written.",
        )

    def handle(
        self, *args, paths, title, slug, author, user, update, dry_run, **options
    ):
        if len(paths) > 1 and (title or slug):
            raise CommandError("--title and --slug can only be used with one file.")
        if author is not None:
            author = get_user(author, option="--author")
            if not author.has_perm("articles.add_article"):
                raise CommandError(f"The author '{author}' may not add articles.")
        # Who acts: --user, else the author, else the only superuser.
        user = get_user(user) if user or author is None else author
        verbosity = options["verbosity"]
        progress = Progress(
            self.stderr,
            len(paths),
            label="Importing",
            enabled=verbosity >= 1
            and len(paths) >= PROGRESS_FROM
            and self.stderr.isatty(),
        )
        imported, failures, mentions, claims = [], [], 0, 0
        for path in paths:
            try:
                result = import_file(
                    Path(path),
                    format=options["format"],
                    title=title,
                    slug=slug,
                    author=author,
                    user=user,
                    update=update,
                    dry_run=dry_run,
                )
            except (
                DocumentError,
                ValidationError,
                PermissionDenied,
                DatabaseError,
            ) as exc:
                problems = _problems(exc, every=verbosity >= 2)
                failures.append(path)
                progress.clear()
                for problem in problems:
                    self.stderr.write(f"{path}: {problem}")
            else:
                imported.append(result)
                mentions += result.mentions
                claims += result.claims
                progress.clear()
                self.stdout.write(result.article.slug)
                for note in result.notes:
                    self.stderr.write(f"{path}: {note}", style_func=self.style.WARNING)
            progress.advance()
        progress.close()

        if verbosity >= 1:
            updated = sum(not r.created for r in imported)
            summary = (
                f"{'Would import' if dry_run else 'Imported'} "
                f"{plural(len(imported) - updated, 'article')}"
                + (f", updated {updated}" if updated else "")
                + f", {len(failures)} failed; "
                f"{plural(mentions, 'entity link')}, "
                f"{plural(claims, 'claim')} restored"
                + (" (dry run: nothing written)." if dry_run else ".")
            )
            style = self.style.WARNING if failures else self.style.SUCCESS
            self.stderr.write(summary, style_func=style)
        if failures:
            raise CommandError(
                f"{len(failures)} of {plural(len(paths), 'file')} could not be "
                "imported (listed above); nothing of them was written."
            )


def _problems(exc: Exception, *, every: bool) -> list[str]:
    """Why a file was refused: one line, or (``every``) one line per problem."""
    if isinstance(exc, DocumentError):
        return exc.errors if every else [exc.summary()]
    if isinstance(exc, ValidationError):
        return ["; ".join(exc.messages)]
    if isinstance(exc, DatabaseError):
        return [f"the database refused it: {exc}"]
    return [str(exc)]
