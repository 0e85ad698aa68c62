import os

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from articles.roles import setup_roles
from tests.factories import fact_checker, publisher, reporter


@pytest.fixture(scope="session", autouse=True)
def collected_static(tmp_path_factory):
    """Collect static files once, as production does (hashed, compressed)."""
    django_settings.STATIC_ROOT = tmp_path_factory.mktemp("staticfiles")
    call_command("collectstatic", interactive=False, verbosity=0)
    return django_settings.STATIC_ROOT


@pytest.fixture(scope="session", autouse=True)
def media_root(tmp_path_factory):
    """Uploaded files go to a folder of this test run, never to var/media."""
    django_settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")
    return django_settings.MEDIA_ROOT


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The default hasher is slow by design; tests need no protection.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The factories' sources have made-up addresses: no capture is fetched
    # unless a test asks (the local_web fixture does).
    settings.NEWSROOM_SOURCE_CAPTURE_ON_SAVE = False


@pytest.fixture(autouse=True)
def no_generation_listener(settings):
    """
    Pages read the public generation on each request, as they do on SQLite:
    a listener thread would hold a connection to the test database. The
    tests of the listener (tests/test_freshness.py) turn it on.
    """
    settings.NEWSROOM_GENERATION_LISTENER = False


@pytest.fixture
def roles(db):
    """The Reporters, Fact-checkers and Publishers groups."""
    return setup_roles()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches, as its database starts empty."""
    from django.core.cache import caches

    for cache in caches.all(initialized_only=True):
        cache.clear()
    yield
    for cache in caches.all(initialized_only=True):
        cache.clear()


@pytest.fixture
def people(roles):
    """One user in each role: the newsroom most tests act in."""
    return {
        "reporter": reporter(username="rita", first_name="Rita", last_name="Reyes"),
        "checker": fact_checker(username="frank"),
        "checker2": fact_checker(username="fiona"),
        "publisher": publisher(username="paula"),
    }


def redis_test_url() -> str:
    """
    A Redis database of this test process's own (15, 14, ... for the parallel
    workers): clearing a cache flushes its whole database, so two workers must
    not share one.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return f"redis://127.0.0.1:6379/{15 - int(worker.removeprefix('gw')) % 8}"


@pytest.fixture
def run_tasks(db):
    """
    Run the background worker until no task is due, in this process (the
    worker of production, ``manage.py db_worker``, in batch mode); returns
    the tasks it ran. Tasks are enqueued when their transaction commits: the
    test enqueues them inside ``django_capture_on_commit_callbacks(execute=
    True)``, and the tasks a task enqueues (a retry) are run too.
    """
    from django.db.models import Q
    from django.test import TestCase
    from django_tasks_db.models import DBTaskResult

    def run() -> list:
        ran = []
        known = set(DBTaskResult.objects.values_list("pk", flat=True))
        while waiting := list(
            DBTaskResult.objects.ready().values_list("pk", flat=True)
        ):
            with TestCase.captureOnCommitCallbacks(execute=True):
                call_command(
                    "db_worker",
                    "--batch",
                    "--queue-name",
                    "*",
                    "--no-startup-delay",
                    "--no-reload",
                    verbosity=0,
                )
            # What was waiting, and what the run itself enqueued (a retry).
            done = DBTaskResult.objects.filter(
                Q(pk__in=waiting) | ~Q(pk__in=known)
            ).exclude(status="READY")
            ran += list(done.order_by("enqueued_at"))
            known |= {r.pk for r in ran}
        return ran

    return run


@pytest.fixture
def media(settings, tmp_path):
    """Uploaded files and captures go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def local_web(settings, media, httpserver):
    """
    The local web server (pytest-httpserver on 127.0.0.1) stands for the
    public web: the fetcher may go to 127.0.0.1 and nowhere else local.
    Returns a function making an address on it.
    """
    settings.NEWSROOM_SOURCE_CAPTURE_ON_SAVE = True
    settings.NEWSROOM_FETCH_ALLOW_HOSTS = ["127.0.0.1"]
    settings.NEWSROOM_FETCH_OBEY_ROBOTS = False
    settings.NEWSROOM_FETCH_TIMEOUT = 5
    settings.NEWSROOM_FETCH_RETRY_SECONDS = 0
    return lambda path: f"http://127.0.0.1:{httpserver.port}{path}"
