"""
The freshness bound (articles/freshness.py): a change committed in one
process is served by every other process within BOUND_SECONDS, whether the
notification arrives, is lost, the listener's connection is killed, or
Redis is down; and in the steady state a cached page costs no query.

The other processes are a real gunicorn (two sync workers, each with its own
listener started after the fork) serving the test database; the test
process publishes and polls the server, recording when each request began
and whether it served the change. Every request begun more than the bound
after the commit must serve it. Needs PostgreSQL (and Redis for the Redis
cases), except the SQLite cases: there the server serves a file copy of the
test database and its listener polls it.
"""

import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction

from articles import editing, freshness, workflow
from articles.models import Rating
from tests.conftest import redis_test_url
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    fact_checker,
    publisher,
)

ROOT = Path(django_settings.BASE_DIR)
BOUND = freshness.BOUND_SECONDS
# Requests are timed from the test process: one may begin a little before
# the server reads it. This much is allowed for that, nothing more.
SLACK = 0.05

pytestmark = pytest.mark.django_db(transaction=True)


def _needs_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL (this run uses {connection.vendor}): set "
            "DATABASE_URL=postgres://..."
        )


@pytest.fixture
def staff(roles):
    return {"checker": fact_checker(), "publisher": publisher()}


@pytest.fixture
def live(staff):
    article = ArticleFactory(title="Acme doubles its profits")
    editing.refresh_mentions(article)
    claim = ClaimFactory(article=article, claimant=EntityFactory(name="Acme Corp"))
    CitationFactory(claim=claim)
    workflow.rate_claim(claim, user=staff["checker"], rating=Rating.ACCURATE)
    workflow.publish(article, user=staff["publisher"])
    article.refresh_from_db()
    return article


@pytest.fixture
def listening(settings):
    """This process's own listener on; stopped afterwards."""
    _needs_postgresql()
    settings.NEWSROOM_GENERATION_LISTENER = True
    freshness.stop_listener()
    yield
    freshness.stop_listener()


