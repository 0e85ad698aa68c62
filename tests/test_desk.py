"""
The desk (issue 15): assignments, sign-off, re-confirming a rating, notes,
notifications (by email through the real worker and a real SMTP server),
the audit log, and the desk page itself.
"""

import csv
import io
import json
import socket
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
import reversion
from aiosmtpd.controller import Controller
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles import editing, gate, workflow
from articles.documents import DocumentError
from articles.interchange import export_article, import_document
from articles.models import Article, Claim, Rating
from desk import workflow as desk
from desk.models import Action, AuditEvent, EmailState, Note, Notification
from tests.factories import (
    ArticleFactory,
    CitationFactory,
    ClaimFactory,
    EntityFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def checked_article(people, *, slug="acme", status=Article.Status.IN_REVIEW):
    """An article in review whose one claim is cited and rated."""
    with reversion.create_revision():
        article = ArticleFactory(slug=slug, status=status)
        claim = ClaimFactory(
            article=article,
            claimant=EntityFactory(name="Acme Corp"),
            tagged_by=people["reporter"],
        )
        CitationFactory(claim=claim, source=SourceFactory(title="Acme annual report"))
    workflow.rate_claim(claim, user=people["checker"], rating=Rating.ACCURATE)
    return Article.objects.get(pk=article.pk)


# Sign-off --------------------------------------------------------------------------


def test_sign_off_sets_ready_only_when_the_gate_passes(people):
    article = checked_article(people)
    ClaimFactory(article=article, quote="Analysts expect", tagged_by=people["reporter"])
    frank = people["checker"]
    reasons = desk.check_sign_off(article, user=frank)
    assert reasons and "is not rated yet" in reasons[0]
    with pytest.raises(ValidationError, match="is not rated yet"):
        desk.sign_off(article, user=frank)
    assert Article.objects.get(pk=article.pk).status == Article.Status.IN_REVIEW
    article.claims.get(quote="Analysts expect").delete()
    desk.sign_off(article, user=frank)
    article.refresh_from_db()
    assert article.status == Article.Status.READY
    assert article.signed_off_by == frank and article.signed_off_at is not None
    assert AuditEvent.objects.filter(action=Action.SIGN_OFF, user=frank).exists()


def test_only_the_assigned_checker_or_an_editor_signs_off(people):
    article = checked_article(people)
    paula, frank, fiona = people["publisher"], people["checker"], people["checker2"]
    article = desk.assign(article, user=paula, checker=frank)
    assert desk.check_sign_off(article, user=fiona) == [
        "frank is the article's fact-checker: they sign it off (or an editor does)."
    ]
    with pytest.raises(PermissionDenied):
        desk.sign_off(article, user=fiona)
    with pytest.raises(PermissionDenied):
        desk.sign_off(article, user=people["reporter"])
    desk.sign_off(article, user=paula)
    assert Article.objects.get(pk=article.pk).status == Article.Status.READY


@pytest.mark.parametrize("change", ["claimant", "citation", "new claim", "quote"])
def test_a_change_after_sign_off_sends_the_article_back_with_the_reason(people, change):
    article = desk.sign_off(checked_article(people), user=people["checker"])
    claim = article.claims.get()
    if change == "claimant":
        claim.claimant = EntityFactory(name="Globex")
        workflow.save_claim(claim, user=people["reporter"])
        expected = "the claimant changed from Acme Corp to Globex"
    elif change == "citation":
        CitationFactory(claim=claim, source=SourceFactory(title="A blog"))
        expected = "a source was added: A blog"
    elif change == "new claim":
        workflow.tag_claim(article, user=people["reporter"], start=0, end=9)
        expected = "a claim was added"
    else:
        old = article.body
        article.body = old.replace("profits doubled", "profits tripled")
        article.save()
        editing.process_edit(article, old_body=old)
        expected = "changed after it was checked"
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert expected in article.review_reason
    event = AuditEvent.objects.get(action=Action.SEND_BACK)
    assert event.user is None and expected in event.detail


def test_an_edit_of_a_text_signed_off_with_no_claims_sends_it_back(people):
    from tests.test_admin import form_data

    paula, rita, frank = people["publisher"], people["reporter"], people["checker"]
    article = ArticleFactory(status=Article.Status.DRAFT)
    desk.assign(article, user=paula, editor=paula, reporter=rita, checker=frank)
    workflow.submit_for_review(article, user=rita)
    workflow.record_no_claims(article, user=frank)
    desk.sign_off(article, user=frank)
    publisher_desk = client_of(paula).get(reverse("admin:index")).content.decode()
    assert "Nothing is waiting to be published." not in publisher_desk
    # The reporter edits on the article's page: the byline is not the text
    # the fact-checker read, the body is.
    client = client_of(rita)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url))
    data["byline"] = "By Rita Reyes"
    assert client.post(url, data).status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.READY
    data = form_data(client.get(url))
    data["body"] += "\n\nA new paragraph with a new number: 42 percent."
    assert client.post(url, data).status_code == 302
    article.refresh_from_db()
    expected = "the text changed after frank recorded that it has no checkable claims"
    assert article.status == Article.Status.IN_REVIEW
    assert article.review_reason == expected
    event = AuditEvent.objects.get(action=Action.SEND_BACK)
    assert event.user is None and event.detail == expected
    told = set(event.notifications.values_list("user__username", flat=True))
    assert told == {"paula", "rita", "frank"}
    publisher_desk = client_of(paula).get(reverse("admin:index")).content.decode()
    assert "Nothing is waiting to be published." in publisher_desk
    assert desk_reason(gate.gate_blockers(article)) == "no_claims_changed"


