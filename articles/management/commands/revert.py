"""
Restore an article's working copy as it was in an earlier revision.

    python manage.py revisions openai-and-microsoft-expand-partnership
    python manage.py revert openai-and-microsoft-expand-partnership 42 --user editor

REVISION is the revision id shown in the first column of ``revisions`` (the
id also named in the comments of earlier restores, "(#42)"). Ids never
change, so a revision that lands between listing and reverting cannot shift
it. The restore goes through articles.restoring.restore_revision: the text,
claims and citations come back, the claims are re-anchored, the workflow
state (published or not, the live version) is kept, and a new revision
records the revert. Readers see nothing until the article is published again.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from reversion.models import Revision

from articles import restoring
from articles.models import Claim
from newsroom.ids import is_id

from ._lookup import get_article, get_user


class Command(BaseCommand):
    help = (
        "Restore the text, claims and citations of the article SLUG as they were "
        "in revision REVISION (the id listed by 'revisions'). A new revision "
        "records the revert; the live version is not touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The article's slug.")
        parser.add_argument(
            "revision", help="The revision id, as listed by 'revisions SLUG'."
        )
        parser.add_argument(
            "--user",
            metavar="NAME",
            help="Username the revert is recorded under (needs permission to "
            "change articles). Required unless there is exactly one superuser, "
            "who is the default.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Restore, report, then roll back: nothing is written.",
        )

    def handle(self, *args, slug, revision, user, dry_run, **options):
        article = get_article(slug)
        user = get_user(user)
        revision_id = revision.lstrip("#")
        if not is_id(revision_id):
            raise CommandError(
                f"'{revision}' is not a revision id: give the number in the first "
                f"column of 'manage.py revisions {slug}'."
            )
        revision_id = int(revision_id)
        target = Revision.objects.filter(pk=revision_id).first()
        if target is None:
            raise CommandError(
                f"There is no revision {revision_id} (see 'manage.py revisions "
                f"{slug}')."
            )
        try:
            with transaction.atomic():
                article = restoring.restore_revision(article, target, user=user)
                counts = {
                    state: article.claims.filter(anchor=state).count()
                    for state in Claim.Anchor.values
                }
                if dry_run:
                    transaction.set_rollback(True)
        except PermissionDenied as exc:
            raise CommandError(f"{user} may not revert: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(
                f"Revision {revision_id} cannot be restored on '{slug}': "
                + " ".join(exc.messages)
            ) from exc
        when = timezone.localtime(target.date_created)
        claims = ", ".join(f"{n} {state}" for state, n in counts.items())
        prefix = "Dry run: would restore" if dry_run else "Restored"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} '{slug}' to revision {revision_id} of "
                f"{when:%Y-%m-%d %H:%M} (claims: {claims})."
            )
        )
        if dry_run:
            self.stdout.write("Nothing was written.")
        elif article.is_live and options["verbosity"] >= 1:
            self.stdout.write(
                "Readers still see the live version until the article is "
                "published again."
            )
