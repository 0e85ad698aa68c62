"""
The media library's rules: every change to the library is one function
here with its ``check_*`` twin (as ``articles.workflow``), which the admin,
``import_media`` and the article importer call; none decides a right itself.

- ``add_image``: a checked upload (``media.validation``) becomes a library
  image, its file stored under its content hash, its renditions asked of
  the background worker. A picture the library already has is refused
  (``check_new_file``, which the upload form and ``import_media`` ask
  first, so that they say so instead of failing on save).
- ``save_image``: its words (alt text, caption, credit, licence, source).
- ``replace_image``: a new file for the same library item. The old file is
  kept: published versions show what they were published with (their pages
  and snapshots name the old file) until the article is published again,
  and a claim about the image is stale until it is checked again.
- ``delete_image``: only when nothing uses it (articles, claims, published
  versions); its files go with it.
"""

import logging

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from . import usage
from .models import Image, Rendition
from .tasks import enqueue_renditions
from .validation import CheckedImage, check_upload

logger = logging.getLogger(__name__)

METADATA = ("title", *usage.IMAGE_WORDS)


def _may(user, permission: str) -> bool:
    return user is not None and user.is_active and user.has_perm(permission)


def _refuse(user, action: str, reasons: list[str]) -> PermissionDenied:
    logger.warning("Permission denied: %s may not %s", user, action)
    return PermissionDenied(" ".join(reasons))


def check_add_image(*, user) -> list[str]:
    """Whether ``user`` may add images to the library; why not."""
    if not _may(user, "media.add_image"):
        return ["You may not add images to the media library."]
    return []


def check_edit_image(image: Image, *, user) -> list[str]:
    """Whether ``user`` may change an image's words or file; why not."""
    if not _may(user, "media.change_image"):
        return ["You may not change images in the media library."]
    return []


def check_delete_image(image: Image, *, user) -> list[str]:
    """Whether ``user`` may delete ``image`` now; every reason why not."""
    if not _may(user, "media.delete_image"):
        return ["Only publishers may delete images from the media library."]
    found = usage.uses(image, shown=3)
    if not found.total:
        return []
    places = []
    if found.counts["lead"]:
        places.append(f"the lead image of {found.counts['lead']} article(s)")
    if found.counts["body"]:
        places.append(f"placed in {found.counts['body']} article(s)")
    if found.counts["claims"]:
        places.append(f"the subject of {found.counts['claims']} claim(s)")
    if found.counts["versions"]:
        places.append(f"shown by {found.counts['versions']} published version(s)")
    return [
        f"Image {image} is used ({'; '.join(places)}): remove it from them first. "
        "An image a published version shows is kept as long as the version."
    ]


def same_picture(checked: CheckedImage, *, image: Image | None = None) -> Image | None:
    """The library image (other than ``image``) whose file is ``checked``'s."""
    same = Image.objects.filter(sha256=checked.sha256)
    if image is not None and image.pk is not None:
        same = same.exclude(pk=image.pk)
    return same.order_by("pk").first()


def check_new_file(
    checked: CheckedImage, *, name: str, image: Image | None = None
) -> list[str]:
    """
    Whether ``checked`` (uploaded as ``name``) may become a library file, new
    or as ``image``'s replacement; why not: the same picture is in the
    library once, with one credit.
    """
    existing = same_picture(checked, image=image)
    if existing is None:
        return []
    return [
        f"{name}: this image is already in the library as {existing}: use "
        "that one (the same picture once, with one credit)."
    ]


def _refuse_duplicate(checked: CheckedImage, *, name: str, image=None) -> None:
    if reasons := check_new_file(checked, name=name, image=image):
        raise ValidationError(reasons, code="duplicate")


def store(checked: CheckedImage) -> str:
    """Store a checked image's file under its content hash; its name."""
    name = checked.storage_name
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(checked.data))
        if saved != name:  # a storage that renamed it: never expected
            raise ValidationError(f"The file was stored as {saved}, not {name}.")
    return name


def _set_file(image: Image, checked: CheckedImage, *, original_name: str) -> None:
    image.file.name = store(checked)
    image.sha256 = checked.sha256
    image.format = checked.format
    image.width, image.height = checked.width, checked.height
    image.bytes = len(checked.data)
    image.original_name = original_name[:255]


