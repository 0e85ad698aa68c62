"""
Re-fetch the sources that are due (or all, or one) and say what each is now:
alive, moved, gone or changed. A gone or changed source makes the ratings
that cite it stale. Run from cron, or by the worker's scheduled task
(``--enqueue`` queues it; ``make run``'s scheduler does so every hour). When
none of the sources answers, the newsroom's network is taken to be down and
their failures are not counted ("unreached"). Each run is recorded for the
desk (a check of one source or of all, by hand, is not).
"""

import json

from django.core.management.base import BaseCommand, CommandError

from entities.models import Source
from sources import workflow
from sources.fetching import Fetcher


class Command(BaseCommand):
    help = "Check cited sources for rot and drift; print alive/moved/gone/changed."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--all", action="store_true", help="Every source.")
        which.add_argument("--source", type=int, metavar="ID", help="One source.")
        parser.add_argument("--json", action="store_true", help="Print JSON.")
        parser.add_argument(
            "--limit", type=int, default=None, help="At most this many sources."
        )
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Hand the check to the background worker and return (what the "
            "scheduler of `make run` does every hour).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the sources that would be checked; fetch nothing.",
        )

    def handle(self, *args, **options):
        if options["limit"] is not None and options["limit"] < 1:
            raise CommandError("--limit must be 1 or more.")
        if options["enqueue"]:
            if options["source"] is not None or options["all"] or options["dry_run"]:
                raise CommandError("--enqueue checks the sources that are due, alone.")
            waiting = workflow.queued_check()
            if waiting is not None:
                # The last one has not run yet (a long check, or no worker):
                # one in the queue is enough, however long it waits.
                if options["verbosity"]:
                    self.stderr.write(
                        f"A check of due sources is already queued or running "
                        f"({waiting}); none added. If it stays queued, is the "
                        "worker (manage.py db_worker) running?"
                    )
                return
            from sources.tasks import check_sources

            result = check_sources.enqueue()
            if options["verbosity"]:
                self.stderr.write(f"The check of due sources is queued ({result.id}).")
            return
        if options["source"] is not None:
            sources = list(Source.objects.filter(pk=options["source"]))
            if not sources:
                raise CommandError(f"No source has id {options['source']}.")
            if not sources[0].url:
                raise CommandError(f"Source {options['source']} has no address.")
        elif options["all"]:
            sources = list(Source.objects.exclude(url="").order_by("pk"))
            sources = sources[: options["limit"]] if options["limit"] else sources
        else:
            sources = workflow.due_sources(limit=options["limit"])
        if options["dry_run"]:
            for source in sources:
                self.stdout.write(f"due      {source.pk} {source.url}")
            self.stderr.write(f"Dry run: {len(sources)} sources would be checked.")
            return
        rows = []
        with Fetcher() as fetcher:
            checked = workflow.check_many(sources, fetcher=fetcher)
        for number, (source, watch, counted) in enumerate(checked, 1):
            latest = source.captures.first()
            state = watch.state if counted else "unreached"
            rows.append(
                {
                    "id": source.pk,
                    "url": source.url,
                    "state": state,
                    "checked_at": (
                        watch.checked_at.isoformat() if watch.checked_at else None
                    ),
                    "capture_sha256": latest.sha256 if latest else None,
                }
            )
            if not options["json"]:
                self.stdout.write(f"{state:8} {source.pk} {source.url}")
            if options["verbosity"] > 1:
                self.stderr.write(f"{number}/{len(sources)}")
        if options["source"] is None and not options["all"]:
            # The desk's "sources last checked" is the scheduled check of the
            # due sources, not one source checked by hand.
            workflow.record_run(checked)
        if options["json"]:
            self.stdout.write(json.dumps(rows, indent=2))
        elif options["verbosity"]:
            self.stderr.write(f"{len(rows)} sources checked.")