def test_an_import_update_of_a_text_signed_off_with_no_claims_sends_it_back(people):
    paula, rita, frank = people["publisher"], people["reporter"], people["checker"]
    article = ArticleFactory(status=Article.Status.DRAFT)
    desk.assign(article, user=paula, editor=paula, reporter=rita, checker=frank)
    workflow.submit_for_review(article, user=rita)
    workflow.record_no_claims(article, user=frank)
    desk.sign_off(article, user=frank)
    doc = export_article(Article.objects.get(pk=article.pk))
    doc["article"]["body"] += "\n\nA new paragraph with a new number: 42 percent."
    import_document(doc, user=rita, update=True)
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    assert "recorded that it has no checkable claims" in article.review_reason


# Re-confirming a rating --------------------------------------------------------------


def test_reconfirming_clears_staleness_without_a_rating_change_for_readers(
    people, client
):
    article = checked_article(people)
    paula, fiona = people["publisher"], people["checker2"]
    workflow.publish(article, user=paula)
    claim = article.claims.get()
    CitationFactory(claim=claim, source=SourceFactory(title="A second report"))
    claim.refresh_from_db()
    assert claim.stale
    assert desk_reason(gate.gate_blockers(article)) == "stale"
    reasons = workflow.check_reconfirm(claim, user=people["reporter"])
    assert reasons == [workflow.ONLY_CHECKERS_RATE]
    # Through the claim's page, as a fact-checker does from the desk.
    page = client_of(fiona).get(reverse("admin:articles_claim_change", args=[claim.pk]))
    assert "Re-confirm: still accurate" in page.content.decode()
    response = client_of(fiona).post(
        reverse("admin:articles_claim_reconfirm", args=[claim.pk]), follow=True
    )
    assert "Re-confirmed: still accurate" in response.content.decode()
    claim.refresh_from_db()
    assert not claim.stale and claim.rating == Rating.ACCURATE
    assert claim.checked_by == fiona
    assert gate.gate_blockers(article) == []
    workflow.publish(article, user=paula, note="A second source.")
    history = client.get(f"/articles/{article.slug}/history/").content.decode()
    assert "Accurate</span> → " not in history
    assert AuditEvent.objects.filter(action=Action.RECONFIRM, user=fiona).exists()


def desk_reason(blockers) -> str:
    return blockers[0].code if blockers else ""


