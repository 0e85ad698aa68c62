"""
Render the stored pages of the live articles again. Run it after a deploy:

    manage.py migrate && manage.py render_pages

A published version's page is rendered when it is published and stored with
it (articles/pages.py), with a fingerprint of the code, the templates and the
settings it shows (NEWSROOM_NAME, SITE_URL, TIME_ZONE, LANGUAGE_CODE). After
a deploy that changes any of them, the pages are not wrong (a page whose
fingerprint differs is rendered on every request) but they are slow until
this command renders them again. Pages already rendered with the running
code are left alone, unless --all.
"""

from django.core.management.base import BaseCommand

from articles import pages

from ._console import plural


class Command(BaseCommand):
    help = (
        "Render again the stored pages of the live articles that were rendered "
        "by other code or settings (after a deploy); --all for every one."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Render every live article's page, not only the out-of-date ones.",
        )

    def handle(self, *args, all, **options):
        versions = pages.live_versions()
        if not all:
            versions = versions.exclude(rendered_with=pages.render_key())
        # The same HTML as the live render readers got meanwhile: no cached
        # page changes, so the public generation stays.
        done = pages.rerender(versions)
        self.stdout.write(f"Rendered {plural(done, 'article page')}.")
