"""Captures of cited sources, and rot and drift, against a real local server."""

import gzip
import json
import time
import zlib
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from werkzeug import Response

from articles import gate, workflow
from articles.models import Claim, PublicState, Rating
from sources import archiving
from sources import workflow as sources_workflow
from sources.fetching import Fetcher
from sources.models import Attempt, Capture, SourceState, Watch
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = """<!doctype html><html><head><title>Acme doubles profits</title></head>
<body><header>Acme News</header>
<div class="ad">{ad}</div>
<article><h1>Acme doubles profits</h1>
<p>Updated <time>{time}</time></p>
<p>{text}</p></article>
<footer>(c) Acme</footer></body></html>"""


def page(
    text="Acme Corp said its profits rose 101 percent.", ad="Buy soap", time="9:00"
):
    return PAGE.format(text=text, ad=ad, time=time)


def serve(httpserver, path, body, status=200, content_type="text/html; charset=utf-8"):
    httpserver.clear()
    httpserver.expect_request(path).respond_with_data(
        body, status=status, content_type=content_type
    )


def test_a_new_source_is_captured_by_the_worker_after_the_commit(
    local_web, httpserver, run_tasks, django_capture_on_commit_callbacks
):
    serve(httpserver, "/report", page())
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        source = SourceFactory(url=local_web("/report"))
        assert run_tasks() == []  # nothing before the commit
        assert httpserver.log == []
    ran = run_tasks()
    assert [r.task_path for r in ran] == ["sources.tasks.capture_source"]
    capture = source.captures.get()
    assert capture.final_url == local_web("/report")
    assert capture.status == 200
    assert capture.content_type.startswith("text/html")
    assert capture.title == "Acme doubles profits"
    assert capture.sha256 == archiving.sha256(page().encode())
    with capture.warc.open("rb") as f:
        body, content_type = archiving.read_body(f)
    assert body == page().encode()
    assert content_type.startswith("text/html")
    assert Attempt.objects.get(source=source).outcome == Attempt.Outcome.CAPTURED


def test_a_changed_url_is_captured_again(
    local_web, httpserver, run_tasks, django_capture_on_commit_callbacks
):
    serve(httpserver, "/a", page())
    httpserver.expect_request("/b").respond_with_data(page("New text."))
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(url=local_web("/a"))
    run_tasks()
    with django_capture_on_commit_callbacks(execute=True):
        source.title = "Renamed"
        source.save()  # same address: no capture
    assert run_tasks() == []
    with django_capture_on_commit_callbacks(execute=True):
        source.url = local_web("/b")
        source.save()
    run_tasks()
    assert [c.final_url for c in source.captures.all()] == [
        local_web("/b"),
        local_web("/a"),
    ]