def test_a_rating_that_holds_is_not_reconfirmed(people):
    claim = checked_article(people).claims.get()
    assert workflow.check_reconfirm(claim, user=people["checker2"]) == [
        "Its rating holds: nothing it covers changed since the check."
    ]
    with pytest.raises(ValidationError):
        workflow.reconfirm(claim, user=people["checker2"])


# Assignments -------------------------------------------------------------------------


def test_only_editors_assign_and_only_to_the_right_roles(people):
    article = checked_article(people)
    paula, rita, frank = people["publisher"], people["reporter"], people["checker"]
    assert desk.check_assign(article, user=rita) == [desk.ONLY_EDITORS_ASSIGN]
    with pytest.raises(PermissionDenied):
        desk.assign(article, user=rita, checker=frank)
    with pytest.raises(ValidationError, match="needs a fact-checker"):
        desk.assign(article, user=paula, checker=rita)
    due = timezone.now() - timedelta(hours=1)
    desk.assign(
        article, user=paula, editor=paula, reporter=rita, checker=frank, due_at=due
    )
    article.refresh_from_db()
    assert (article.editor, article.reporter, article.checker) == (paula, rita, frank)
    assert list(Article.objects.assigned_to(frank)) == [article]
    assert list(Article.objects.overdue()) == [article]
    # The lists' filters.
    client = client_of(frank)
    mine = client.get(reverse("admin:articles_article_changelist") + "?assigned=me")
    assert article.title in mine.content.decode()
    claims = client.get(reverse("admin:articles_claim_changelist") + "?due=overdue")
    assert claims.context["cl"].result_count == 1


def test_a_fact_checker_takes_a_claim_and_only_editors_give_it_to_others(people):
    claim = checked_article(people).claims.get()
    frank, fiona = people["checker"], people["checker2"]
    with pytest.raises(PermissionDenied):
        desk.assign_claim(claim, user=frank, assignee=fiona)
    desk.assign_claim(claim, user=frank, assignee=frank)
    assert Claim.objects.get(pk=claim.pk).assignee == frank
    with pytest.raises(PermissionDenied):
        desk.assign_claim(claim, user=fiona, assignee=None)
    desk.assign_claim(claim, user=people["publisher"], assignee=fiona)
    assert list(Claim.objects.assigned_to(fiona)) == [claim]


# Notes -------------------------------------------------------------------------------


def test_a_note_on_a_claim_follows_it_when_the_text_is_edited(people):
    article = checked_article(people)
    claim = article.claims.get()
    note = desk.add_note(
        article, user=people["checker"], text="Is 2022 right, @rita?", claim=claim
    )
    assert list(note.mentions.all()) == [people["reporter"]]
    old = article.body
    article.body = "A new first paragraph.\n\n" + old
    article.save()
    editing.process_edit(article, old_body=old)
    claim.refresh_from_db()
    assert claim.start > len("A new first paragraph.")
    assert Note.objects.get(pk=note.pk).claim == claim
    page = client_of(people["reporter"]).get(
        reverse("admin:articles_claim_change", args=[claim.pk])
    )
    assert "Is 2022 right, @rita?" in page.content.decode()
    reply = desk.add_note(article, user=people["reporter"], text="Yes.", parent=note)
    assert reply.claim == claim and reply.parent == note
    desk.resolve_note(note, user=people["reporter"])
    assert not Note.objects.open().filter(parent=None).exists()


def test_notes_never_reach_readers(people, client):
    article = checked_article(people)
    secret = "Our source asked not to be named"
    desk.add_note(article, user=people["checker"], text=secret)
    desk.add_note(
        article, user=people["checker"], text=secret, claim=article.claims.get()
    )
    workflow.publish(article, user=people["publisher"])
    for url in (
        f"/articles/{article.slug}/",
        f"/articles/{article.slug}/history/",
        "/",
        "/feed/",
        "/factchecks.json",
        "/sitemap.xml",
    ):
        response = client.get(url)
        body = b"".join(response) if response.streaming else response.content
        assert secret.encode() not in body, url
    assert secret not in json.dumps(export_article(article))


