"""
An app process of its own for tests/test_media_s3.py, with its media in
S3-compatible storage (the AWS_* variables of its environment).

    python -m tests.media_s3_worker editor   # uploads through the admin, publishes
    python -m tests.media_s3_worker reader   # fetches the article's page

Each prints one JSON line.
"""

import json
import os
import sys

SLUG = "harbour-in-pictures"


def editor() -> dict:
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.test import Client

    from articles import workflow
    from articles.models import Article
    from articles.roles import setup_roles
    from media.models import Image
    from tests.factories import image_file

    setup_roles()
    user = get_user_model().objects.create_superuser("editor", "e@example.org", "x")
    client = Client()
    client.force_login(user)
    for n, name in enumerate(("quay.jpg", "chart.png")):
        response = client.post(
            "/admin/media/image/add/",
            {
                "upload": SimpleUploadedFile(
                    name, image_file("PNG" if n else "JPEG", size=(1400 - n * 300, 700))
                ),
                "alt": f"Picture {n}",
                "credit": "Photo: Desk",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    lead, placed = Image.objects.order_by("pk")
    article = Article.objects.create(
        title="The harbour in pictures",
        slug=SLUG,
        body=f"The ferries ran late.\n\n![A chart](image:{placed.pk})\n\nThe end.",
        lead_image=lead,
        byline="Harbour Desk",
    )
    # Nothing in it to check, as a fact-checker (here the superuser) records.
    article = workflow.record_no_claims(article, user=user)
    workflow.publish(article, user=user)
    # The background worker, as `make run` and production run it.
    call_command(
        "db_worker",
        "--batch",
        "--queue-name",
        "*",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    return {"images": [lead.file.name, placed.file.name]}


def reader() -> dict:
    from django.test import Client

    response = Client().get(f"/articles/{SLUG}/")
    return {
        "status": response.status_code,
        "html": response.content.decode(),
        "csp": response.get("Content-Security-Policy", ""),
    }


if __name__ == "__main__":
    import django

    django.setup()
    from django.conf import settings

    settings.STATIC_ROOT = os.environ["NEWSROOM_TEST_STATIC_ROOT"]
    role = sys.argv[1]
    print(json.dumps(editor() if role == "editor" else reader()))
