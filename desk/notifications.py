"""
Notifications: on the user's desk at once, and by email from the background
worker when the user has an address (never inside the request).

An email is sent once: the worker locks the notification, sends, and marks it
sent in the same transaction; a failed send is tried again later with a
growing delay, and after the last attempt it is marked failed (and stays on
the desk), never lost.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import Action, EmailState, Notification

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5

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
        message = _message(notification)
        try:
            message.send()
        except OSError as exc:  # smtplib's errors are OSErrors
            notification.email_attempts = attempt
            notification.email_error = f"{type(exc).__name__}: {exc}"[:500]
            if attempt >= MAX_ATTEMPTS:
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
    return EmailMessage(
        subject=f"[{settings.NEWSROOM_NAME}] {notification.text[:120]}",
        body=body,
        to=[notification.user.email],
        headers={"Message-ID": f"<notification-{notification.pk}@newsroom>"},
    )
