"""
Notifications: on the user's desk at once, and by email from the background
worker when the user has an address (never inside the request).

An email is sent once: the worker locks the notification, sends, and marks it
sent in the same transaction; a failed send is tried again later with a
growing delay, and after the last attempt it is marked failed (and stays on
the desk), never lost. An email whose task never reached the queue (the
enqueue after the commit failed) or died with its worker (the task stays
"running" for ever) is found by ``send_lost``, which the scheduler runs
every minute (``publish_scheduled``), and enqueued again.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from .models import Action, EmailState, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# A send takes seconds (the SMTP timeout bounds it): an email still waiting
# this long after its notification, with no task queued for it nor one that
# started or finished this recently, was lost.
LOST_AFTER = timedelta(minutes=5)

_PHRASES = {
    Action.ASSIGN: "{who} assigned you: {detail}",
    Action.NOTE: "{who} mentioned you in a note on {title}: {detail}",
    Action.SIGN_OFF: "{who} signed off {title}: every claim is checked",
    Action.SEND_BACK: "{title} went back to review: {detail}",
    Action.PUBLISH: "{who} published {title}",
    Action.UNPUBLISH: "{who} unpublished {title}: {detail}",
    Action.CORRECT: "{who} added a correction to {title}: {detail}",
}


def _text(event) -> str:
    who = (
        (event.user.get_full_name() or event.user.get_username()) if event.user else ""
    )
    phrase = _PHRASES.get(event.action, "{who} {action} {title}")
    text = phrase.format(
        who=who or "The system",
        title=f"“{event.article_title}”",
        detail=event.detail,
        action=event.get_action_display().lower(),
    )
    return text[:500]


def place(event) -> str:
    """Where to act on ``event`` in the admin: the claim, else the article."""
    if event.claim_id is not None:
        return reverse("admin:articles_claim_change", args=[event.claim_id])
    if event.article_id is not None:
        return reverse("admin:articles_article_change", args=[event.article_id])
    return reverse("admin:index")


def send(event, users) -> list[Notification]:
    """Notify ``users`` of ``event``; their emails go out after the commit."""
    made = []
    for user in users:
        made.append(
            Notification.objects.create(
                user=user,
                event=event,
                text=_text(event),
                url=place(event),
                email_state=EmailState.PENDING if user.email else EmailState.NONE,
            )
        )
    for notification in made:
        if notification.email_state == EmailState.PENDING:
            transaction.on_commit(lambda pk=notification.pk: _enqueue(pk), robust=True)
    return made


def _enqueue(pk: int, *, attempt: int = 1, delay: float = 0) -> None:
    from .tasks import send_notification_email

    task = send_notification_email
    if delay:
        task = task.using(run_after=timezone.now() + timedelta(seconds=delay))
    task.enqueue(pk, attempt)


def _tasks_alive(now) -> set[int]:
    """The notifications a task of the worker is queued for or working on."""
    from django.tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .tasks import send_notification_email

    since = now - LOST_AFTER
    tasks = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.READY)
        | Q(status=TaskResultStatus.RUNNING, started_at__gte=since)
        | Q(finished_at__gte=since),  # a retry is enqueued after its commit
        task_path=send_notification_email.module_path,
    )
    return {
        args_kwargs["args"][0]
        for args_kwargs in tasks.values_list("args_kwargs", flat=True)
        if args_kwargs.get("args")
    }


def lost(*, now=None) -> list[int]:
    """The notifications whose email waits with nothing left to send it."""
    now = now or timezone.now()
    waiting = Notification.objects.filter(
        email_state=EmailState.PENDING, created_at__lte=now - LOST_AFTER
    ).values_list("pk", flat=True)
    alive = _tasks_alive(now)
    return [pk for pk in waiting.order_by("pk") if pk not in alive]


def send_lost(*, now=None, dry_run: bool = False) -> list[int]:
    """
    Enqueue again the email of every notification ``lost`` finds (the
    scheduler's catch-up); returns their ids. Each is taken under its row
    lock and still waiting, and a worker sending it holds that lock, so an
    email already sent, or being sent, is left alone.
    """
    now = now or timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    enqueued = []
    for pk in lost(now=now):
        with transaction.atomic():
            notification = (
                Notification.objects.select_for_update(skip_locked=skip_locked)
                .filter(pk=pk, email_state=EmailState.PENDING)
                .first()
            )
            # Checked again in the lock: another run may have enqueued it.
            if notification is None or pk in _tasks_alive(now):
                continue
            if not dry_run:
                # A lost task counts as an attempt, so that an email whose
                # sending dies each time is given up like one that fails.
                notification.email_attempts += 1
                if notification.email_attempts > MAX_ATTEMPTS:
                    notification.email_state = EmailState.FAILED
                    notification.email_error = (
                        f"no attempt of the {MAX_ATTEMPTS} finished: given up"
                    )
                else:
                    # In the transaction: the task row commits with the check.
                    _enqueue(pk, attempt=notification.email_attempts)
                notification.save(
                    update_fields=["email_attempts", "email_state", "email_error"]
                )
            enqueued.append(pk)
    if enqueued and not dry_run:
        logger.warning(
            "Emails of notifications %s had no task to send them: enqueued again",
            ", ".join(map(str, enqueued)),
        )
    return enqueued


def retry_delay(attempt: int) -> float:
    """Seconds before attempt ``attempt + 1``: a minute, doubling each time."""
    return settings.NEWSROOM_EMAIL_RETRY_SECONDS * 2 ** (attempt - 1)


def deliver(pk: int, attempt: int) -> str:
    """Send the email of notification ``pk`` (the worker's task); its state."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("user")
            .filter(pk=pk, email_state=EmailState.PENDING)
            .first()
        )
        if notification is None:
            return "nothing to send"  # sent already, failed for good, or gone
        try:
            _message(notification).send()
        except (OSError, ValueError) as exc:  # smtplib's errors are OSErrors
            notification.email_attempts = attempt
            notification.email_error = f"{type(exc).__name__}: {exc}"[:500]
            # A message the mail library refuses is refused again: no retry.
            if attempt >= MAX_ATTEMPTS or isinstance(exc, ValueError):
                notification.email_state = EmailState.FAILED
                logger.error(
                    "Email of notification %s failed for good after %s attempts: %s",
                    pk,
                    attempt,
                    exc,
                )
            else:
                delay = retry_delay(attempt)
                transaction.on_commit(
                    lambda: _enqueue(pk, attempt=attempt + 1, delay=delay)
                )
                logger.warning(
                    "Email of notification %s failed (attempt %s), retried in %ss: %s",
                    pk,
                    attempt,
                    delay,
                    exc,
                )
            notification.save(
                update_fields=["email_attempts", "email_error", "email_state"]
            )
            return notification.email_state
        notification.email_state = EmailState.SENT
        notification.email_attempts = attempt
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["email_state", "email_attempts", "emailed_at"])
    logger.info("Email of notification %s sent to user %s", pk, notification.user_id)
    return EmailState.SENT


def _message(notification) -> EmailMessage:
    link = settings.SITE_URL + notification.url
    body = (
        f"{notification.text}\n\n"
        f"Open it: {link}\n\n"
        f"— {settings.NEWSROOM_NAME}'s desk. You get this because you are on "
        "the article or were named in a note; your desk lists every "
        "notification."
    )
    # One line: a header with a line break is refused (BadHeaderError).
    subject = " ".join(notification.text.split())[:120]
    return EmailMessage(
        subject=f"[{settings.NEWSROOM_NAME}] {subject}",
        body=body,
        to=[notification.user.email],
        headers={"Message-ID": f"<notification-{notification.pk}@newsroom>"},
    )
