"""
A reader or an editor in a process of its own, for tests/test_concurrency.py.

    DATABASE_URL=... python -m tests.concurrency_worker reader SECONDS
    DATABASE_URL=... python -m tests.concurrency_worker editor SECONDS

The reader fetches the public pages over and over (page cache off, so every
request reads the database); the editor saves the demo article through the
admin's change form and re-publishes it. Each prints one JSON line:
``{"requests": n, "errors": [...]}`` (the editor counts saves and
publishes). An error is any exception or 5xx
response, "database is locked" included.
"""

import json
import os
import sys
import time
import traceback

SLUG = "openai-and-microsoft-expand-partnership"
READER_URLS = [
    "/",
    f"/articles/{SLUG}/",
    f"/articles/{SLUG}/history/",
    "/search/?q=Microsoft+OpenAI",
    "/feed/",
    "/entities/microsoft/",
    "/sitemap.xml",
]


def read(seconds: float) -> dict:
    from django.test import Client

    client = Client()
    requests, errors = 0, []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for url in READER_URLS:
            try:
                response = client.get(url)
                if response.status_code >= 500:
                    errors.append(f"GET {url}: {response.status_code}")
            except Exception:  # noqa: BLE001 - every failure is reported
                errors.append(f"GET {url}: {traceback.format_exc(limit=3)}")
            requests += 1
    return {"requests": requests, "errors": errors}


def edit(seconds: float) -> dict:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from articles import workflow
    from articles.models import Article
    from tests.test_admin import form_data

    editor, _ = get_user_model().objects.get_or_create(
        username="concurrent-editor",
        defaults={"is_staff": True, "is_superuser": True},
    )
    client = Client()
    client.force_login(editor)
    article = Article.objects.get(slug=SLUG)
    url = reverse("admin:articles_article_change", args=[article.pk])
    saves, publishes, errors, n = 0, 0, [], 0
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n += 1
        try:
            workflow.publish(article, user=editor, note=f"Edit {n}")
            publishes += 1
            data = form_data(client.get(url))
            data["dek"] = f"Standfirst, edit number {n}."
            response = client.post(url, data)
            if response.status_code != 302:
                errors.append(f"save {n}: {response.status_code}")
            saves += 1
        except Exception:  # noqa: BLE001 - every failure is reported
            errors.append(f"edit {n}: {traceback.format_exc(limit=3)}")
    return {"saves": saves, "publishes": publishes, "errors": errors}


def main() -> None:
    role, seconds = sys.argv[1], float(sys.argv[2])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.conf import settings

    # The hashed static files the test run collected, which pages link to.
    settings.STATIC_ROOT = os.environ["NEWSROOM_TEST_STATIC_ROOT"]
    result = read(seconds) if role == "reader" else edit(seconds)
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