def test_a_failing_capture_retries_with_back_off_then_is_recorded(
    local_web, settings, httpserver, run_tasks, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_FETCH_ATTEMPTS = 3
    serve(httpserver, "/down", "busy", status=503)
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(url=local_web("/down"))
    ran = run_tasks()
    assert [r.status for r in ran] == ["SUCCESSFUL"] * 3  # no exception escapes
    outcomes = list(
        Attempt.objects.filter(source=source)
        .order_by("pk")
        .values_list("outcome", "attempt", "reason")
    )
    assert outcomes == [
        ("retrying", 1, "the site answered 503"),
        ("retrying", 2, "the site answered 503"),
        ("failed", 3, "the site answered 503"),
    ]
    assert not source.captures.exists()
    assert sources_workflow.retry_delay(1) == 0
    settings.NEWSROOM_FETCH_RETRY_SECONDS = 60
    assert [sources_workflow.retry_delay(n) for n in (1, 2, 3)] == [60, 120, 240]


def test_a_refused_address_is_recorded_and_not_retried(
    settings, media, run_tasks, django_capture_on_commit_callbacks
):
    settings.NEWSROOM_SOURCE_CAPTURE_ON_SAVE = True
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(url="http://169.254.169.254/latest/meta-data/")
    ran = run_tasks()
    assert len(ran) == 1
    attempt = Attempt.objects.get(source=source)
    assert attempt.outcome == Attempt.Outcome.REFUSED
    assert "link-local" in attempt.reason


def test_capture_source_command(local_web, httpserver):
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"
    serve(httpserver, "/doc.pdf", pdf, content_type="application/pdf")
    source = SourceFactory(url=local_web("/doc.pdf"))
    out = StringIO()
    call_command("capture_source", str(source.pk), stdout=out)
    assert f"Source {source.pk} captured: 200" in out.getvalue()
    capture = source.captures.get()
    assert capture.content_type == "application/pdf"
    assert capture.text_sha256 == archiving.sha256(pdf)  # no text: the bytes
    with pytest.raises(CommandError, match="No source has id 999999"):
        call_command("capture_source", "999999")
    refused = SourceFactory(url="http://10.0.0.8/")
    with pytest.raises(CommandError, match="private"):
        call_command("capture_source", str(refused.pk))


def test_the_main_text_ignores_adverts_and_clocks():
    one = archiving.extract(page().encode(), "text/html")
    other = archiving.extract(page(ad="Buy a car", time="10:45").encode(), "text/html")
    changed = archiving.extract(page(text="Profits fell.").encode(), "text/html")
    assert one == other
    assert one[1] == (
        "Acme doubles profits\nUpdated\nAcme Corp said its profits rose 101 percent."
    )
    assert changed != one


# Rot and drift -----------------------------------------------------------------


@pytest.fixture
def rated(people, local_web, httpserver):
    """A signed-off article whose one claim cites a captured source."""
    serve(httpserver, "/report", page())
    article = ArticleFactory()
    source = SourceFactory(url=local_web("/report"))
    claim = ClaimFactory(
        article=article,
        claimant=EntityFactory(name="Acme Corp"),
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=claim, source=source)
    workflow.rate_claim(
        claim, user=people["checker"], rating=Rating.ACCURATE, explanation="Checked."
    )
    call_command("capture_source", str(source.pk), stdout=StringIO())
    assert gate.gate_blockers(article) == []
    return article, claim, source


def check(source):
    with Fetcher() as fetcher:
        return sources_workflow.check_source(source, fetcher=fetcher)


def test_an_advert_or_a_clock_is_not_drift(rated, httpserver):
    article, claim, source = rated
    serve(httpserver, "/report", page(ad="Another advert", time="17:30"))
    assert check(source).state == SourceState.ALIVE
    assert source.captures.count() == 1  # nothing worth keeping twice
    assert gate.gate_blockers(article) == []


def test_changed_text_makes_the_rating_stale_until_reconfirmed(
    rated, httpserver, people
):
    article, claim, source = rated
    serve(
        httpserver, "/report", page(text="Acme Corp said its profits rose 5 percent.")
    )
    watch = check(source)
    assert watch.state == SourceState.CHANGED
    claim.refresh_from_db()
    assert claim.stale
    blockers = gate.gate_blockers(article)
    assert [b.code for b in blockers] == ["stale"]
    assert "the source's text changed on" in blockers[0].message
    assert "see the two captures" in blockers[0].message
    workflow.reconfirm(claim, user=people["checker2"])
    assert gate.gate_blockers(article) == []
    # Checked again, unchanged since: the rating holds.
    assert check(source).state == SourceState.ALIVE
    assert gate.gate_blockers(article) == []


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_source_makes_the_rating_stale(rated, httpserver, status):
    article, claim, source = rated
    serve(httpserver, "/report", "no such page", status=status)
    assert check(source).state == SourceState.GONE
    blockers = gate.gate_blockers(article)
    assert [b.code for b in blockers] == ["stale"]
    assert "the source is gone since" in blockers[0].message
    assert source.captures.count() == 1  # the archive keeps what it was


def test_time_outs_make_a_source_gone_only_when_repeated(rated, settings, httpserver):
    article, claim, source = rated
    settings.NEWSROOM_SOURCE_GONE_AFTER = 2
    serve(httpserver, "/report", "busy", status=503)
    assert check(source).state != SourceState.GONE
    assert gate.gate_blockers(article) == []
    assert check(source).state == SourceState.GONE
    assert [b.code for b in gate.gate_blockers(article)] == ["stale"]


def test_a_site_that_times_out_again_and_again_is_gone(rated, settings, httpserver):
    article, claim, source = rated
    settings.NEWSROOM_SOURCE_GONE_AFTER = 2
    settings.NEWSROOM_FETCH_TIMEOUT = 0.3

    def slow(request):
        time.sleep(0.8)  # longer than the fetch waits
        return Response("late")

    httpserver.clear()
    httpserver.expect_request("/report").respond_with_handler(slow)
    assert check(source).state != SourceState.GONE
    watch = check(source)
    assert watch.state == SourceState.GONE
    assert "answer" in source.attempts.first().reason  # in time, or by the deadline
    assert [b.code for b in gate.gate_blockers(article)] == ["stale"]


@pytest.mark.parametrize("status", [401, 403, 429])
def test_a_site_that_shuts_our_fetcher_out_is_not_gone(
    rated, settings, httpserver, status
):
    """A login, a bot wall or a rate limit says nothing of the page's fate."""
    article, claim, source = rated
    settings.NEWSROOM_SOURCE_GONE_AFTER = 2
    serve(httpserver, "/report", "no robots", status=status)
    for _ in range(3):
        assert check(source).state != SourceState.GONE
    assert source.attempts.filter(outcome="failed").count() == 3
    assert gate.gate_blockers(article) == []


def test_only_a_name_that_does_not_exist_is_gone_at_once():
    import socket

    from sources.fetching import lookup_failure

    missing = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    assert lookup_failure("gone.example", missing).dns
    for_now = socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
    failure = lookup_failure("slow.example", for_now)
    assert not failure.dns
    assert "could not be looked up now" in str(failure)


def test_a_moved_source_is_recorded_and_updated_once_an_editor_confirms(
    rated, httpserver, local_web, people, django_capture_on_commit_callbacks
):
    article, claim, source = rated
    httpserver.clear()
    httpserver.expect_request("/report").respond_with_response(
        Response(status=301, headers={"Location": "/2026/report"})
    )
    httpserver.expect_request("/2026/report").respond_with_data(
        page(), content_type="text/html"
    )
    watch = check(source)
    assert watch.state == SourceState.MOVED
    assert watch.moved_to == local_web("/2026/report")
    assert gate.gate_blockers(article) == []  # same text: the rating holds
    assert sources_workflow.check_confirm_move(source, user=people["reporter"]) == []
    sources_workflow.confirm_move(source, user=people["reporter"])
    source.refresh_from_db()
    assert source.url == local_web("/2026/report")
    assert Watch.objects.get(source=source).state == SourceState.ALIVE
    # The same text at the new address: the rating still holds.
    claim.refresh_from_db()
    assert not claim.stale
    assert gate.gate_blockers(article) == []


def test_check_sources_command_prints_json(rated, httpserver):
    article, claim, source = rated
    out = StringIO()
    call_command("check_sources", "--all", "--json", stdout=out, stderr=StringIO())
    rows = json.loads(out.getvalue())
    assert rows == [
        {
            "id": source.pk,
            "url": source.url,
            "state": "alive",
            "checked_at": rows[0]["checked_at"],
            "capture_sha256": source.captures.first().sha256,
        }
    ]
    out = StringIO()
    call_command("check_sources", "--all", "--dry-run", stdout=out, stderr=StringIO())
    assert out.getvalue() == f"due      {source.pk} {source.url}\n"
    # Just checked: not due again.
    out = StringIO()
    call_command("check_sources", stdout=out, stderr=StringIO())
    assert out.getvalue() == ""
    with pytest.raises(CommandError, match="No source has id"):
        call_command("check_sources", "--source", "999999")


def test_an_uploaded_file_is_a_capture(people, media):
    source = SourceFactory(url="")
    item = sources_workflow.upload(
        source,
        data=b"%PDF-1.4 private",
        name="../../letter.pdf",
        user=people["checker"],
    )
    assert item.origin == Capture.Origin.UPLOADED
    assert item.content_type == "application/pdf"
    assert "letter.pdf" in item.title
    with item.warc.open("rb") as f:
        raw = f.read()
    assert b"%PDF-1.4 private" in gzip.decompress(raw)
    outsider = people["reporter"].__class__.objects.create(username="nobody")
    assert sources_workflow.check_upload(source, user=outsider)


def test_the_claim_record_says_stale_reasons_in_words(rated, httpserver):
    article, claim, source = rated
    serve(httpserver, "/report", "gone", status=410)
    check(source)
    claim = Claim.objects.get(pk=claim.pk)
    from articles.staleness import stale_reasons

    [reason] = stale_reasons(claim)
    assert reason.startswith(f"{source.title}: the source is gone since")


def test_a_capture_is_submitted_to_save_page_now_when_configured(
    local_web, settings, httpserver, run_tasks, django_capture_on_commit_callbacks
):
    # pytest-httpserver stands in for web.archive.org, speaking SPN2's API.
    settings.WAYBACK_ACCESS_KEY, settings.WAYBACK_SECRET_KEY = "key", "secret"
    settings.WAYBACK_SAVE_URL = local_web("/save")
    settings.WAYBACK_STATUS_SECONDS = 0
    serve(httpserver, "/report", page())
    httpserver.expect_request(
        "/save",
        method="POST",
        headers={"Authorization": "LOW key:secret", "Accept": "application/json"},
    ).respond_with_json({"url": local_web("/report"), "job_id": "spn2-1a2b"})
    answers = iter(
        [
            {"status": "pending", "job_id": "spn2-1a2b"},
            {
                "status": "success",
                "job_id": "spn2-1a2b",
                "timestamp": "20261204103000",
                "original_url": local_web("/report"),
            },
        ]
    )
    httpserver.expect_request("/save/status/spn2-1a2b").respond_with_handler(
        lambda request: Response(json.dumps(next(answers)), mimetype="application/json")
    )
    with django_capture_on_commit_callbacks(execute=True):
        source = SourceFactory(url=local_web("/report"), archive_url="")
    ran = run_tasks()
    assert [r.task_path.rsplit(".", 1)[1] for r in ran] == [
        "capture_source",
        "wayback_submit",
        "wayback_status",
        "wayback_status",
    ]
    source.refresh_from_db()
    assert source.archive_url == (
        f"http://127.0.0.1:{httpserver.port}/web/20261204103000/{local_web('/report')}"
    )
    [posted] = [r for r, _ in httpserver.log if r.path == "/save"]
    assert posted.form["url"] == local_web("/report")


def test_save_page_now_is_off_without_keys(
    local_web, httpserver, run_tasks, django_capture_on_commit_callbacks
):
    serve(httpserver, "/report", page())
    with django_capture_on_commit_callbacks(execute=True):
        SourceFactory(url=local_web("/report"))
    assert [r.task_path for r in run_tasks()] == ["sources.tasks.capture_source"]


# What a rating rests on --------------------------------------------------------


def _rate(claim, user):
    return workflow.rate_claim(
        claim, user=user, rating=Rating.ACCURATE, explanation="Checked."
    )


def test_a_rating_records_the_capture_it_was_checked_against(rated, people):
    article, claim, source = rated
    citation = claim.citations.get()
    # Rated before the source had a capture: nothing recorded.
    assert citation.checked_capture is None
    first = source.captures.get()
    _rate(claim, people["checker2"])
    citation.refresh_from_db()
    assert citation.checked_capture == first


def test_drift_is_measured_from_the_capture_the_rating_rests_on(
    rated, httpserver, people
):
    article, claim, source = rated
    _rate(claim, people["checker"])  # against the first capture
    first = source.captures.get()
    # The source changes and is captured again on demand (not a check): the
    # newest capture is the changed text, the rating rests on the first.
    serve(httpserver, "/report", page(text="Acme Corp said profits rose 5 percent."))
    call_command("capture_source", str(source.pk), stdout=StringIO())
    second = source.captures.first()
    assert second != first
    # A second claim rated now rests on the changed text.
    other = ClaimFactory(
        article=article,
        quote=article.body[:20],
        start=0,
        end=20,
        tagged_by=people["reporter"],
    )
    CitationFactory(claim=other, source=source)
    _rate(other, people["checker"])
    assert other.citations.get().checked_capture == second
    # The check finds the text as the newest capture has it: changed for the
    # first rating, unchanged for the second.
    watch = check(source)
    assert watch.state == SourceState.CHANGED
    claim.refresh_from_db()
    other.refresh_from_db()
    assert claim.stale and not other.stale
    from articles.staleness import stale_reasons

    [reason] = stale_reasons(claim)
    assert reason == (
        f"{source.title}: the source's text changed on "
        f"{second.captured_at:%Y-%m-%d}; see the two captures "
        f"(#{first.pk} of {first.captured_at:%Y-%m-%d %H:%M} and "
        f"#{second.pk} of {second.captured_at:%Y-%m-%d %H:%M})"
    )
    # Checked again, nothing new: the same alert, nothing more to re-check,
    # and nothing readers see changes (every cached page stays good).
    generation = PublicState.objects.get(pk=1).generation
    assert check(source).state == SourceState.CHANGED
    assert PublicState.objects.get(pk=1).generation == generation
    # Re-confirming moves the rating to the newest capture; the source is
    # then alive and unchanged for every rating that cites it.
    workflow.reconfirm(claim, user=people["checker2"])
    assert claim.citations.get().checked_capture == second
    assert check(source).state == SourceState.ALIVE
    claim.refresh_from_db()
    assert not claim.stale
    assert gate.gate_blockers(article) == []


def test_the_claim_admin_links_the_two_captures_of_a_change(
    rated, httpserver, people, client
):
    article, claim, source = rated
    _rate(claim, people["checker"])
    first = source.captures.get()
    serve(httpserver, "/report", page(text="Acme Corp said profits rose 5 percent."))
    check(source)
    second = source.captures.first()
    client.force_login(people["checker2"])
    response = client.get(f"/admin/articles/claim/{claim.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "the source&#x27;s text changed on" in html
    for capture in (first, second):
        assert f'href="/admin/sources/capture/{capture.pk}/change/"' in html
        viewed = client.get(f"/admin/sources/capture/{capture.pk}/change/")
        assert viewed.status_code == 200


# Readers see a gone source on the article page ------------------------------------


def test_the_article_page_says_when_a_cited_source_is_gone_and_when_it_is_back(
    rated, httpserver, people, client
):
    from articles.caching import current_state
    from articles.models import PublishedVersion

    article, claim, source = rated
    version = workflow.publish(article, user=people["publisher"])
    url = article.get_absolute_url()
    archive = f"/sources/{source.pk}/archive/"
    notice = "The original is gone"
    page_before = client.get(url).content.decode()
    assert notice not in page_before
    claims_before = PublishedVersion.objects.get(pk=version.pk).claims
    generation = current_state()[0]

    serve(httpserver, "/report", "no such page", status=404)
    call_command("check_sources", "--all", stdout=StringIO(), stderr=StringIO())
    assert Watch.objects.get(source=source).state == SourceState.GONE
    stored = PublishedVersion.objects.get(pk=version.pk)
    assert notice in stored.page_html  # the stored page, not a render per request
    assert stored.claims == claims_before  # the version is as published
    assert current_state()[0] > generation  # cached copies are dropped
    shown = client.get(url).content.decode()
    assert notice in shown
    assert f'href="{archive}"' in shown
    assert client.get(archive).status_code == 200

    serve(httpserver, "/report", page())  # back, as it was
    call_command("check_sources", "--all", stdout=StringIO(), stderr=StringIO())
    assert Watch.objects.get(source=source).state != SourceState.GONE
    assert notice not in PublishedVersion.objects.get(pk=version.pk).page_html
    assert notice not in client.get(url).content.decode()


# Restoring a revision keeps what the source's checks found ------------------------


def _last_revision(article):
    from reversion.models import Version

    return Version.objects.get_for_object(article).first().revision


def test_a_restore_does_not_bring_back_a_resolved_alert_nor_lose_a_current_one(
    rated, httpserver, people
):
    from articles import restoring

    article, claim, source = rated
    before_alerts = _last_revision(article)  # rated; the source fine
    serve(httpserver, "/report", "no such page", status=404)
    check(source)
    workflow.reconfirm(claim, user=people["checker2"])  # rests on our copy now
    gone_alert = claim.citations.get().source_alert
    assert gone_alert.startswith("the source is gone since")
    reconfirmed = _last_revision(article)
    # A revision from before the alert: the alert stands, and the rating that
    # answered it holds.
    restoring.restore_revision(article, before_alerts, user=people["checker2"])
    claim.refresh_from_db()
    assert claim.citations.get().source_alert == gone_alert
    assert not claim.stale
    assert gate.gate_blockers(article) == []
    # The source comes back with other words: a new alert, the rating stale.
    serve(httpserver, "/report", page(text="Acme Corp said profits rose 5 percent."))
    assert check(source).state == SourceState.CHANGED
    drift_alert = claim.citations.get().source_alert
    assert drift_alert.startswith("the source's text changed on")
    claim.refresh_from_db()
    assert claim.stale
    # A revision whose alert was answered: the new alert stays, and so does
    # the stale flag until a fact-checker re-checks.
    restoring.restore_revision(article, reconfirmed, user=people["checker2"])
    claim.refresh_from_db()
    assert claim.citations.get().source_alert == drift_alert
    assert claim.stale
    assert [b.code for b in gate.gate_blockers(article)] == ["stale"]


def test_a_citation_brought_back_says_its_source_is_gone(rated, httpserver, people):
    from articles import restoring

    article, claim, source = rated
    before_alerts = _last_revision(article)
    serve(httpserver, "/report", "no such page", status=404)
    check(source)
    claim.citations.get().delete()
    restoring.restore_revision(article, before_alerts, user=people["checker2"])
    since = Watch.objects.get(source=source).since
    assert claim.citations.get().source_alert == (
        f"the source is gone since {since:%Y-%m-%d}; see our archived copy"
    )
    claim.refresh_from_db()
    assert claim.stale  # its source went since the check


# PDFs: drift is measured on their text ------------------------------------------


def make_pdf(
    text: str, *, modified="20261201090000", producer="Acme PDF 1.0", operators=b""
) -> bytes:
    """
    A one-page PDF showing ``text``, with its metadata, written by hand; its
    content stream compressed, with ``operators`` before the text.
    """
    stream = zlib.compress(
        b"BT /F1 12 Tf " + operators + f"72 720 Td ({text}) Tj ET".encode(), 9
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream)
        + stream
        + b"\nendstream",
        f"<< /Title (Acme annual report) /Producer ({producer}) "
        f"/ModDate (D:{modified}Z) >>".encode(),
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info 6 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def test_a_pdf_main_text_is_its_pages_text_not_its_metadata():
    one = make_pdf("Profits rose 101 percent.")
    title, text = archiving.extract(one, "application/pdf")
    assert (title, text) == ("Acme annual report", "Profits rose 101 percent.")
    other = make_pdf(
        "Profits rose 101 percent.", modified="20261224120000", producer="Other 2"
    )
    assert other != one
    assert archiving.extract(other, "application/pdf")[1] == text
    # A file that is no PDF at all: no text, its bytes are what is hashed.
    assert archiving.extract(b"%PDF-1.4 garbage", "application/pdf") == ("", "")


def test_a_pdf_text_is_read_within_bounds(settings):
    settings.NEWSROOM_PDF_MAX_CHARS = 10
    assert archiving.extract(make_pdf("Profits rose 101 percent."), "application/pdf")[
        1
    ] == ("Profits ro")
    settings.NEWSROOM_PDF_MAX_PAGES = 0
    assert archiving.extract(make_pdf("Profits rose."), "application/pdf")[1] == ""


def test_a_hostile_pdf_costs_at_most_its_time_and_memory_then_has_no_text(settings):
    # 12 KB that decompress to 3 MB of operators showing no text: minutes of
    # pypdf's CPU time and hundreds of megabytes if it were let run.
    hostile = make_pdf("Profits rose.", operators=b"() Tj " * 500_000)
    assert len(hostile) < 50_000
    settings.NEWSROOM_PDF_SECONDS = 1
    started = time.monotonic()
    assert archiving.extract(hostile, "application/pdf") == ("", "")
    assert time.monotonic() - started < 8  # stopped after a second of CPU (2 s wall)
    settings.NEWSROOM_PDF_SECONDS = 60
    settings.NEWSROOM_PDF_MAX_MEMORY = 120 * 1024 * 1024
    assert archiving.extract(hostile, "application/pdf") == ("", "")
    # The same limits leave an ordinary PDF its text.
    ordinary = make_pdf("Profits rose.")
    assert archiving.extract(ordinary, "application/pdf")[1] == "Profits rose."


def test_a_pdf_source_drifts_when_its_text_changes_not_its_metadata(
    people, local_web, httpserver
):
    pdf = "application/pdf"
    serve(
        httpserver,
        "/report.pdf",
        make_pdf("Profits rose 101 percent."),
        content_type=pdf,
    )
    article = ArticleFactory()
    source = SourceFactory(url=local_web("/report.pdf"))
    call_command("capture_source", str(source.pk), stdout=StringIO())
    claim = ClaimFactory(article=article, tagged_by=people["reporter"])
    CitationFactory(claim=claim, source=source)
    _rate(claim, people["checker"])
    serve(
        httpserver,
        "/report.pdf",
        make_pdf("Profits rose 101 percent.", modified="20261224120000"),
        content_type=pdf,
    )
    assert check(source).state == SourceState.ALIVE
    claim.refresh_from_db()
    assert not claim.stale
    serve(httpserver, "/report.pdf", make_pdf("Profits fell."), content_type=pdf)
    assert check(source).state == SourceState.CHANGED
    claim.refresh_from_db()
    assert claim.stale


# The schedule -------------------------------------------------------------------


def test_the_scheduler_hands_the_check_to_the_worker_and_the_desk_shows_the_run(
    rated, httpserver, people, client, run_tasks, django_capture_on_commit_callbacks
):
    from desk.models import SchedulerRun

    article, claim, source = rated
    run_tasks()  # the captures asked for when the source was saved
    client.force_login(people["publisher"])
    assert (
        "Cited sources have not been checked yet"
        in client.get("/admin/").content.decode()
    )
    serve(httpserver, "/report", "no such page", status=404)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("check_sources", "--enqueue", stdout=StringIO(), stderr=StringIO())
    assert Watch.objects.filter(source=source).first() is None  # not here
    assert [r.task_path for r in run_tasks()] == ["sources.tasks.check_sources"]
    assert Watch.objects.get(source=source).state == SourceState.GONE
    run = SchedulerRun.objects.get(job=SchedulerRun.CHECK_SOURCES)
    assert run.detail == "1 checked: 1 gone"
    desk = client.get("/admin/").content.decode()
    assert "Cited sources last checked at" in desk and "1 checked: 1 gone" in desk
    assert "more than three hours ago" not in desk
    # The hourly check stops (no worker, no cron): the desk says so.
    run.started_at -= timedelta(hours=4)
    run.save()
    desk = client.get("/admin/").content.decode()
    assert "more than three hours ago" in desk and "db_worker" in desk
    with pytest.raises(CommandError, match="--enqueue"):
        call_command("check_sources", "--enqueue", "--all")


def test_make_run_checks_the_sources_every_hour():
    from pathlib import Path

    from django.conf import settings

    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert "publish_scheduled" in run
    assert "$$((minute % 60)) -eq 0" in run
    assert "manage.py check_sources --enqueue" in run


def test_a_run_where_no_source_answers_counts_no_source_gone(rated, local_web):
    article, claim, source = rated
    dead = [SourceFactory(url=f"http://no-such-host-{n}.invalid/") for n in (1, 2)]
    out = StringIO()
    call_command(
        "check_sources", "--source", str(dead[0].pk), stdout=out, stderr=StringIO()
    )
    assert out.getvalue().startswith("gone")  # one source: its own failure
    Watch.objects.all().delete()
    with Fetcher() as fetcher:
        checked = sources_workflow.check_many(dead, fetcher=fetcher)
    assert [counted for _s, _w, counted in checked] == [False, False]
    assert not Watch.objects.filter(state=SourceState.GONE).exists()
    assert (
        "network may be down" in Attempt.objects.filter(source=dead[1]).first().reason
    )
    # One source answers: the others' failures are theirs.
    with Fetcher() as fetcher:
        checked = sources_workflow.check_many([*dead, source], fetcher=fetcher)
    assert [w.state for _s, w, _c in checked] == ["gone", "gone", "alive"]


def test_sources_captured_from_a_file_are_not_checked_on_the_schedule(people, media):
    from sources.demo import capture_demo_sources

    demo = SourceFactory(url="https://example.com/demo-report")
    capture_demo_sources({"information-bing": demo})
    other = SourceFactory(url="https://example.com/other")
    assert sources_workflow.due_sources() == [other]


def test_a_source_that_fails_on_our_side_does_not_stop_the_run(
    rated, httpserver, local_web, settings, tmp_path
):
    article, claim, source = rated
    serve(httpserver, "/other", page())
    other = SourceFactory(url=local_web("/other"))
    call_command("capture_source", str(other.pk), stdout=StringIO())
    # The first source's text changed, and its new capture cannot be stored
    # (the storage's folder is a file); the other source is unchanged.
    serve(httpserver, "/report", page(text="Acme Corp said profits rose 5 percent."))
    httpserver.expect_request("/other").respond_with_data(
        page(), content_type="text/html; charset=utf-8"
    )
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        },
    }
    with Fetcher() as fetcher:
        checked = sources_workflow.check_many([source, other], fetcher=fetcher)
    assert [(s, counted) for s, _w, counted in checked] == [
        (source, False),
        (other, True),
    ]
    assert checked[1][1].state == SourceState.ALIVE
    failed = Attempt.objects.filter(source=source).first()
    assert failed.reason == "not checked: an error on our side (NotADirectoryError)"
    # Checked (at the back of the queue), its state as it was: nothing
    # recorded as changed that was not kept.
    watch = Watch.objects.get(source=source)
    assert watch.checked_at is not None and watch.state == "unchecked"
    assert source.captures.count() == 1