def _other():
    """A connection of its own to the test database."""
    import psycopg

    return psycopg.connect(_database_url().replace("postgres://", "postgresql://"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    )


class Server:
    def __init__(self, collected_static, redis_url=None, workers=2, database_url=None):
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.freshness_settings",
            "NEWSROOM_TEST_STATIC_ROOT": str(collected_static),
            "DATABASE_URL": database_url or _database_url(),
            "SECRET_KEY": "test-only-not-secret",
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1",
            "LOG_LEVEL": "ERROR",
            "SITE_URL": django_settings.SITE_URL,
        }
        env.pop("REDIS_URL", None)
        if redis_url:
            env["REDIS_URL"] = redis_url
        self.process = subprocess.Popen(  # noqa: S603 - our own server
            [
                sys.executable,
                "-m",
                "gunicorn",
                "newsroom.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.base}/healthz", timeout=1)  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("the test server did not start") from None
                time.sleep(0.05)

    def get(self, path: str) -> str:
        with urllib.request.urlopen(self.base + path, timeout=5) as response:  # noqa: S310
            return response.read().decode()

    def queries(self, path: str, **headers) -> tuple[int, int]:
        """The response's status and how many queries the server made for it."""
        request = urllib.request.Request(self.base + path, headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                response.read()
        except urllib.error.HTTPError as error:  # a 304 is raised
            response = error
        return response.status, int(response.headers["X-Test-Queries"])

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def server_factory(collected_static):
    _needs_postgresql()
    started = []

    def start(**kwargs):
        server = Server(collected_static, **kwargs)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _listeners() -> list[int]:
    """The backends of the listeners connected to the test database."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE application_name = %s "
            "AND datname = current_database()",
            [freshness.APPLICATION_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def _until(condition, seconds=10.0, message="condition"):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {message}")
        time.sleep(0.02)


def _warm(server, path, listeners=2):
    """Every worker has served the page (and started its listener)."""
    _until(
        lambda: server.get(path) and len(_listeners()) >= listeners,
        message=f"{listeners} listeners",
    )
    for _ in range(20):
        server.get(path)


def _staleness(server, path, new_text, committed) -> float:
    """
    Poll ``path`` from ``committed`` (monotonic) until BOUND + 0.3 s later;
    every request begun after the bound serves ``new_text``. Returns how
    long after the commit the last stale response's request began (0.0 if
    none was stale).
    """
    last_stale = 0.0
    stale_after_bound = []
    end = committed + BOUND + 0.3
    seen_fresh = False
    while True:
        started = time.monotonic()
        fresh = new_text in server.get(path)
        seen_fresh |= fresh
        if not fresh:
            last_stale = max(last_stale, started - committed)
            if started - committed > BOUND + SLACK:
                stale_after_bound.append(round(started - committed, 3))
        if started > end:
            break
    assert seen_fresh
    assert not stale_after_bound, (
        f"stale {stale_after_bound} s after the commit (bound {BOUND} s)"
    )
    return last_stale


def _republish(article, publisher, title):
    article.refresh_from_db()
    article.title = title
    article.save()
    workflow.publish(article, user=publisher)
    return time.monotonic()


def test_a_publish_is_served_by_every_other_process_within_milliseconds(
    server_factory, live, staff, settings
):
    server = server_factory()
    path = live.get_absolute_url()
    _warm(server, path)
    # In the steady state another process serves the page without a query.
    assert _polled(server, path)
    committed = _republish(live, staff["publisher"], "Acme triples its profits")
    stale = _staleness(server, path, "Acme triples its profits", committed)
    # The notification, not the poll: well under the poll's interval.
    assert stale < freshness.POLL_SECONDS / 2, stale


def test_a_change_without_notification_is_served_within_the_bound(
    server_factory, live, settings
):
    server = server_factory()
    path = live.get_absolute_url()
    _warm(server, path)
    # A change made by another tool, with no NOTIFY: only the poll finds it.
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE articles_publishedversion SET page_html = "
            "replace(page_html, %s, %s) WHERE id = %s",
            [live.title, "Acme quadruples its profits", live.live_version_id],
        )
        cursor.execute(
            "UPDATE articles_publicstate SET generation = generation + 1 WHERE id = 1"
        )
    committed = time.monotonic()
    _staleness(server, path, "Acme quadruples its profits", committed)


def test_the_bound_holds_when_the_listening_connection_is_killed(
    server_factory, live, staff, settings
):
    server = server_factory()
    path = live.get_absolute_url()
    _warm(server, path)
    before = _listeners()
    with connection.cursor() as cursor:
        for pid in before:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    committed = _republish(live, staff["publisher"], "Acme triples its profits")
    _staleness(server, path, "Acme triples its profits", committed)
    # The listeners come back on connections of their own, and a publish is
    # served within milliseconds again.
    _until(
        lambda: len(set(_listeners()) - set(before)) >= 2,
        message="the listeners reconnect",
    )
    for _ in range(20):
        server.get(path)
    committed = _republish(live, staff["publisher"], "Acme quintuples its profits")
    stale = _staleness(server, path, "Acme quintuples its profits", committed)
    assert stale < freshness.POLL_SECONDS / 2, stale


def _warm_redis(server, path):
    # Redis listeners read with ordinary connections: wait for the pages.
    for _ in range(50):
        server.get(path)
    time.sleep(BOUND)


def test_with_redis_a_publish_is_served_by_other_processes_within_the_bound(
    server_factory, live, staff, settings
):
    settings.REDIS_URL = redis_test_url()
    server = server_factory(redis_url=settings.REDIS_URL)
    path = live.get_absolute_url()
    _warm_redis(server, path)
    committed = _republish(live, staff["publisher"], "Acme triples its profits")
    stale = _staleness(server, path, "Acme triples its profits", committed)
    assert stale < freshness.POLL_SECONDS / 2, stale


def test_with_redis_unreachable_the_bound_holds(
    server_factory, live, staff, settings, caplog
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    server = server_factory(redis_url=settings.REDIS_URL)
    path = live.get_absolute_url()
    _warm_redis(server, path)
    committed = _republish(live, staff["publisher"], "Acme triples its profits")
    _staleness(server, path, "Acme triples its profits", committed)
    assert any("publish the generation" in r.getMessage() for r in caplog.records)


# In this process: queries, and its own publish ------------------------------


def _listener_confirmed():
    """
    The listener has read the generation, and its last read is recent enough
    that a request made now uses it. What these tests measure is what a
    request costs while the listener keeps up; a machine too busy to run the
    listener's thread for a while sends requests to the database, as it
    should, and must not fail them.
    """
    _until(
        lambda: (
            freshness.listener_alive()
            and freshness._known is not None
            and time.monotonic() - freshness._known.confirmed < BOUND / 3
        ),
        message="a recent read by the listener",
    )


def test_a_cached_article_page_makes_no_query_in_the_steady_state(
    client, live, listening, django_assert_num_queries
):
    path = live.get_absolute_url()
    first = client.get(path)
    _listener_confirmed()
    for _ in range(3):
        with django_assert_num_queries(0):
            again = client.get(path)
        assert again.content == first.content
        # Longer than the bound: the listener, not a request, keeps it known.
        time.sleep(BOUND * 1.5)
        _listener_confirmed()
    with django_assert_num_queries(0):
        not_modified = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
    assert not_modified.status_code == 304


def test_the_uncached_article_page_makes_one_query(
    client, live, listening, settings, django_assert_num_queries
):
    settings.NEWSROOM_PAGE_CACHE = False
    path = live.get_absolute_url()
    connection.close()  # a connection made now, with its prepared statement
    first = client.get(path)
    _listener_confirmed()
    with django_assert_num_queries(1) as queries:
        again = client.get(path)
    assert again.content == first.content
    assert queries.captured_queries[0]["sql"].startswith("EXECUTE ")
    # The one query is the connection's health check too: no "SELECT 1".
    assert connection.health_check_done
    _listener_confirmed()
    # A connection the server dropped is replaced, and prepares it again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    connection.close_if_unusable_or_obsolete()  # what the end of a request does
    with _other() as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    # The failed read, then the same read on a new connection; no SELECT 1.
    with django_assert_num_queries(2) as queries:
        again = client.get(path)
    assert again.content == first.content
    assert all(q["sql"].startswith("EXECUTE ") for q in queries.captured_queries)
    _listener_confirmed()
    with django_assert_num_queries(1):
        client.get(path)


def test_a_lost_listening_connection_is_forgotten_at_once_and_comes_back(
    client, live, listening
):
    """
    Not only the bound: the moment the listener sees its connection lost, the
    process forgets the value (requests read the database), and once it is
    back, a later loss is retried after the shortest pause again.
    """
    client.get(live.get_absolute_url())
    _until(_listeners, message="the listener connects")
    _listener_confirmed()
    [pid] = _listeners()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    forgotten = False
    deadline = time.monotonic() + 5
    while not forgotten and time.monotonic() < deadline:
        forgotten = freshness._known is None
        time.sleep(0.002)
    assert forgotten, "the value read before the loss was still trusted"
    _until(lambda: set(_listeners()) - {pid}, message="the listener reconnects")
    _listener_confirmed()
    assert freshness._listener._backoff == freshness.POLL_SECONDS


def test_the_publishing_process_serves_its_change_on_its_next_request(
    client, live, staff, listening
):
    path = live.get_absolute_url()
    client.get(path)
    _listener_confirmed()
    _republish(live, staff["publisher"], "Acme triples its profits")
    assert "Acme triples its profits" in client.get(path).text


def test_without_a_listener_each_request_reads_the_generation(
    client, live, settings, django_assert_num_queries
):
    settings.NEWSROOM_GENERATION_LISTENER = False
    path = live.get_absolute_url()
    client.get(path)
    with django_assert_num_queries(1):
        client.get(path)
    assert not freshness.listener_alive()


@pytest.mark.django_db
def test_a_stored_article_page_is_read_before_sessions_and_users(
    client, live, settings
):
    settings.NEWSROOM_PAGE_CACHE = False
    path = live.get_absolute_url()
    direct = client.get(path)
    assert direct.status_code == 200
    # Answered by the page cache's middleware: no session, no user.
    assert not hasattr(direct.wsgi_request, "session")
    assert not hasattr(direct.wsgi_request, "user")
    settings.NEWSROOM_PAGE_CACHE = True
    client.get(path)
    cached = client.get(path)
    assert cached.content == direct.content
    assert sorted(cached.headers) == sorted(direct.headers)
    assert direct["Cache-Control"].startswith("public")
    assert direct["Content-Security-Policy"] and direct["ETag"] == cached["ETag"]
    # A logged-in reader still goes through the whole stack.
    client.force_login(publisher(username="pat"))
    private = client.get(path)
    assert private["Cache-Control"] == "private, no-store"
    assert private.wsgi_request.user.username == "pat"


def test_a_forked_child_starts_its_own_listener(listening, live, client):
    """As a gunicorn worker does: nothing of the parent's listener survives."""
    client.get(live.get_absolute_url())
    _listener_confirmed()
    read, write = os.pipe()
    with freshness._lock:  # held at the fork, as the parent's thread may
        pid = os.fork()
    if pid == 0:  # the child: report, and leave without running pytest's exit
        ok = not freshness.listener_alive() and freshness._known is None
        ok = ok and freshness._lock.acquire(timeout=2)
        os.write(write, b"1" if ok else b"0")
        os._exit(0)
    os.close(write)
    assert os.read(read, 1) == b"1"
    os.waitpid(pid, 0)
    assert freshness.listener_alive()


# SQLite: the listener polls a file database ---------------------------------


@pytest.fixture
def sqlite_server(collected_static, tmp_path):
    """
    Start a server on a file copy of the (in-memory) SQLite test database;
    returns the server and a connection of the test's own to the copy.
    """
    if connection.vendor != "sqlite":
        pytest.skip(f"the SQLite cases (this run uses {connection.vendor})")
    started = []

    def start():
        path = tmp_path / "served.sqlite3"
        connection.ensure_connection()
        copy = sqlite3.connect(path)
        connection.connection.backup(copy)
        copy.execute("PRAGMA journal_mode=WAL")
        server = Server(collected_static, database_url=f"sqlite:///{path}")
        started.append((server, copy))
        return server, copy

    yield start
    for server, copy in started:
        server.stop()
        copy.close()


def _polled(server, path, requests=20):
    """Whether ``requests`` requests in a row made no query."""
    return all(server.queries(path) == (200, 0) for _ in range(requests))


def _queries_over(server, path, seconds, **headers):
    """Request ``path`` every 50 ms for ``seconds``: each (status, queries)."""
    seen = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        seen.append(server.queries(path, **headers))
        time.sleep(0.05)
    return seen


def test_on_sqlite_a_cached_page_makes_no_query_in_the_steady_state(
    sqlite_server, live
):
    server, _copy = sqlite_server()
    path = live.get_absolute_url()
    # Each worker's first requests read the generation, until its listener's
    # first poll.
    _until(lambda: _polled(server, path), message="no query per request")
    # Longer than the bound: the polls, not the requests, keep it known. A
    # request that finds the last poll older than the bound (its thread
    # starved on a busy machine) reads the database, as it must; without
    # the polls every request would.
    seen = _queries_over(server, path, BOUND * 6)
    assert {status for status, _ in seen} == {200}
    assert sum(1 for _, count in seen if count == 0) >= 0.75 * len(seen), seen
    with urllib.request.urlopen(server.base + path, timeout=5) as response:  # noqa: S310
        etag = response.headers["ETag"]
    seen = _queries_over(server, path, BOUND * 2, **{"If-None-Match": etag})
    assert {status for status, _ in seen} == {304}
    assert sum(1 for _, count in seen if count == 0) >= 0.75 * len(seen), seen


def test_on_sqlite_a_change_in_another_process_is_served_within_the_bound(
    sqlite_server, live
):
    server, copy = sqlite_server()
    path = live.get_absolute_url()
    _until(lambda: _polled(server, path), message="no query per request")
    # Another process's commit (no notification on SQLite): the poll finds it.
    with copy:
        copy.execute(
            "UPDATE articles_publishedversion SET page_html = "
            "replace(page_html, ?, ?) WHERE id = ?",
            [live.title, "Acme quadruples its profits", live.live_version_id],
        )
        copy.execute(
            "UPDATE articles_publicstate SET generation = generation + 1 WHERE id = 1"
        )
    committed = time.monotonic()
    _staleness(server, path, "Acme quadruples its profits", committed)


def test_a_stored_page_is_compressed_with_lz4_on_postgresql(live):
    """LZ4 halves the server's CPU time to read a stored page (bench/README.md)."""
    _needs_postgresql()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_column_compression(page_html), octet_length(page_html) "
            "FROM articles_publishedversion WHERE id = %s",
            [live.live_version_id],
        )
        method, size = cursor.fetchone()
    assert size > 2048  # large enough for PostgreSQL to compress
    assert method == "lz4"
