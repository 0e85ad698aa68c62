"""
Backups (DESIGN §9 "Nothing lost"): ``dumpdata`` / ``loaddata`` of the whole
database, revisions included, round-trip with nothing lost.

    python manage.py dumpdata --natural-foreign \\
        --exclude contenttypes --exclude auth.permission --output backup.json
    python manage.py loaddata backup.json      # into a migrated, empty database

Content types and permissions are left out, as Django's documentation
advises: ``migrate`` makes them, and the dump refers to them by natural key
(app label and model name), not by their ids, which differ between databases.
Every other row keeps its primary key, so the revisions' serialized data
(which name their rows by id) still point at the right rows. JSON keeps
times to the millisecond; nothing shown or compared needs more.
"""

from datetime import datetime
from io import StringIO

import pytest
import reversion
from django.apps import apps
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from reversion.models import Revision, Version

from articles import restoring, workflow
from articles.demo import PUBLISHER, REPORTER
from articles.models import Article, PublicState, PublishedVersion
from entities.models import Entity, Source

pytestmark = pytest.mark.django_db(transaction=True)

SLUG = "openai-and-microsoft-expand-partnership"
PUBLIC_PAGES = [
    "/",
    f"/articles/{SLUG}/",
    f"/articles/{SLUG}/history/",
    "/entities/microsoft/",
    "/search/?q=Microsoft+investment",
    "/feed/",
    "/sitemap.xml",
    "/factchecks.json",
]


def _rows() -> dict:
    """Every model's row count (content types and permissions aside)."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.label not in ("contenttypes.ContentType", "auth.Permission")
    }


def _to_the_millisecond(rows) -> list[dict]:
    """Rows with their times to the millisecond: what JSON dumps keep."""
    return [
        {
            key: value.replace(microsecond=value.microsecond // 1000 * 1000)
            if isinstance(value, datetime)
            else value
            for key, value in row.items()
        }
        for row in rows
    ]


def _versions() -> list[dict]:
    """Every version, its content type by natural key (ids differ on reload)."""
    rows = Version.objects.order_by("pk").values(
        "id",
        "revision_id",
        "object_id",
        "content_type__app_label",
        "content_type__model",
        "db",
        "format",
        "serialized_data",
        "object_repr",
    )
    return _to_the_millisecond(rows)


def _quiet():
    return {"stdout": StringIO(), "stderr": StringIO()}


def _pages() -> dict:
    cache.clear()
    client = Client()
    pages = {}
    for url in PUBLIC_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content
    return pages


def _newsroom_at_work():
    """The demo, plus what a working newsroom has: edits, a correction."""
    call_command("load_demo", **_quiet())
    users = apps.get_model("auth", "User").objects
    article = Article.objects.get(slug=SLUG)
    reporter = users.get(username=REPORTER.username)
    publisher = users.get(username=PUBLISHER.username)
    with reversion.create_revision():
        article.dek += " (Working copy, not yet published.)"
        article.save()
        reversion.set_user(reporter)
        reversion.set_comment("Edited the standfirst")
    workflow.add_correction(
        article, user=publisher, kind="clarification", text="We clarified a date."
    )
    workflow.publish(article, user=publisher, note="Clarified a date.")
    return article, publisher


def test_dumpdata_and_loaddata_round_trip_with_nothing_lost(tmp_path):
    article, publisher = _newsroom_at_work()
    rows, pages = _rows(), _pages()
    versions = _versions()
    revisions = _to_the_millisecond(Revision.objects.order_by("pk").values())
    assert rows["reversion.Version"] > 20 and rows["articles.PublishedVersion"] == 2

    backup = tmp_path / "backup.json"
    call_command(
        "dumpdata",
        "--natural-foreign",
        "--exclude=contenttypes",
        "--exclude=auth.permission",
        output=str(backup),
        **_quiet(),
    )
    call_command("flush", "--no-input", **_quiet())
    if connection.vendor == "sqlite":
        # The search index is not a model: a fresh database starts without it.
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM articles_search")
    assert not Article.objects.exists() and not Version.objects.exists()

    call_command("loaddata", str(backup), **_quiet())

    assert _rows() == rows
    assert _versions() == versions
    assert _to_the_millisecond(Revision.objects.order_by("pk").values()) == revisions
    assert PublicState.objects.get(pk=1)
    restored = _pages()
    for url, content in pages.items():
        assert restored[url] == content, url

    # The restored newsroom works on: revisions restore, publishing numbers on.
    article = Article.objects.get(slug=SLUG)
    before_edit = (
        Version.objects.get_for_object(article)
        .get(revision__comment__startswith="Published version 1")
        .revision
    )
    restoring.restore_revision(article, before_edit, user=publisher)
    article.refresh_from_db()
    assert "Working copy" not in article.dek
    version = workflow.publish(article, user=publisher, note="After the restore.")
    assert version.number == 3
    assert PublishedVersion.objects.filter(article=article).count() == 3
    assert Entity.objects.exists() and Source.objects.exists()
