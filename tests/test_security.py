"""Logins, headers, faults and dependency versions (DESIGN §9 "Safe")."""

import copy
import functools
import json
import os
import re
import subprocess
import sys
import time
from datetime import timedelta
from importlib.metadata import version
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections
from django.db.utils import ConnectionHandler
from django.test import Client
from packaging.version import Version

from articles import workflow
from tests.factories import ArticleFactory, UserFactory, publisher, without_claims

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


def test_five_failed_logins_lock_the_account_out(client):
    UserFactory(username="editor")
    for _ in range(5):
        response = client.post(
            "/admin/login/", {"username": "editor", "password": "wrong"}
        )
        assert response.status_code in (200, 429)
    locked = client.post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    assert "Login locked" in locked.content.decode()


def _login(username, password=PASSWORD, *, address="127.0.0.1", forwarded=None):
    """A login from ``address`` (through a proxy that forwarded ``forwarded``)."""
    extra = {"REMOTE_ADDR": address}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client(**extra).post(
        "/admin/login/", {"username": username, "password": password}
    )


def _fail(username, times=5, **where):
    for _ in range(times):
        assert _login(username, "wrong", **where).status_code in (200, 429)


def test_lockout_is_per_username_and_address_not_per_username(db):
    UserFactory(username="editor")
    _fail("editor", address="198.51.100.9")  # someone else, aiming at her
    assert _login("editor", address="198.51.100.9").status_code == 429
    # The editor, from her own address, is not locked out.
    assert _login("editor", address="203.0.113.5").status_code == 302


def test_lockout_of_one_username_leaves_the_address_to_others(db):
    UserFactory(username="editor")
    UserFactory(username="publisher")
    _fail("editor", address="203.0.113.5")
    locked = _login("editor", address="203.0.113.5")
    assert locked.status_code == 429
    assert "too many failed logins for this account from your address" in (
        locked.content.decode()
    )
    assert _login("publisher", address="203.0.113.5").status_code == 302


def _age_failures(hours):
    """Move every recorded failure ``hours`` into the past (time passing)."""
    from axes.models import AccessAttempt, AccessFailureLog

    for model in (AccessAttempt, AccessFailureLog):
        for row in model.objects.all():
            model.objects.filter(pk=row.pk).update(
                attempt_time=row.attempt_time - timedelta(hours=hours)
            )


def test_a_pair_lock_lasts_an_hour(db):
    UserFactory(username="editor")
    _fail("editor")
    assert _login("editor").status_code == 429
    _age_failures(0.9)
    assert _login("editor").status_code == 429
    _age_failures(1.2)
    assert _login("editor").status_code == 302


