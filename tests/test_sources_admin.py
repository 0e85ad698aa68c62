"""The source archive in the admin: captures shown, capture again, upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from sources.models import Attempt, Capture
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_source_page_shows_captures_and_refusals(client, people, media):
    source = SourceFactory(url="http://10.0.0.5/report")
    from sources import workflow

    workflow.store_file(
        source, data=b"<title>Kept</title>", name="a.html", origin=Capture.Origin.FILE
    )
    Attempt.objects.create(
        source=source, url=source.url, outcome="refused", reason="10.0.0.5 is private"
    )
    client.force_login(people["reporter"])
    page = client.get(reverse("admin:entities_source_change", args=[source.pk]))
    assert page.status_code == 200
    html = page.content.decode().lower()
    assert "captures (newest first; read-only)" in html
    assert "10.0.0.5 is private" in html
    assert "view archived copy" in html


def test_capture_again_enqueues_after_the_commit_and_never_fails(
    client, people, media, django_capture_on_commit_callbacks
):
    source = SourceFactory(url="https://example.org/x")
    no_url = SourceFactory(url="")
    DBTaskResult.objects.all().delete()
    client.force_login(people["reporter"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:entities_source_changelist"),
            {"action": "capture_again", "_selected_action": [source.pk, no_url.pk]},
            follow=True,
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 source(s) will be captured" in html
    assert "has no address to fetch" in html
    task = DBTaskResult.objects.get()
    assert task.task_path == "sources.tasks.capture_source"
    assert task.args_kwargs["args"][0] == source.pk


@pytest.mark.parametrize("role", ["checker", "publisher"])
def test_a_fact_checker_or_publisher_uploads_a_file_as_a_capture(
    client, people, media, role
):
    source = SourceFactory(url="")
    client.force_login(people[role])
    page = client.get(reverse("admin:entities_source_change", args=[source.pk]))
    add = reverse("admin:sources_capture_add")
    assert f'href="{add}?source={source.pk}">Upload a file</a>' in (
        page.content.decode()
    )
    response = client.post(
        add,
        {
            "source": source.pk,
            "file": SimpleUploadedFile(
                "letter.pdf", b"%PDF-1.4 sent to us", content_type="application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    capture = source.captures.get()
    assert capture.origin == Capture.Origin.UPLOADED
    assert capture.size == len(b"%PDF-1.4 sent to us")
    assert capture.created_by == people[role]


def test_a_reporter_may_not_upload_a_capture_and_is_told_why(client, people, media):
    from django.core.exceptions import PermissionDenied

    from sources import workflow

    source = SourceFactory(url="https://example.org/report")
    reporter = people["reporter"]
    client.force_login(reporter)
    html = client.get(
        reverse("admin:entities_source_change", args=[source.pk])
    ).content.decode()
    why = (
        "Only fact-checkers and publishers may upload a file as a source&#x27;s capture"
    )
    assert f"Upload a file: {why}" in html
    assert "Upload a file</a>" not in html
    add = reverse("admin:sources_capture_add")
    response = client.get(add, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:sources_capture_changelist")
    assert f"Not uploaded: {why}" in response.content.decode()
    response = client.post(
        add,
        {
            "source": source.pk,
            "file": SimpleUploadedFile(
                "report.html", b"<h1>Not what it said</h1>", content_type="text/html"
            ),
        },
        follow=True,
    )
    assert f"Not uploaded: {why}" in response.content.decode()
    assert not source.captures.exists()
    # The rule itself refuses, with the reason, whoever calls it.
    with pytest.raises(PermissionDenied, match="Only fact-checkers and publishers"):
        workflow.upload(source, data=b"<h1>x</h1>", name="x.html", user=reporter)
    assert not source.captures.exists()


def _viewer():
    """A staff member who may look at sources but not change them."""
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory

    user = UserFactory(username="vera")
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="entities", codename="view_source"
        )
    )
    return user


def _moved_source(media):
    from sources.models import SourceState, Watch

    source = SourceFactory(url="https://example.org/old")
    Watch.objects.create(
        source=source, state=SourceState.MOVED, moved_to="https://example.org/new"
    )
    return source


@pytest.mark.parametrize("role", ["reporter", "checker", "publisher"])
def test_the_archive_buttons_capture_again_and_confirm_a_move(
    client, people, media, role, django_capture_on_commit_callbacks
):
    from sources.models import SourceState, Watch

    source = _moved_source(media)
    DBTaskResult.objects.all().delete()
    client.force_login(people[role])
    page = client.get(reverse("admin:entities_source_change", args=[source.pk]))
    html = page.content.decode()
    capture_url = reverse("admin:entities_source_capture", args=[source.pk])
    move_url = reverse("admin:entities_source_confirm_move", args=[source.pk])
    assert f'action="{capture_url}"' in html and "Capture again</button>" in html
    assert f'action="{move_url}"' in html and "Confirm the move</button>" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(capture_url, follow=True)
    assert "The background worker will capture it in a moment" in (
        response.content.decode()
    )
    task = DBTaskResult.objects.get()
    assert task.task_path == "sources.tasks.capture_source"
    assert task.args_kwargs["args"][0] == source.pk
    response = client.post(move_url, follow=True)
    assert "Its address is now https://example.org/new" in response.content.decode()
    source.refresh_from_db()
    assert source.url == "https://example.org/new"
    assert Watch.objects.get(source=source).state == SourceState.ALIVE
    # Moved already: the button is gone, and a second press says why.
    page = client.get(reverse("admin:entities_source_change", args=[source.pk]))
    assert "Confirm the move</button>" not in page.content.decode()
    response = client.post(move_url, follow=True)
    assert "Not moved: The source has not moved" in response.content.decode()


def test_the_archive_buttons_say_why_not_to_who_may_not(client, people, media):
    source = _moved_source(media)
    DBTaskResult.objects.all().delete()
    client.force_login(_viewer())
    page = client.get(reverse("admin:entities_source_change", args=[source.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Capture again</button>" not in html
    assert "Confirm the move</button>" not in html
    assert "Capture again: You may not change sources." in html
    assert "Confirm the move: You may not change sources." in html
    capture_url = reverse("admin:entities_source_capture", args=[source.pk])
    response = client.post(capture_url, follow=True)
    assert "Not captured:" in response.content.decode()
    assert not DBTaskResult.objects.exists()
    move_url = reverse("admin:entities_source_confirm_move", args=[source.pk])
    response = client.post(move_url, follow=True)
    assert "Not moved: You may not change sources." in response.content.decode()
    source.refresh_from_db()
    assert source.url == "https://example.org/old"
    # A source without an address cannot be fetched: the reason is shown.
    client.force_login(people["reporter"])
    no_url = SourceFactory(url="")
    html = client.get(
        reverse("admin:entities_source_change", args=[no_url.pk])
    ).content.decode()
    assert "Capture again: The source has no address to fetch" in html
    assert client.get(capture_url).status_code == 405  # a change needs a POST
