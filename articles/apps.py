from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and fact-checks"

    def ready(self):
        from entities.models import Entity, Source

        # Entity and source pages, and every article page that links them,
        # show their names: a change to one is a change readers can see.
        for model in (Entity, Source):
            post_save.connect(_public_change, sender=model, dispatch_uid=f"pub-{model}")
            post_delete.connect(
                _public_change, sender=model, dispatch_uid=f"pub-del-{model}"
            )


def _public_change(sender, **kwargs):
    if kwargs.get("raw"):
        return
    from .caching import bump_generation

    bump_generation()
