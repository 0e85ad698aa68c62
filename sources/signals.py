"""A source with a new address is captured by the worker after the commit."""

from django.conf import settings
from django.db.models.signals import post_init, post_save
from django.dispatch import receiver

from entities.models import Source


@receiver(post_init, sender=Source)
def remember_url(sender, instance, **kwargs):
    instance._loaded_url = instance.__dict__.get("url", "")


@receiver(post_save, sender=Source)
def capture_new_url(sender, instance, created, raw=False, **kwargs):
    if raw or not instance.url or not settings.NEWSROOM_SOURCE_CAPTURE_ON_SAVE:
        instance._loaded_url = instance.url
        return
    if created or instance.url != getattr(instance, "_loaded_url", None):
        from .workflow import enqueue_capture

        enqueue_capture(instance.pk)
    instance._loaded_url = instance.url
