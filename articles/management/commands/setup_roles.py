"""
Create or update the newsroom's roles: Reporters, Fact-checkers, Publishers.

    python manage.py setup_roles

Each group is given exactly the permissions of its role (articles.roles);
running it again changes nothing.
"""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from articles.roles import ROLES, setup_roles


class Command(BaseCommand):
    help = (
        "Create or update the Reporters, Fact-checkers and Publishers groups so "
        "each holds exactly its role's permissions (DESIGN §5). Safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Say what would change; change nothing.",
        )

    def handle(self, *args, dry_run, **options):
        before = {
            group.name: {
                f"{p.content_type.app_label}.{p.codename}"
                for p in group.permissions.select_related("content_type")
            }
            for group in Group.objects.filter(name__in=ROLES)
        }
        with transaction.atomic():
            groups = setup_roles()
            if dry_run:
                transaction.set_rollback(True)
        for name in groups:
            wanted = set(ROLES[name])
            if name not in before:
                state = "created"
            elif before[name] != wanted:
                state = "updated"
            else:
                state = "unchanged"
            if dry_run and state != "unchanged":
                state = f"would be {state}"
            self.stdout.write(f"{name}: {len(wanted)} permissions ({state})")
            if options["verbosity"] >= 2:
                for code in sorted(wanted):
                    self.stdout.write(f"  {code}")
        if dry_run:
            self.stdout.write("Dry run: nothing changed.")
        else:
            self.stdout.write(self.style.SUCCESS("Roles are set up."))
