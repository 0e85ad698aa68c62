"""
Add image files to the media library.

    python manage.py import_media photo.jpg chart.png --credit "Photo: Jane Doe" \\
        --licence "CC BY 4.0" --alt "The harbour at dawn" --user rita

Each file is checked by its content as an upload is (type, bytes, pixels;
location data removed, turned upright). All the files are checked first: if
any is refused, nothing is added, each refusal is printed with its reason,
and the command exits 1. A file whose picture the library already has (or
that another file of the same run has) is refused so too, with the id of the
image that has it: the same picture is in the library once, with one credit,
so use that image. Otherwise each new image's id is printed on stdout, one a
line.
"""

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.management.commands._lookup import get_user
from media import library
from media.models import Image
from media.validation import check_size, check_upload


class Command(BaseCommand):
    help = (
        "Add image files (JPEG, PNG, WebP, AVIF, GIF) to the media library with "
        "their alt text, credit and licence; prints each new image's id. "
        "Nothing is added if any file is refused."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH", help="Image files.")
        parser.add_argument("--alt", default="", help="Alt text (every file).")
        parser.add_argument("--caption", default="", help="Caption (every file).")
        parser.add_argument("--credit", default="", help="Credit (every file).")
        parser.add_argument("--licence", default="", help="Licence (every file).")
        parser.add_argument("--source-url", default="", help="Where it came from.")
        parser.add_argument(
            "--decorative",
            action="store_true",
            help="Mark the images decorative (they need no alt text).",
        )
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Who adds them (default: the only superuser).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the files and say what would be added; add nothing.",
        )

    def handle(self, *args, paths, user, dry_run, **options):
        user = get_user(user)
        if reasons := library.check_add_image(user=user):
            raise CommandError(f"{user}: {reasons[0]}")
        words = {
            "alt": options["alt"],
            "caption": options["caption"],
            "credit": options["credit"],
            "licence": options["licence"],
            "source_url": options["source_url"],
            "decorative": options["decorative"],
        }
        checked, problems = self._check(paths, words)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(
                f"{len(problems)} of {len(paths)} file(s) refused; nothing was added."
            )
        if dry_run:
            for path, _image in checked:
                self.stderr.write(f"{path}: would be added")
            return
        try:
            with transaction.atomic():
                added = [
                    library.add_image(image, user=user, name=Path(path).name, **words)
                    for path, image in checked
                ]
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError(" ".join(getattr(exc, "messages", [str(exc)]))) from exc
        for image in added:
            self.stdout.write(str(image.pk))
        if options["verbosity"] >= 1 and added:
            self.stderr.write(
                f"Added {len(added)} image(s); the background worker makes their "
                "renditions."
            )

    def _check(self, paths, words):
        checked, problems = [], []
        probe = Image(**words)
        try:
            probe.full_clean(
                exclude=["file", "sha256", "format", "width", "height", "bytes"]
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                problems += [f"--{field.replace('_', '-')}: {m}" for m in messages]
        seen = {}
        for path in paths:
            try:
                size = Path(path).stat().st_size
                check_size(size, name=path)
                image = check_upload(Path(path).read_bytes(), name=path)
            except ValidationError as exc:
                problems += exc.messages
                continue
            except OSError as exc:
                problems.append(f"{path}: cannot be read: {exc.strerror or exc}")
                continue
            if reasons := library.check_new_file(image, name=path):
                problems += reasons
            elif image.sha256 in seen:
                problems.append(
                    f"{path}: this is the same picture as {seen[image.sha256]}: "
                    "give it once."
                )
            else:
                seen[image.sha256] = path
                checked.append((path, image))
        return checked, problems
