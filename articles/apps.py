from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save


class ArticlesConfig(AppConfig):
    name = "articles"
    verbose_name = "Articles and fact-checks"

    def ready(self):
        from django.db.backends.signals import connection_created

        from entities.models import Entity, Source

        from .pages import prepare_statements

        # On PostgreSQL each connection prepares the article page's query.
        connection_created.connect(prepare_statements, dispatch_uid="prepare-pages")

        # Article pages list the entities they name by their current names:
        # their stored lists are rendered again before the generation moves
        # (below), so no request of the new generation sees the old list.
        post_save.connect(_entity_saved, sender=Entity, dispatch_uid="page-entity")
        pre_delete.connect(_entity_deleting, sender=Entity, dispatch_uid="page-del1")
        post_delete.connect(_entity_deleted, sender=Entity, dispatch_uid="page-del2")
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
        # A claim's stale flag, and the sign-off of its article, follow every
        # change of the claim or of its citations, whatever door made it.
        post_save.connect(
            _claim_saved, sender=self.get_model("Claim"), dispatch_uid="stale-claim"
        )
        for signal in (post_save, post_delete):
            signal.connect(
                _citation_changed,
                sender=self.get_model("Citation"),
                dispatch_uid=f"stale-citation-{signal is post_save}",
            )
        # The claimant's name and kind and a source's title and address are
        # printed in the ClaimReview: a change to them makes the ratings
        # that rest on them stale, whatever door made it.
        for model in (Entity, Source):
            pre_save.connect(_words_before, sender=model, dispatch_uid=f"words-{model}")
        post_save.connect(_entity_words, sender=Entity, dispatch_uid="stale-entity")
        post_save.connect(_source_words, sender=Source, dispatch_uid="stale-source")
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


def _entity_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        from .pages import entity_changed

        entity_changed(instance)


def _entity_deleting(sender, instance, **kwargs):
    from .pages import naming

    # Deleting the entity deletes its links to versions: note them first.
    instance._live_version_pks = list(naming(instance).values_list("pk", flat=True))


def _entity_deleted(sender, instance, **kwargs):
    from .models import PublishedVersion
    from .pages import rerender_entities

    pks = getattr(instance, "_live_version_pks", [])
    if pks:
        rerender_entities(PublishedVersion.objects.filter(pk__in=pks))


def _index_loaded_version(sender, instance, raw=False, **kwargs):
    if raw:
        from .search import index_version

        index_version(instance)


def _claim_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if not raw:
        from .staleness import claim_changed

        claim_changed(instance, created=created, update_fields=update_fields)


def _words_before(sender, instance, raw=False, **kwargs):
    if not raw and instance.pk is not None:
        from .staleness import remember_words

        remember_words(instance)


def _entity_words(sender, instance, raw=False, **kwargs):
    if not raw:
        from .staleness import words_changed

        words_changed(entity=instance)


def _source_words(sender, instance, raw=False, **kwargs):
    if not raw:
        from .staleness import words_changed

        words_changed(source=instance)


def _citation_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        from .staleness import citations_changed

        citations_changed(instance.claim_id)
