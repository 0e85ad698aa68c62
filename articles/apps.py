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
        # Deleting an article takes its live version with it: cached pages
        # that show it must go too.
        post_delete.connect(
            _public_change, sender=self.get_model("Article"), dispatch_uid="pub-del-art"
        )
        # Search indexes are not models: fill them for published versions that
        # a fixture (loaddata of a backup) brings back.
        post_save.connect(
            _index_loaded_version,
            sender=self.get_model("PublishedVersion"),
            dispatch_uid="index-loaded-version",
        )


def _public_change(sender, **kwargs):
    if kwargs.get("raw"):
        return
    from .caching import bump_generation

    bump_generation()


def _index_loaded_version(sender, instance, raw=False, **kwargs):
    if raw:
        from .search import index_version

        index_version(instance)
