"""
Where library images are used, and what a page shows of them.

- ``image_snapshot``: an image as a published version freezes it (its file
  and words); ``images_of``: every image an article shows (its lead image,
  those placed in its body, those its claims are about), frozen.
- ``refresh_placements``: the images an article's body places, found again
  on each save, for the library's "used in".
- ``record_version``: the images a published version shows, for "used in"
  and so that no image a published page shows can be deleted.
- ``image_problems``: what stops an article that shows images from being
  published (part of the publish gate).
- ``uses``: where one image is used, for its admin page.
"""

from dataclasses import dataclass

from django.db.models import Q

from .models import Image, ImagePlacement, VersionImage

SHOWN_USES = 20
# What an image says, beside its file: kept by a published version, carried
# by the interchange document.
IMAGE_WORDS = ("alt", "decorative", "caption", "credit", "licence", "source_url")


def image_snapshot(image: Image) -> dict:
    """What a published page keeps of ``image``: its file, size and words."""
    return {
        "id": image.pk,
        "file": image.file.name,
        "sha256": image.sha256,
        "format": image.format,
        "width": image.width,
        "height": image.height,
        **{name: getattr(image, name) for name in IMAGE_WORDS},
    }


def _placed_ids(body: str) -> list[int]:
    from articles.rendering import placed_images

    return list(dict.fromkeys(image_id for image_id, _ in placed_images(body)))


def images_of(article, claims=()) -> dict:
    """
    The images ``article`` shows, frozen: ``{"lead": id or None, "items":
    {id: snapshot}}``; ``claims``: its claims, when the caller has them.
    """
    wanted = set(_placed_ids(article.body or ""))
    if article.lead_image_id:
        wanted.add(article.lead_image_id)
    wanted |= {c.media_image_id for c in claims if c.media_image_id}
    found = Image.objects.in_bulk(wanted) if wanted else {}
    lead = article.lead_image_id if article.lead_image_id in found else None
    return {
        "lead": lead,
        "items": {
            str(pk): image_snapshot(image) for pk, image in sorted(found.items())
        },
    }


def refresh_placements(article) -> None:
    """Record the library images the article's body places (for "used in")."""
    placed = set(_placed_ids(article.body or ""))
    existing = set(article.image_placements.values_list("image_id", flat=True))
    if placed == existing:
        return
    article.image_placements.exclude(image_id__in=placed).delete()
    known = set(
        Image.objects.filter(pk__in=placed - existing).values_list("pk", flat=True)
    )
    ImagePlacement.objects.bulk_create(
        ImagePlacement(article=article, image_id=pk) for pk in sorted(known)
    )


def record_version(version) -> None:
    """Record the images ``version`` shows (its snapshot), as published."""
    items = (version.images or {}).get("items", {})
    VersionImage.objects.bulk_create(
        VersionImage(version=version, image_id=int(pk), sha256=item["sha256"])
        for pk, item in items.items()
    )


def image_problems(article, claims) -> list[tuple[str, str]]:
    """
    What stops ``article`` from being published because of its images, as
    (code, message) pairs: an image placed in the body that is not in the
    library, and an image shown without alt text (unless decorative).
    """
    problems = []
    placed = _placed_ids(article.body or "")
    shown: dict[int, list[str]] = {}
    if article.lead_image_id:
        shown.setdefault(article.lead_image_id, []).append("the lead image")
    for pk in placed:
        shown.setdefault(pk, []).append("in the body")
    for claim in claims:
        if claim.media_image_id:
            shown.setdefault(claim.media_image_id, []).append(
                f"claim {claim} is about it"
            )
    if not shown:
        return []
    images = Image.objects.in_bulk(shown)
    for pk, where in shown.items():
        image = images.get(pk)
        if image is None:
            problems.append(
                (
                    "image_missing",
                    f"The body places image #{pk}, which is not in the media "
                    "library: upload it, or correct the number in ![…](image:N).",
                )
            )
        elif not image.has_alt:
            problems.append(
                (
                    "image_alt",
                    f"Image {image} ({', '.join(where)}) has no alt text: describe "
                    "what it shows in the media library, or mark it decorative "
                    "if it adds nothing a reader would miss.",
                )
            )
    return problems


@dataclass
class Uses:
    """Where an image is used, a few of each kind, with how many in all."""

    lead_of: list
    placed_in: list
    claims: list
    versions: list
    counts: dict

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def uses(image: Image, *, shown: int = SHOWN_USES) -> Uses:
    """Where ``image`` is used: articles, claims and published versions."""
    from articles.models import Article, Claim, PublishedVersion

    lead_of = Article.objects.filter(lead_image=image).only("pk", "title", "slug")
    placed_in = Article.objects.filter(image_placements__image=image).only(
        "pk", "title", "slug"
    )
    claims = Claim.objects.filter(media_image=image).select_related("article")
    versions = (
        PublishedVersion.objects.filter(image_uses__image=image)
        .select_related("article")
        .only("pk", "number", "published_at", "article__title", "article__slug")
        .order_by("-published_at")
    )
    return Uses(
        lead_of=list(lead_of[:shown]),
        placed_in=list(placed_in[:shown]),
        claims=list(claims[:shown]),
        versions=list(versions[:shown]),
        counts={
            "lead": lead_of.count(),
            "body": placed_in.count(),
            "claims": claims.count(),
            "versions": versions.count(),
        },
    )


def used_filter() -> Q:
    """Images used anywhere (a queryset filter)."""
    return (
        Q(lead_of__isnull=False)
        | Q(placements__isnull=False)
        | Q(claims__isnull=False)
        | Q(versions__isnull=False)
    )


def refresh_pages_showing(sha256: str) -> int:
    """
    Render again the stored pages of the live versions that show the
    content ``sha256`` (its renditions are new); how many there were.
    """
    from articles import pages

    versions = pages.live_versions().filter(image_uses__sha256=sha256).distinct()
    if not versions.exists():
        return 0
    return pages.rerender(versions)


def ask_for_renditions(images: dict) -> int:
    """
    Ask the worker for the renditions that the images of a published page
    still lack (made when they were stored; asked again here in case that
    work was lost); how many images lack them.
    """
    from .figures import Gallery
    from .tasks import enqueue_renditions

    missing = Gallery((images or {}).get("items")).incomplete()
    for item in missing:
        enqueue_renditions(item["file"], item["sha256"], item["format"], item["width"])
    return len(missing)
