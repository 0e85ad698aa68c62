"""The desk's background tasks (Django's Tasks framework)."""

from django.tasks import task

from . import notifications


@task()
def send_notification_email(notification_id: int, attempt: int = 1) -> str:
    """Send the email of one notification; tried again later if it fails."""
    return notifications.deliver(notification_id, attempt)
