"""
Nothing lost when people work at the same time (DESIGN §9).

On PostgreSQL, two real clients (threads, each with its own database
connection) save the same article through the admin's change form at the
same moment, and two publish it at the same moment: one save wins and the
other gets the conflict message, no revision is lost, and version numbers
follow each other with no duplicate and no gap. An entity renamed while a
publish (or ``render_pages``) stores a page that lists it leaves its new
name in that page, not the old one.

On both databases, a reader and an editor in processes of their own (as
gunicorn workers are) work at the same time and never see an error such as
"database is locked". On SQLite that needs a database file: the test
database is in memory, shared by this process's threads only, so the test
builds its own file with ``migrate`` and ``load_demo``, configured as in
production (WAL, immediate transactions, a busy timeout).
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from reversion.models import Version

from articles import pages, workflow
from articles.models import Article, Mention, PublishedVersion, Rating
from entities.models import Entity
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    fact_checker,
    publisher,
    reporter,
)
from tests.test_admin import form_data

ROOT = Path(settings.BASE_DIR)


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (this run uses {connection.vendor}): set "
            "DATABASE_URL=postgres://..."
        )


def _at_once(*calls):
    """Run each call in a thread of its own, all released together."""
    start = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        try:
            start.wait(timeout=30)
            results[index] = call()
        except BaseException as error:  # noqa: BLE001 - handed to the test
            results[index] = error
        finally:
            connections.close_all()  # this thread's own connections

    threads = [
        threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results


@pytest.fixture
def newsroom(roles):
    article = ArticleFactory(title="Acme results")
    claim = ClaimFactory(
        article=article, claimant=EntityFactory(name="Acme Corp"), tagged_by=reporter()
    )
    CitationFactory(claim=claim)
    workflow.rate_claim(claim, user=fact_checker(), rating=Rating.ACCURATE)
    return article


@pytest.mark.django_db(transaction=True)
def test_two_editors_saving_at_once_get_one_conflict_and_lose_nothing(newsroom):
    _needs_postgresql()
    article = newsroom
    url = reverse("admin:articles_article_change", args=[article.pk])
    editors = []
    for name in ("rita", "ron"):
        client = Client()
        client.force_login(reporter(username=name, first_name=name.title()))
        data = form_data(client.get(url))
        data["body"] = article.body + f"\n\nA new paragraph by {name.title()}."
        editors.append((client, data))
    revisions = Version.objects.get_for_object(article).count()

    responses = _at_once(*(lambda c=c, d=d: c.post(url, d) for c, d in editors))

    codes = sorted(r.status_code for r in responses)
    assert codes == [200, 302], codes
    saved, refused = sorted(responses, key=lambda r: r.status_code, reverse=True)
    page = refused.content.decode()
    assert "after you opened it" in page and "NOT saved yet" in page
    article.refresh_from_db()
    assert article.lock_version == 1
    winner = "Rita" if "paragraph by Rita" in article.body else "Ron"
    loser = "Ron" if winner == "Rita" else "Rita"
    assert f"paragraph by {loser}" not in article.body
    # The loser keeps their text in the form, and is told who saved.
    assert f"A new paragraph by {loser}." in page
    assert f"{winner} saved this article" in page
    versions = Version.objects.get_for_object(article)
    assert versions.count() == revisions + 1
    assert f"paragraph by {winner}" in versions.first().field_dict["body"]


@pytest.mark.django_db(transaction=True)
def test_two_publishers_at_once_make_consecutive_versions(newsroom):
    _needs_postgresql()
    article = newsroom
    url = reverse("admin:articles_article_publish", args=[article.pk])
    paula, pete = publisher(username="paula"), publisher(username="pete")
    client = Client()
    client.force_login(paula)

    def through_the_admin(note):
        return lambda: client.post(url, {"note": note}).status_code

    def from_a_command(note):
        return lambda: workflow.publish(article, user=pete, note=note).number

    for round_ in range(4):
        first, second = _at_once(
            through_the_admin(f"admin {round_}"), from_a_command(f"cron {round_}")
        )
        assert first == 302
        assert second in (2 * round_ + 1, 2 * round_ + 2)

    numbers = list(
        PublishedVersion.objects.filter(article=article)
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert numbers == list(range(1, 9))
    article.refresh_from_db()
    assert article.live_version.number == 8
    comments = Version.objects.get_for_object(article).values_list(
        "revision__comment", flat=True
    )
    published = sorted(
        int(c.split()[2].rstrip(":")) for c in comments if c.startswith("Published")
    )
    assert published == list(range(1, 9))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("storing", ["publish", "render_pages"])
def test_an_entity_renamed_while_its_page_is_stored_keeps_its_new_name(
    newsroom, storing
):
    # The page stored at publish (or again by render_pages) lists the
    # entities by name. A rename that commits while the page renders must
    # not leave the old name stored: either the renderer reads the new name,
    # or the rename waits for it and then puts its name in the stored page.
    _needs_postgresql()
    article = newsroom
    # An entity the article names, not its claim's claimant: renaming the
    # claimant makes the rating stale, and the publish would be refused.
    acme = EntityFactory(name="Acme Group")
    Mention.objects.create(article=article, entity=acme, count=1)
    paula = publisher(username="paula")
    workflow.publish(article, user=paula)
    store = pages.store

    def slow_store(*args, **kwargs):
        # The names are read; the rename comes while the page renders.
        time.sleep(0.4)
        return store(*args, **kwargs)

    def rename(name):
        def call():
            time.sleep(0.1)
            entity = Entity.objects.get(pk=acme.pk)
            entity.name = name
            entity.save()

        return call

    def render():
        if storing == "publish":
            workflow.publish(article, user=paula)
        else:
            pages.rerender_live()

    for round_ in range(3):
        name = f"Acme Holdings {round_}"
        # As after a deploy: the stored page is of other code, and
        # render_pages stores it with this code's key.
        PublishedVersion.objects.filter(article=article).update(rendered_with="old")
        with mock.patch.object(pages, "store", slow_store):
            _at_once(rename(name), render)
        live = Article.objects.get(pk=article.pk).live_version
        assert live.rendered_with == pages.render_key()
        assert name in live.entities_html, (round_, live.entities_html)
        begin = live.entities_at
        assert live.page_html[begin : begin + len(live.entities_html)] == (
            live.entities_html
        )


# Readers and an editor, in processes of their own ---------------------------------


def _worker_environment(database_url: str) -> dict:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        SECRET_KEY="concurrency-test-only",
        DEBUG="0",
        ALLOWED_HOSTS="testserver,127.0.0.1",
        NEWSROOM_PAGE_CACHE="0",
        LOG_LEVEL="ERROR",
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        PYTHONPATH=str(ROOT),
        # The static files this test run collected (tests/conftest.py).
        NEWSROOM_TEST_STATIC_ROOT=str(settings.STATIC_ROOT),
    )
    env.pop("REDIS_URL", None)
    return env


def _sqlite_file(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'newsroom.sqlite3'}"
    env = _worker_environment(url)
    for command in (["migrate", "--no-input"], ["load_demo"]):
        subprocess.run(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", *command, "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    return url


def _postgresql_test_database() -> str:
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or 'localhost'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_readers_and_an_editor_at_once_never_see_database_is_locked(tmp_path):
    if connection.vendor == "sqlite":
        database_url = _sqlite_file(tmp_path)
    else:
        database_url = _postgresql_test_database()
    env = _worker_environment(database_url)
    seconds = "8"
    workers = [
        subprocess.Popen(  # noqa: S603 - our own worker
            [sys.executable, "-m", "tests.concurrency_worker", role, seconds],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role in ("reader", "reader", "editor")
    ]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=180)
        assert worker.returncode == 0, err[-2000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    errors = [e for r in results for e in r["errors"]]
    assert not errors, "\n".join(errors[:10])
    readers, editor = results[:2], results[2]
    assert all(r["requests"] >= 20 for r in readers), results
    assert editor["saves"] >= 1 and editor["publishes"] >= 1, results
