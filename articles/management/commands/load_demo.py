"""
Build the demo newsroom from the sample article (DESIGN §7).

    python manage.py load_demo

Creates the roles, one user in each role (reporter, factchecker, publisher)
and a superuser (admin), the entities and sources behind the sample report on
the OpenAI/Microsoft partnership, and the article itself: its claims tagged by
the reporter, rated by the fact-checker, and published by the publisher, each
step a revision. Only what is missing is created, so a second run changes
nothing. Everything happens in one transaction.

Passwords come from the environment when set, otherwise they are generated
and printed once, when the user is created:

    DEMO_REPORTER_PASSWORD, DEMO_FACTCHECKER_PASSWORD, DEMO_PUBLISHER_PASSWORD
        one user each; DEMO_PASSWORD is used for any of the three not set
    ADMIN_PASSWORD
        the superuser "admin" (DEMO_PASSWORD does not apply to it)
"""

import logging
import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import demo

# The environment variables each demo user's password may come from, in order.
PASSWORD_VARIABLES = {
    demo.REPORTER.username: ("DEMO_REPORTER_PASSWORD", "DEMO_PASSWORD"),
    demo.FACT_CHECKER.username: ("DEMO_FACTCHECKER_PASSWORD", "DEMO_PASSWORD"),
    demo.PUBLISHER.username: ("DEMO_PUBLISHER_PASSWORD", "DEMO_PASSWORD"),
    demo.ADMIN.username: ("ADMIN_PASSWORD",),
}


def passwords_from_environment() -> tuple[dict[str, str], dict[str, str]]:
    """The passwords set in the environment, and the variable each came from."""
    passwords, variables = {}, {}
    for username, names in PASSWORD_VARIABLES.items():
        for name in names:
            if os.environ.get(name):
                passwords[username], variables[username] = os.environ[name], name
                break
    return passwords, variables


class Command(BaseCommand):
    help = (
        "Build the demo newsroom: roles, one user per role plus the superuser "
        "'admin', the entities and sources of the sample article, and the "
        "article with its claims tagged, cited, rated and published. Creates only "
        "what is missing, so running it again changes nothing. Passwords: "
        "DEMO_REPORTER_PASSWORD, DEMO_FACTCHECKER_PASSWORD, DEMO_PUBLISHER_PASSWORD "
        "(each falling back to DEMO_PASSWORD) and ADMIN_PASSWORD; any not set is "
        "generated and printed once, when the user is created."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Build everything in a transaction that is then rolled back; "
            "report what would be created. No password is set or shown.",
        )

    def handle(self, *args, dry_run, **options):
        passwords, variables = passwords_from_environment()
        verbosity = options["verbosity"]
        # The workflow logs every step at INFO; show that only when asked.
        loggers = [logging.getLogger(name) for name in ("articles", "masthead")]
        levels = [logger.level for logger in loggers]
        if verbosity < 2:
            for logger in loggers:
                logger.setLevel(logging.WARNING)
        try:
            with transaction.atomic():
                report = demo.load_demo(passwords=passwords)
                if dry_run:
                    transaction.set_rollback(True)
        except ValidationError as exc:
            # Only a password from the environment can fail validation.
            raise CommandError(
                "A demo password from the environment is too weak: "
                + " ".join(exc.messages)
            ) from exc
        finally:
            for logger, level in zip(loggers, levels, strict=True):
                logger.setLevel(level)
        self._report(report, variables=variables, dry_run=dry_run)

    def _report(self, report, *, variables, dry_run):
        would = "Would create" if dry_run else "Created"
        article = report.article
        if not report.changed:
            live = (
                f"version {article.live_version.number} is live"
                if article.live_version_id
                else f"it is {article.get_status_display().lower()}"
            )
            self.stdout.write(
                f"The demo newsroom is already loaded ('{article.slug}': {live}); "
                "nothing changed."
            )
            return
        shown = False
        for created in report.users:
            username = created.user.username
            line = f"{would} user '{username}' ({created.role})"
            if dry_run:
                line += "."
            elif created.password:
                line += f" with the password: {created.password}"
                shown = True
            else:
                line += f" with the password from {variables[username]}."
            self.stdout.write(line)
        if report.entities:
            self.stdout.write(f"{would} {len(report.entities)} entities.")
        if report.sources:
            self.stdout.write(f"{would} {len(report.sources)} sources.")
        if report.profile_created:
            self.stdout.write(
                f"{would} the newsroom's profile: about, methodology, corrections "
                "policy and team."
            )
        if report.article_created:
            self.stdout.write(
                f"{would} the article '{article.slug}' with {report.claims} claims, "
                f"rated and published as version {report.version.number}."
            )
        elif article is not None:
            self.stdout.write(
                f"The article '{article.slug}' was already there; left as it is."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
            return
        if shown:
            self.stdout.write(
                self.style.WARNING(
                    "These passwords are shown only this once: keep them now."
                )
            )
        self.stdout.write(self.style.SUCCESS("The demo newsroom is ready."))
