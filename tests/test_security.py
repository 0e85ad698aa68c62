"""Logins, headers, faults and dependency versions (DESIGN §9 "Safe")."""

import copy
from importlib.metadata import version

import pytest
from django.db import connections
from django.db.utils import ConnectionHandler

from tests.factories import ArticleFactory, UserFactory

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


def test_lockout_is_per_username_from_another_address_too(client):
    UserFactory(username="editor")
    for _ in range(5):
        client.post("/admin/login/", {"username": "editor", "password": "wrong"})
    other = client.post(
        "/admin/login/",
        {"username": "editor", "password": PASSWORD},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other.status_code == 429


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


def test_security_headers_on_public_pages(client):
    response = client.get("/")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    csp = response["Content-Security-Policy"]
    assert "base-uri 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "nonce-" not in csp  # public pages are cached: no nonce


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
        for url in ("/", article.get_absolute_url(), "/search/?q=x"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert "back in a moment" in response.content.decode()
            assert response["Retry-After"] == "30"
        assert client.get("/healthz").status_code == 503
    finally:
        connections["default"].close()
        connections["default"] = working
    assert client.get("/healthz").status_code == 200
    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("package", "minimum"),
    [
        ("django", (6, 1, 3)),
        ("django-reversion", (6, 0, 0)),
        ("psycopg", (3, 2, 0)),
        ("whitenoise", (6, 9, 0)),
        ("nh3", (0, 2, 20)),
        ("markdown-it-py", (3, 0, 0)),
        ("django-axes", (8, 0, 0)),
        ("gunicorn", (23, 0, 0)),
    ],
)
def test_dependencies_are_at_least_the_known_safe_versions(package, minimum):
    installed = tuple(int(part) for part in version(package).split(".")[:3])
    assert installed >= minimum, f"{package} {installed} is older than {minimum}"
