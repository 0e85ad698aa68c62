"""
Fixtures of the browser tests: Debian's Chromium, launched once for all of
them, and a live server that serves static files the way production does.
"""

import os

import pytest
import reversion
from django.contrib.auth import get_user_model
from pytest_django.live_server_helper import LiveServer

from tests.live_gate import Gate, in_memory_database

from .support import CHROMIUM, DESKTOP, LAUNCH_ARGS, PASSWORD

TIMEOUT_MS = 60_000


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="package")
def browser():
    """Chromium through Playwright, for every browser test of the package."""
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM}"
        if _in_ci():
            pytest.fail(
                f"{message}: CI must run the browser tests. .ci/run installs it "
                "with apt-get install -y chromium.",
                pytrace=False,
            )
        pytest.skip(f"{message}; install it with: apt-get install -y chromium")
    from playwright.sync_api import expect, sync_playwright

    # Generous waits: CI machines are busy; a passing test does not wait.
    expect.set_options(timeout=TIMEOUT_MS)
    with pytest.MonkeyPatch.context() as patch:
        # Playwright's synchronous API keeps an event loop in the test's
        # thread, and Django then refuses the tests' own (synchronous) ORM
        # calls. They are safe: nothing else runs in this thread.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS
            )
            yield chromium
            chromium.close()
    expect.set_options(timeout=5_000)  # Playwright's default, for other suites


@pytest.fixture(scope="package")
def live_server(django_db_setup, django_db_blocker):
    """
    pytest-django's live server on 127.0.0.1, with static files served by
    whitenoise from the collected, hashed files (tests/conftest.py collects
    them), as in production. pytest-django's own server would look the hashed
    names up in the source folders, and answer 404.
    """
    with django_db_blocker.unblock():
        server = LiveServer("127.0.0.1", start=False)
    server.gate = Gate(serial=in_memory_database())
    server.thread.static_handler = server.gate.wrap
    server.start()
    yield server
    server.stop()


@pytest.fixture
def new_page(browser, live_server):
    """
    Make a page in a browser context of its own (its own cookies: one person),
    at a desktop size unless told. Fails the test on any JavaScript error.
    """
    contexts, errors = [], []
    live_server.gate.reopen()

    def make(viewport=DESKTOP, **options):
        context = browser.new_context(
            base_url=live_server.url, viewport=viewport, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))
        return page

    yield make
    for context in contexts:
        context.close()
    # A request the pages left in flight (an autosave, a preview) ends before
    # the test's database is flushed under it, and none starts after.
    live_server.gate.shut()
    assert not errors, "JavaScript errors:\n" + "\n".join(errors)


@pytest.fixture
def demo_newsroom(transactional_db):
    """
    The demo newsroom of ``manage.py load_demo`` (what ``make run`` serves),
    its article then updated and published again, so that its history has
    two versions. The demo users' password is ``PASSWORD``.
    """
    from articles import demo, editing, workflow
    from articles.models import Article

    report = demo.load_demo(passwords={user.username: PASSWORD for user in demo.USERS})
    publisher = get_user_model().objects.get(username=demo.PUBLISHER.username)
    article = Article.objects.get(pk=report.article.pk)
    old_body = article.body
    with reversion.create_revision():
        article.body = f"{article.body.rstrip()}\n\n{UPDATE}"
        article.save()
        reversion.set_user(publisher)
        reversion.set_comment("Added the launch of the new Bing")
    editing.process_edit(article, old_body=old_body)
    workflow.add_correction(article, user=publisher, kind="update", text=UPDATE_NOTE)
    workflow.publish(article, user=publisher, note="Added the launch of the new Bing.")
    article.refresh_from_db()
    return article


UPDATE = (
    "Update, February 7, 2023: Microsoft has since unveiled a new Bing built on "
    "an OpenAI model, in a limited preview."
)
UPDATE_NOTE = "This article was updated with the launch of the new Bing."
