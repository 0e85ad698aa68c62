from django.apps import AppConfig


class SourcesConfig(AppConfig):
    """
    Cited sources kept: captures, the safe fetcher, rot and drift checks.

    Its own app because it is its own world: it talks to the outside web,
    writes files to storage and runs on the worker and on a schedule, where
    ``entities`` only says who published what.
    """

    name = "sources"
    verbose_name = "Source archive"

    def ready(self):
        from . import signals  # noqa: F401