# Notifications -----------------------------------------------------------------------


class Mailbox:
    """A real SMTP server on 127.0.0.1 that refuses the first ``refuse`` sends."""

    def __init__(self, refuse: int = 0):
        self.refuse = refuse
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse:
                self.refuse -= 1
                return "451 Try again later"
            self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    """A port nobody listens on now (aiosmtpd cannot be given port 0)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(settings):
    def start(refuse: int = 0) -> Mailbox:
        mailbox = Mailbox(refuse)
        controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        servers.append(controller)
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {
                    "host": "127.0.0.1",
                    "port": controller.port,
                    "use_tls": False,
                    "timeout": 10,
                },
            }
        }
        settings.NEWSROOM_EMAIL_RETRY_SECONDS = 0  # the retry is due at once
        return mailbox

    servers = []
    yield start
    for controller in servers:
        controller.stop()


# The real worker, as in production: it commits, and on PostgreSQL it
# closes its connection between tasks, so the test's data must be committed.
@pytest.mark.django_db(transaction=True)
def test_an_assignment_is_emailed_once_by_the_worker_with_a_link_to_the_claim(
    people, smtp, run_tasks, django_capture_on_commit_callbacks
):
    mailbox = smtp(refuse=1)  # the first send fails
    claim = checked_article(people).claims.get()
    frank = people["checker"]
    with django_capture_on_commit_callbacks(execute=True):
        desk.assign_claim(claim, user=people["publisher"], assignee=frank)
    notification = Notification.objects.get(user=frank)
    assert notification.email_state == EmailState.PENDING
    assert mailbox.messages == []  # nothing is sent inside the request
    with django_capture_on_commit_callbacks(execute=True):
        ran = run_tasks()
    assert [r.status for r in ran] == ["SUCCESSFUL", "SUCCESSFUL"]
    assert len(mailbox.messages) == 1
    message = mailbox.messages[0]
    assert message["To"] == frank.email
    body = message.get_payload(decode=True).decode()
    assert f"/admin/articles/claim/{claim.pk}/change/" in body
    notification.refresh_from_db()
    assert notification.email_state == EmailState.SENT
    assert notification.email_attempts == 2
    # Another run of the task (a second worker, a replay) sends nothing more.
    from desk.tasks import send_notification_email

    with django_capture_on_commit_callbacks(execute=True):
        send_notification_email.enqueue(notification.pk, 1)
    run_tasks()
    assert len(mailbox.messages) == 1


# The real worker, as in production: it commits, and on PostgreSQL it
# closes its connection between tasks, so the test's data must be committed.
@pytest.mark.django_db(transaction=True)
def test_a_send_that_keeps_failing_ends_failed_and_stays_on_the_desk(
    people, smtp, run_tasks, django_capture_on_commit_callbacks
):
    smtp(refuse=99)
    article = checked_article(people)
    with django_capture_on_commit_callbacks(execute=True):
        desk.assign(article, user=people["publisher"], checker=people["checker"])
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    notification = Notification.objects.get(user=people["checker"])
    assert notification.email_state == EmailState.FAILED
    assert notification.email_attempts == 5 and "451" in notification.email_error
    desk_page = client_of(people["checker"]).get(reverse("admin:index"))
    assert notification.text in desk_page.content.decode()


# The real worker, as in production: it commits, and on PostgreSQL it
# closes its connection between tasks, so the test's data must be committed.
@pytest.mark.django_db(transaction=True)
def test_the_scheduler_sends_again_an_email_whose_task_was_lost_and_only_once(
    people, smtp, run_tasks, django_capture_on_commit_callbacks
):
    from django.core.management import call_command
    from django_tasks_db.models import DBTaskResult

    def scheduler() -> str:
        out = io.StringIO()
        call_command("publish_scheduled", stdout=out)
        return out.getvalue()

    mailbox = smtp()
    rita, frank = people["reporter"], people["checker"]
    article = checked_article(people)
    with django_capture_on_commit_callbacks(execute=True):
        desk.assign(article, user=people["publisher"], reporter=rita, checker=frank)
    tasks = {t.args_kwargs["args"][0]: t for t in DBTaskResult.objects.all()}
    by = {n.user: n.pk for n in Notification.objects.all()}
    # Frank's task: taken by a worker that was killed, "running" for ever.
    tasks[by[frank]].claim("killed-worker")
    # Rita's: the enqueue after the commit failed (logged and dropped).
    tasks[by[rita]].delete()
    assert scheduler() == ""  # a few minutes are left for the worker
    long_ago = timezone.now() - timedelta(minutes=10)
    DBTaskResult.objects.update(started_at=long_ago)
    Notification.objects.update(created_at=long_ago)
    assert scheduler() == (
        f"Enqueued again 2 lost emails (notifications {by[rita]}, {by[frank]}).\n"
    )
    assert scheduler() == ""  # queued now: not twice
    with django_capture_on_commit_callbacks(execute=True):
        run_tasks()
    assert sorted(m["To"] for m in mailbox.messages) == [frank.email, rita.email]
    assert set(Notification.objects.values_list("email_state", flat=True)) == {
        EmailState.SENT
    }
    # Sent, and its tasks pruned: the scheduler never sends it again.
    DBTaskResult.objects.all().delete()
    assert scheduler() == ""
    run_tasks()
    assert len(mailbox.messages) == 2


def test_an_email_whose_sending_dies_each_time_is_given_up_after_its_attempts(
    people,
):
    from desk import notifications

    rita = people["reporter"]
    article = checked_article(people)
    desk.assign(article, user=people["publisher"], reporter=rita)
    notification = Notification.objects.get(user=rita)
    later = timezone.now()
    for _ in range(notifications.MAX_ATTEMPTS):
        later += notifications.LOST_AFTER * 2  # each task lost in its turn
        assert notifications.send_lost(now=later) == [notification.pk]
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
    later += notifications.LOST_AFTER * 2
    assert notifications.send_lost(now=later) == [notification.pk]
    notification.refresh_from_db()
    assert notification.email_state == EmailState.FAILED
    assert "given up" in notification.email_error
    assert notifications.send_lost(now=later + notifications.LOST_AFTER * 2) == []


def test_a_notification_of_several_lines_is_emailed_with_a_one_line_subject(
    people, smtp, run_tasks, django_capture_on_commit_callbacks
):
    from desk import notifications

    mailbox = smtp()
    rita = people["reporter"]
    article = checked_article(people)
    with django_capture_on_commit_callbacks(execute=True):
        desk.assign(article, user=people["publisher"], reporter=rita)
    Notification.objects.filter(user=rita).update(text="Corrected:\nthe figure")
    pk = Notification.objects.get(user=rita).pk
    assert notifications.deliver(pk, 1) == EmailState.SENT
    assert mailbox.messages[-1]["Subject"].endswith("Corrected: the figure")


def test_the_people_on_an_article_hear_of_its_sign_off_and_publication(people):
    article = checked_article(people)
    paula, rita, frank = people["publisher"], people["reporter"], people["checker"]
    desk.assign(article, user=paula, editor=paula, reporter=rita, checker=frank)
    desk.sign_off(article, user=frank)
    workflow.publish(article, user=paula)
    told = {
        (n.user.username, n.event.action)
        for n in Notification.objects.select_related("user", "event")
    }
    assert ("rita", Action.SIGN_OFF) in told and ("paula", Action.SIGN_OFF) in told
    assert ("rita", Action.PUBLISH) in told and ("frank", Action.PUBLISH) in told
    assert ("frank", Action.SIGN_OFF) not in told  # nobody hears of their own act
    assert ("paula", Action.PUBLISH) not in told


# The audit log ------------------------------------------------------------------


def test_every_state_change_is_in_the_audit_log_and_exports_as_csv(people):
    article = checked_article(people, status=Article.Status.DRAFT)
    paula = people["publisher"]
    workflow.submit_for_review(article, user=people["reporter"])
    desk.assign(article, user=paula, checker=people["checker"])
    desk.sign_off(article, user=people["checker"])
    workflow.schedule(article, user=paula, publish_at=timezone.now())
    workflow.publish(article, user=paula)
    workflow.add_correction(article, user=paula, kind="correction", text="Fixed.")
    workflow.unpublish(article, user=paula, note="Legal.")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        Action.RATE,
        Action.SUBMIT,
        Action.ASSIGN,
        Action.SIGN_OFF,
        Action.SCHEDULE,
        Action.PUBLISH,
        Action.CORRECT,
        Action.UNPUBLISH,
    } <= actions
    client = client_of(paula)
    url = reverse("admin:desk_auditevent_changelist")
    filtered = client.get(url + "?action__exact=publish")
    assert filtered.context["cl"].result_count == 1
    export = client.get(
        reverse("admin:desk_auditevent_export") + "?action__exact=publish"
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert rows[0][0] == "when" and len(rows) == 2
    assert rows[1][1:4] == ["paula", "Published", article.title]
    assert client_of(people["reporter"]).get(url).status_code == 403


# The desk page ------------------------------------------------------------------


def test_recording_no_claims_and_deleting_a_rated_claim_are_in_the_audit_log(
    people,
):
    from tests.test_admin import claim_prefix, form_data

    frank, rita = people["checker"], people["reporter"]
    empty = ArticleFactory(status=Article.Status.IN_REVIEW)
    workflow.record_no_claims(empty, user=frank)
    event = AuditEvent.objects.get(action=Action.NO_CLAIMS)
    assert (event.user, event.article) == (frank, empty)
    assert "recorded that the text has no checkable claims" in str(event)
    # A rated claim deleted on the article's page, by its reporter.
    article = checked_article(people)
    claim = article.claims.get()
    client = client_of(rita)
    url = reverse("admin:articles_article_change", args=[article.pk])
    data = form_data(client.get(url))
    data[f"{claim_prefix(data, claim)}-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert not Claim.objects.filter(pk=claim.pk).exists()
    event = AuditEvent.objects.get(action=Action.DELETE_CLAIM)
    assert (event.user, event.article) == (rita, article)
    assert event.detail == f"{claim} (rated accurate)"
    # And on the claim's own page.
    other = checked_article(people, slug="globex").claims.get()
    delete_url = reverse("admin:articles_claim_delete", args=[other.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert AuditEvent.objects.filter(
        action=Action.DELETE_CLAIM, article=other.article, user=rita
    ).exists()


def test_each_role_sees_its_own_desk(people):
    article = checked_article(people)
    paula, frank = people["publisher"], people["checker"]
    desk.assign(article, user=paula, checker=frank, due_at=timezone.now())
    CitationFactory(claim=article.claims.get(), source=SourceFactory(title="New"))
    desk.add_note(article, user=paula, text="Can you look again, @frank?")
    pages = {
        name: client_of(people[name]).get(reverse("admin:index")).content.decode()
        for name in ("reporter", "checker", "publisher")
    }
    assert "Signed in as <strong>frank</strong>" in pages["checker"]
    assert "(Fact-checker)" in pages["checker"]
    assert "(Reporter)" in pages["reporter"] and "(Publisher)" in pages["publisher"]
    claim_url = reverse("admin:articles_claim_change", args=[article.claims.get().pk])
    assert claim_url in pages["checker"]  # the exact place to act
    assert "Claims waiting for a check" in pages["checker"]
    assert "Claims waiting for a check" not in pages["reporter"]
    assert "Scheduled publications" in pages["publisher"]
    assert "Scheduled publications" not in pages["checker"]
    assert "Can you look again, @frank?" in pages["checker"]
    assert "overdue" in pages["checker"]


def test_the_desk_warns_when_the_scheduler_is_not_running(people, client):
    from django.core.management import call_command

    article = checked_article(people)
    workflow.schedule(
        article,
        user=people["publisher"],
        publish_at=timezone.now() + timedelta(hours=1),
    )
    client = client_of(people["publisher"])
    assert "The scheduler has never run" in client.get("/admin/").content.decode()
    call_command("publish_scheduled")
    assert "The scheduler" not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("n", [1, 300])
def test_desk_queries_do_not_grow_with_articles_and_claims(
    people, django_assert_max_num_queries, n
):
    paula, frank = people["publisher"], people["checker"]
    for i in range(n):
        article = ArticleFactory(
            slug=f"a-{i}",
            status=Article.Status.IN_REVIEW,
            checker=frank,
            editor=paula,
            due_at=timezone.now() + timedelta(hours=i),
        )
        claim = ClaimFactory(article=article, tagged_by=people["reporter"])
        Note.objects.create(article=article, claim=claim, author=paula, text="@frank?")
        Article.objects.filter(pk=article.pk).update(
            publish_at=timezone.now() + timedelta(days=1), scheduled_by=paula
        )
    for user in (frank, paula):
        client = client_of(user)
        client.get("/admin/")  # the session, and the process's first reads
        with django_assert_max_num_queries(DESK_QUERIES):
            response = client.get("/admin/")
        assert response.status_code == 200


# Session, user, permissions, then each of a publisher's nine sections: its
# first rows, and its count when there are more (19 measured with 30 of
# everything, cut), and the scheduler's last run.
DESK_QUERIES = 20


def test_an_import_keeps_its_assignees_only_from_an_editor(people):
    article = checked_article(people)
    due = timezone.now() + timedelta(days=1)
    desk.assign(
        article,
        user=people["publisher"],
        reporter=people["reporter"],
        checker=people["checker"],
        due_at=due,
    )
    doc = export_article(Article.objects.get(pk=article.pk))
    assert doc["article"]["assignees"] == {
        "editor": None,
        "reporter": "rita",
        "checker": "frank",
    }
    doc["article"]["slug"] = "by-a-checker"
    result = import_document(doc, user=people["checker"])
    assert "article.assignees: not assigned: frank may not assign" in result.notes[0]
    assert result.article.checker is None and result.article.due_at is None
    doc["article"]["slug"] = "by-an-editor"
    imported = import_document(doc, user=people["publisher"]).article
    assert (imported.reporter, imported.checker) == (
        people["reporter"],
        people["checker"],
    )
    assert imported.due_at == due
    doc["article"]["assignees"]["checker"] = "rita"
    doc["article"]["slug"] = "wrong-role"
    with pytest.raises(DocumentError, match="cannot be the article's checker"):
        import_document(doc, user=people["publisher"])


def test_a_revised_explanation_is_not_shown_as_a_rating_change(people, client):
    article = checked_article(people)
    paula, frank = people["publisher"], people["checker"]
    workflow.publish(article, user=paula)
    claim = article.claims.get()
    workflow.rate_claim(
        claim, user=frank, rating=Rating.ACCURATE, explanation="A clearer reason."
    )
    workflow.publish(article, user=paula, note="Explained better.")
    history = client.get(f"/articles/{article.slug}/history/").content.decode()
    assert "the explanation was revised" in history
    assert "Accurate</span> → " not in history


def test_restoring_a_revision_keeps_who_is_on_the_article(people):
    from reversion.models import Version

    from articles import restoring

    article = checked_article(people)
    old = Version.objects.get_for_object(article).last().revision
    claim = article.claims.get()
    desk.assign(article, user=people["publisher"], checker=people["checker"])
    desk.assign_claim(claim, user=people["publisher"], assignee=people["checker2"])
    desk.sign_off(article, user=people["checker"])
    restoring.restore_revision(article, old, user=people["reporter"])
    article.refresh_from_db()
    assert article.checker == people["checker"]
    assert article.signed_off_by == people["checker"]
    assert article.claims.get().assignee == people["checker2"]