def test_an_address_trying_many_usernames_is_locked_longer_for_all(db, settings):
    UserFactory(username="editor")
    tries = settings.NEWSROOM_LOCKOUT_ADDRESS_USERNAMES
    for n in range(tries - 1):  # a few typos by different people: no lock
        _fail(f"guess{n}", times=1, address="192.0.2.7")
    assert _login("editor", address="192.0.2.7").status_code == 302
    _fail("guess-last", times=1, address="192.0.2.7")
    locked = _login("editor", address="192.0.2.7")
    assert locked.status_code == 429
    assert "locked out for every account for 24 hours" in locked.content.decode()
    # Only that address: the editor elsewhere logs in.
    assert _login("editor", address="192.0.2.8").status_code == 302
    # Longer than a pair's lock: still locked two hours later, not after a day.
    _age_failures(2)
    assert _login("editor", address="192.0.2.7").status_code == 429
    _age_failures(25)
    assert _login("editor", address="192.0.2.7").status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_client_address_is_locked(db, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    UserFactory(username="editor")
    # Through two proxies of ours: the client is the right-most other address.
    _fail("editor", forwarded="203.0.113.5, 10.1.2.3")
    assert _login("editor", forwarded="203.0.113.5").status_code == 429
    # Another reader behind the same proxy is another address.
    assert _login("editor", forwarded="198.51.100.7").status_code == 302
    # What a client writes on the left of the header is never read.
    assert _login("editor", forwarded="198.51.100.7, 203.0.113.5").status_code == 429
    assert _login("editor", forwarded="203.0.113.5, 198.51.100.7").status_code == 302


def test_without_a_trusted_proxy_the_forwarded_header_is_ignored(db, settings):
    settings.TRUSTED_PROXIES = []
    UserFactory(username="editor")
    # An attacker names the editor's address in the header: it is not read.
    _fail("editor", address="198.51.100.9", forwarded="203.0.113.5")
    assert _login("editor", address="203.0.113.5").status_code == 302
    assert _login("editor", address="198.51.100.9").status_code == 429
    # Nor from a peer that is not a trusted proxy when there are some.
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    _fail("editor", address="198.51.100.10", forwarded="203.0.113.5")
    assert _login("editor", address="203.0.113.5").status_code == 302


def test_client_address_reads_ports_brackets_and_refuses_garbage(rf, settings):
    from newsroom.lockout import client_address

    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    for forwarded, expected in [
        ("203.0.113.5:4711", "203.0.113.5"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:db8::2", "2001:db8::2"),
        ("not-an-address", "127.0.0.1"),
        ("", "127.0.0.1"),
        ("127.0.0.1", "127.0.0.1"),
    ]:
        request = rf.get("/", HTTP_X_FORWARDED_FOR=forwarded)
        assert client_address(request) == expected, forwarded


def test_a_trusted_proxy_that_is_not_an_address_is_refused_at_start():
    refused = _manage(
        "manage.py", "check", **_PRODUCTION, TRUSTED_PROXIES="10.0.0.5,proxy"
    )
    assert refused.returncode != 0
    assert "TRUSTED_PROXIES: 'proxy' is not an IP address or network" in (
        refused.stderr
    )


@pytest.mark.parametrize(
    "command",
    [
        ("axes_reset_username", "editor"),
        ("axes_reset_ip", "127.0.0.1"),
        ("axes_reset",),
    ],
)
def test_the_documented_commands_unlock_a_locked_account(client, command):
    """README: axes_reset_username NAME, axes_reset_ip IP or axes_reset."""
    UserFactory(username="editor")
    for _ in range(5):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    login = {"username": "editor", "password": PASSWORD}
    assert client.post("/admin/login/", login).status_code == 429
    call_command(*command, stdout=StringIO())
    response = client.post("/admin/login/", login)
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


@pytest.mark.parametrize("command", [("axes_reset_ip", "127.0.0.1"), ("axes_reset",)])
def test_the_documented_commands_unlock_an_address_lock(db, settings, command):
    UserFactory(username="editor")
    for n in range(settings.NEWSROOM_LOCKOUT_ADDRESS_USERNAMES):
        _fail(f"guess{n}", times=1)
    assert _login("editor").status_code == 429
    call_command(*command, stdout=StringIO())
    assert _login("editor").status_code == 302


def test_login_works_and_changes_the_session_key(client):
    UserFactory(username="editor")
    client.get("/admin/login/")
    client.session.save()
    before = client.session.session_key
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.session["_auth_user_id"]


def _policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as {directive: [sources]}."""
    policy = {}
    for directive in response["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        policy[name] = sources
    return policy


def _check_headers(response) -> dict[str, list[str]]:
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    scripts = policy.get("script-src", policy["default-src"])
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert not any(s in ("*", "data:", "http:", "https:") for s in scripts)
    return policy


@pytest.fixture
def live(roles):
    article = without_claims(ArticleFactory(title="Acme results", slug="acme-results"))
    workflow.publish(article, user=publisher())
    return article


PUBLIC_PATHS = [
    "/",
    "/articles/acme-results/",
    "/articles/acme-results/history/",
    "/articles/no-such-story/",
    "/search/?q=acme",
    "/feed/",
    "/factchecks.json",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
]


@pytest.mark.parametrize("path", PUBLIC_PATHS)
def test_every_public_response_has_the_policy_and_no_inline_script(client, live, path):
    for attempt in ("rendered", "from the cache"):
        response = client.get(path)
        policy = _check_headers(response)
        # Public pages are cached and shared: no nonce, so no inline script.
        assert not any(s.startswith("'nonce-") for s in policy["script-src"]), attempt
        if response["Content-Type"].startswith("text/html"):
            html = response.content.decode()
            for tag in re.findall(r"<script\b[^>]*>", html):
                assert "src=" in tag or "application/ld+json" in tag, tag
            assert not re.search(r"\son[a-z]+\s*=", html), attempt


def test_admin_pages_carry_a_fresh_nonce_on_their_own_tags(client):
    nonces = []
    for _ in range(2):
        response = client.get("/admin/login/")
        policy = _check_headers(response)
        [nonce] = [s for s in policy["script-src"] if s.startswith("'nonce-")]
        nonce = nonce.removeprefix("'nonce-").removesuffix("'")
        assert f'nonce="{nonce}"' in response.content.decode()
        assert "no-store" in response["Cache-Control"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def _broken_database(alias="default"):
    """The same database settings pointed where no database answers."""
    settings = copy.deepcopy(connections[alias].settings_dict)
    if settings["ENGINE"].endswith("sqlite3"):
        settings["NAME"] = "/nonexistent-directory/newsroom.sqlite3"
        settings["TEST"] = {"NAME": settings["NAME"]}
    else:
        settings["HOST"], settings["PORT"] = "127.0.0.1", "1"
    return ConnectionHandler({alias: settings})[alias]


def test_database_outage_answers_503_and_recovers(client):
    article = ArticleFactory()
    working = connections["default"]
    connections["default"] = _broken_database()
    try:
        for url in ("/", article.get_absolute_url(), "/search/?q=x", "/healthz"):
            started = time.monotonic()
            response = client.get(url)
            # At once, not after a time-out: the connection is refused.
            assert time.monotonic() - started < 3, url
            assert response.status_code == 503, url
            _check_headers(response)
            assert "no-store" in response["Cache-Control"]
            if url != "/healthz":
                assert "back in a moment" in response.content.decode()
                assert response["Retry-After"] == "30"
    finally:
        connections["default"].close()
        connections["default"] = working
    healthy = client.get("/healthz")
    assert healthy.status_code == 200
    assert "no-store" in healthy["Cache-Control"]
    assert client.get("/").status_code == 200


# The oldest release of each runtime dependency with no known vulnerability
# (advisories checked by hand: CI reaches no vulnerability database). Raise a
# floor when an advisory names a newer fix; add a row for a new dependency.
KNOWN_SAFE = {
    "django": "6.1.3",
    "django-reversion": "6.0.0",
    "psycopg": "3.2.0",
    "whitenoise": "6.9.0",
    "dj-database-url": "2.3.0",
    "gunicorn": "23.0.0",  # request smuggling fixed in 22.0 and 23.0
    "django-axes": "8.0.0",
    "markdown-it-py": "3.0.0",  # denial of service fixed in 2.2
    "nh3": "0.2.20",
    "diff-match-patch": "20241021",
    "redis": "4.5.4",  # replies leaking between connections fixed in 4.5.4
    "django-tasks-db": "0.13.0",  # the first for Django 6's own Tasks framework
    # Pillow reads files from outside: buffer overflows and code execution
    # fixed up to 10.3.0 (CVE-2023-4863 in libwebp, CVE-2023-50447,
    # CVE-2024-28219).
    "pillow": "10.3.0",
    "django-storages": "1.14.0",
    "boto3": "1.34.0",
    "httpx": "0.23.0",  # URL parsing that let a host be spoofed fixed in 0.23.0
    "warcio": "1.7.0",  # no advisory known; the floor of the API sources/ uses
    # Memory exhaustion by a crafted FlateDecode stream fixed in 6.0.0
    # (CVE-2025-55197); its text is read in a limited process of its own.
    "pypdf": "6.0.0",
}
REQUIREMENTS = Path(__file__).resolve().parent.parent / "requirements.txt"


def _runtime_pins() -> dict[str, str]:
    """The packages requirements.txt pins above its "Tests and lint" part."""
    pins = {}
    for line in REQUIREMENTS.read_text().splitlines():
        if line.startswith("# Tests"):
            break
        if "==" in line and not line.startswith("#"):
            name, pinned = line.split("==")
            name = re.sub(r"\[.*\]", "", name).strip().lower().replace("_", "-")
            pins[name] = pinned.strip()
    return pins


def test_every_runtime_dependency_has_a_known_safe_floor():
    assert set(_runtime_pins()) == set(KNOWN_SAFE)


@pytest.mark.parametrize(("package", "minimum"), KNOWN_SAFE.items())
def test_dependencies_are_at_least_the_known_safe_versions(package, minimum):
    floor = Version(minimum)
    assert Version(_runtime_pins()[package]) >= floor, f"{package} pinned below"
    installed = Version(version(package))
    assert installed >= floor, f"{package} {installed} is older than {minimum}"


# Redis configured but down, in a process of its own ------------------------------

_REDIS_DOWN = """
import json, os, django
django.setup()
from django.conf import settings
settings.STATIC_ROOT = os.environ["NEWSROOM_TEST_STATIC_ROOT"]
from django.test import Client
client = Client()
paths = ["/", "/", "/search/?q=acme", "/feed/", "/", "/healthz"]
print(json.dumps({
    "backend": settings.CACHES["default"]["BACKEND"],
    "statuses": [client.get(path).status_code for path in paths],
}))
"""


def test_redis_url_at_a_closed_port_serves_and_logs_once(tmp_path):
    """REDIS_URL is read at start-up; the site serves without the cache."""
    root = Path(settings.BASE_DIR)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'newsroom.sqlite3'}",
        "REDIS_URL": "redis://127.0.0.1:1/0",
        "SECRET_KEY": "redis-down-test-only",
        "DEBUG": "0",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "NEWSROOM_TEST_STATIC_ROOT": str(settings.STATIC_ROOT),
    }
    run = functools.partial(
        subprocess.run, cwd=root, env=env, capture_output=True, text=True, timeout=300
    )
    migrate = run([sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"])
    assert migrate.returncode == 0, migrate.stderr[-2000:]

    served = run([sys.executable, "-c", _REDIS_DOWN])

    assert served.returncode == 0, served.stderr[-2000:]
    result = json.loads(served.stdout.strip().splitlines()[-1])
    assert result["backend"] == "django.core.cache.backends.redis.RedisCache"
    assert result["statuses"] == [200] * 6
    assert served.stderr.count("The cache is unavailable") == 1, served.stderr


# Production settings -----------------------------------------------------------

_PRODUCTION = {
    "DEBUG": "0",
    "HTTPS": "1",
    "ALLOWED_HOSTS": "news.example.org",
    "SITE_URL": "https://news.example.org",
    "SECRET_KEY": "production-settings-test-" + "k" * 50,
    "EMAIL_HOST": "smtp.example.org",
}
_SHOW_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in (
    "DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SECURE_PROXY_SSL_HEADER",
)}))
"""


def _manage(*args, **environment):
    env = {k: v for k, v in os.environ.items() if k not in _PRODUCTION}
    env.update(environment, DJANGO_SETTINGS_MODULE="newsroom.settings")
    return subprocess.run(  # noqa: S603 - our own manage.py
        [sys.executable, *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_turn_on_https_only_and_pass_the_deploy_check():
    shown = _manage("-c", _SHOW_SETTINGS, **_PRODUCTION)
    assert shown.returncode == 0, shown.stderr[-2000:]
    values = json.loads(shown.stdout)
    assert values["DEBUG"] is False
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]

    check = _manage(
        "manage.py", "check", "--deploy", "--fail-level", "WARNING", **_PRODUCTION
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_without_a_secret_key_and_debug_off_the_site_refuses_to_start():
    production = {**_PRODUCTION, "SECRET_KEY": ""}
    refused = _manage("manage.py", "check", **production)
    assert refused.returncode != 0
    assert "SECRET_KEY is not set and DEBUG is off" in refused.stderr


# Escaping is the default everywhere -------------------------------------------------


def test_one_mark_safe_and_safe_only_on_rendered_html():
    """
    Everything else is escaped: format_html, or the templates' autoescape.
    The other |safe are the article page's parts, rendered when a version is
    published by templates with autoescape on (articles/pages.py; the XSS
    suite covers them), and the newsroom's own texts on its transparency
    pages, Markdown rendered and sanitised by markdown_to_html
    (masthead/views.py; tests/test_transparency.py covers them).
    """
    root = Path(settings.BASE_DIR)
    python = [
        path
        for folder in ("articles", "entities", "media", "newsroom")
        for path in (root / folder).rglob("*.py")
    ]
    templates = [
        path
        for folder in ("templates", "articles", "entities", "media")
        for path in (root / folder).rglob("*.html")
    ]

    def found(paths, pattern):
        return [
            f"{path.relative_to(root)}: {match[0]}"
            for path in sorted(paths)
            for match in re.finditer(pattern, path.read_text())
        ]

    # The other: the admin's messages with a doubled pair of typographic
    # quotation marks taken out of HTML that was already safe (“ and ” mean
    # nothing to HTML; tests/test_editing_surface.py covers it).
    assert found(python, r"\bmark_safe\([^)]*\)") == [
        "articles/templatetags/newsroom.py: mark_safe(encoded)",
        "newsroom/admin_base.py: mark_safe(text)",
    ]
    # SafeString only around a literal (a closing tag), never around data.
    assert found(python, r"\bSafeString\((?!\s*[\"'])") == []
    assert found(templates, r"[\w.]+\s*\|\s*safe(seq)?\b") == [
        "templates/articles/article_detail.html: page.head|safe",
        "templates/articles/article_detail.html: page.main|safe",
        "templates/articles/article_detail.html: page.entities|safe",
        "templates/articles/article_detail.html: page.footer|safe",
        "templates/articles/article_main.html: lead_figure|safe",
        "templates/articles/article_main.html: version.body_html|safe",
        "templates/masthead/text.html: html|safe",
        # Figures the renderer writes from the library (media/figures.py).
        "templates/media/claim_media.html: figure|safe",
    ]
    assert found(templates, r"\{%\s*autoescape\s+off") == []


# Files served as stored carry security headers too -------------------------------


@pytest.mark.parametrize(
    ("name", "document"),
    [
        ("admin/img/icon-yes.svg", True),
        ("css/site.css", False),
        ("newsroom/tag_claim.js", False),
    ],
)
def test_static_files_carry_nosniff_and_documents_a_policy(client, name, document):
    from django.templatetags.static import static

    response = client.get(static(name))
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    if document:
        assert response["Content-Type"].startswith("image/svg+xml")
        policy = _policy(response)
        assert policy["default-src"] == ["'none'"]
        assert "script-src" not in policy  # so default-src: no script at all
        assert "sandbox" in policy
        assert policy["frame-ancestors"] == ["'none'"]
    else:
        assert "Content-Security-Policy" not in response


def test_the_file_headers_apply_to_html_and_xml_whatever_serves_them():
    from wsgiref.headers import Headers

    from newsroom.headers import FILE_CSP, file_security_headers

    for media_type, policy in [
        ("text/html; charset=utf-8", FILE_CSP),
        ("image/svg+xml", FILE_CSP),
        ("application/xml", FILE_CSP),
        ("image/png", None),
        ("text/plain", None),
    ]:
        headers = Headers([("Content-Type", media_type)])
        file_security_headers(headers, "/tmp/file", "/media/file")
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Content-Security-Policy"] == policy, media_type