def add_image(
    data: bytes | CheckedImage,
    *,
    user,
    name: str,
    image: Image | None = None,
    dry_run: bool = False,
    **metadata,
) -> Image:
    """
    Add the file ``data`` (uploaded as ``name``; or already checked) to the
    library with its ``metadata`` (alt, caption, credit, licence, source_url,
    decorative, title), or with the words of ``image`` (unsaved, as a form
    made it). Raises ValidationError (the rule and the numbers) and stores
    nothing when the file or a field is refused.
    """
    if reasons := check_add_image(user=user):
        raise _refuse(user, "add images", reasons)
    unknown = set(metadata) - set(METADATA)
    if unknown:
        raise TypeError(f"Unknown image fields: {sorted(unknown)}")
    checked = data if isinstance(data, CheckedImage) else check_upload(data, name=name)
    _refuse_duplicate(checked, name=name)
    if image is None:
        image = Image(**metadata)
    image.uploaded_by = user
    image.full_clean(
        exclude=["file", "sha256", "format", "width", "height", "bytes"],
        validate_unique=False,
    )
    if dry_run:
        return image
    with transaction.atomic(), reversion.create_revision():
        _set_file(image, checked, original_name=name)
        image.save()
        reversion.set_user(user)
        reversion.set_comment(f"Uploaded {name}")
        enqueue_renditions(image.file.name, image.sha256, image.format, image.width)
    logger.info("Image %s (%s) added by %s", image.pk, image.sha256[:12], user)
    return image


def save_image(image: Image, *, user, kept: dict | None = None) -> Image:
    """
    Save a change to ``image``'s words (its file changes by ``replace_image``).
    The file and what was read from it stay as they are in the database, or
    as ``kept`` says they were (a revert of an old revision rewrites the row
    before the form is saved: what the editor may not change is put back).
    """
    if reasons := check_edit_image(image, user=user):
        raise _refuse(user, f"change image {image.pk}", reasons)
    with transaction.atomic():
        stored = Image.objects.select_for_update().get(pk=image.pk)
        for field in Image._meta.concrete_fields:
            if not field.editable and not field.primary_key:
                value = getattr(stored, field.attname)
                if kept and field.attname in kept:
                    value = kept[field.attname]
                setattr(image, field.attname, value)
        image.full_clean(validate_unique=False)
        image.save()
    logger.info("Image %s changed by %s", image.pk, user)
    return image


def replace_image(
    image: Image, data: bytes | CheckedImage, *, user, name: str
) -> Image:
    """Give ``image`` a new file (the old one is kept for published versions)."""
    if reasons := check_edit_image(image, user=user):
        raise _refuse(user, f"replace the file of image {image.pk}", reasons)
    checked = data if isinstance(data, CheckedImage) else check_upload(data, name=name)
    if checked.sha256 == image.sha256:
        return image
    _refuse_duplicate(checked, name=name, image=image)
    with transaction.atomic(), reversion.create_revision():
        image = Image.objects.select_for_update().get(pk=image.pk)
        before = image.sha256
        _set_file(image, checked, original_name=name)
        image.save()
        reversion.set_user(user)
        reversion.set_comment(f"Replaced the file with {name}")
        enqueue_renditions(image.file.name, image.sha256, image.format, image.width)
    logger.info(
        "Image %s replaced (%s -> %s) by %s",
        image.pk,
        before[:12],
        image.sha256[:12],
        user,
    )
    return image


def delete_image(image: Image, *, user) -> None:
    """Delete an image nothing uses, with its file and renditions."""
    if not _may(user, "media.delete_image"):
        raise _refuse(
            user, f"delete image {image.pk}", check_delete_image(image, user=user)
        )
    with transaction.atomic():
        image = Image.objects.select_for_update().get(pk=image.pk)
        if reasons := check_delete_image(image, user=user):
            raise ValidationError(reasons, code="in_use")
        names = [image.file.name]
        made = Rendition.objects.filter(source_sha256=image.sha256)
        names += [r.file.name for r in made]
        made.delete()
        pk = image.pk
        image.delete()
        transaction.on_commit(lambda: _delete_files(names))
    logger.info("Image %s deleted by %s", pk, user)


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("Could not delete %s from the storage", name)
