from django.apps import AppConfig


class MediaConfig(AppConfig):
    """
    The media library: images with their credits and alt text, their
    renditions, and where each is used. Its own app because media is its own
    world (files, storage, formats, background work), which articles only
    place and publish.
    """

    name = "media"
    verbose_name = "Media library"
