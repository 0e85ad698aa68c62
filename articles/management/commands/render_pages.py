"""
Render the stored pages of the live articles again. Run it after a deploy,
once every worker runs the new code:

    manage.py migrate && manage.py collectstatic && manage.py render_pages

A published version's page is rendered when it is published and stored with
it (articles/pages.py), with a fingerprint of the code, the templates, the
static files, the Django version and the settings it shows (NEWSROOM_NAME,
SITE_URL, TIME_ZONE, LANGUAGE_CODE). After a deploy that changes any of
them, a page whose fingerprint differs is rendered on every request, never
served as stored, and is slow until this command renders it again. Pages
already rendered with the running code are left alone, unless --all; a page
that comes out different from the one stored moves the public generation, so
no cached copy of the old one is served. Each version's structured data
(JSON-LD), which names the site's address, is built again with its page.
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
        done = pages.rerender_live(everything=all)
        self.stdout.write(f"Rendered {plural(done, 'article page')}.")