def test_drift_is_never_measured_against_an_uploaded_file(rated, httpserver, people):
    article, claim, source = rated
    fetched = source.captures.get()
    # A fact-checker uploads the report's PDF, then the claim is rated again:
    # the newest capture, the one it rests on, is the file.
    uploaded = sources_workflow.upload(
        source,
        data=make_pdf("The annual report."),
        name="report.pdf",
        user=people["checker"],
    )
    _rate(claim, people["checker2"])
    assert claim.citations.get().checked_capture == uploaded
    # The page on the web is as it was: no drift (a file is not a version of
    # the page), and none either when the web page is compared with itself.
    assert check(source).state == SourceState.ALIVE
    claim.refresh_from_db()
    assert not claim.stale
    assert source.captures.filter(origin=fetched.origin).count() == 1


def test_the_hourly_enqueue_adds_no_second_check_while_one_waits(
    rated, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    def enqueue():
        err = StringIO()
        with django_capture_on_commit_callbacks(execute=True):
            call_command("check_sources", "--enqueue", stdout=StringIO(), stderr=err)
        return err.getvalue()

    assert "is queued" in enqueue()
    said = enqueue()  # the worker has not run it yet
    assert "already queued or running" in said and "db_worker" in said
    assert (
        DBTaskResult.objects.filter(task_path="sources.tasks.check_sources").count()
        == 1
    )


def test_a_source_checked_by_hand_is_not_the_desks_scheduled_check(rated, httpserver):
    from desk.models import SchedulerRun

    article, claim, source = rated
    call_command("check_sources", "--source", str(source.pk), stdout=StringIO())
    call_command("check_sources", "--all", stdout=StringIO(), stderr=StringIO())
    assert not SchedulerRun.objects.filter(job=SchedulerRun.CHECK_SOURCES).exists()
    call_command("check_sources", stdout=StringIO(), stderr=StringIO())
    assert SchedulerRun.objects.filter(job=SchedulerRun.CHECK_SOURCES).count() == 1
