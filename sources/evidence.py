"""
The replication bundle of an article's live version (``evidence.json``):
every claim with its quote, rating and explanation, every citation with its
relation, excerpt and locator, and every source with its address, our
archived copy, its captures and their hashes, so that anyone can check the
check. docs/evidence.schema.json describes it.
"""

import io
import json
import zipfile

from django.urls import reverse

from articles.models import Article
from entities.models import Source
from newsroom.addresses import absolute_url

from .models import Capture, Watch

FORMAT = "newsroom.evidence"
# The newest captures of each source listed (a source checked daily for
# years keeps only its changes, but the bundle stays bounded all the same).
CAPTURES_PER_SOURCE = 50


def bundle(article: Article) -> dict:
    """The evidence document of ``article``'s live version."""
    version = article.live_version
    claims, source_ids = [], []
    for claim in version.claims:
        citations = []
        for cited in claim["citations"]:
            source_id = cited["source"]["id"]
            if source_id not in source_ids:
                source_ids.append(source_id)
            citations.append(
                {
                    "source": source_id,
                    "relation": cited["relation"],
                    "excerpt": cited["excerpt"],
                    "locator": cited["locator"],
                    "note": cited.get("note", ""),
                }
            )
        claimant = claim.get("claimant")
        claims.append(
            {
                "id": claim["id"],
                "quote": claim["quote"],
                "statement": claim["statement"],
                "kind": claim["kind"],
                "claimant": claimant["name"] if claimant else None,
                "rating": claim["rating"],
                "rating_label": claim["rating_label"],
                "rating_explanation": claim["rating_explanation"],
                "checked_at": claim["checked_at"],
                "citations": citations,
            }
        )
    return {
        "format": FORMAT,
        "version": 1,
        "article": {
            "slug": article.slug,
            "title": version.title,
            "url": absolute_url(article.get_absolute_url()),
            "version": version.number,
            "published_at": version.published_at.isoformat(timespec="seconds"),
        },
        "claims": claims,
        "sources": _sources(source_ids),
    }


def _sources(ids: list[int]) -> list[dict]:
    sources = Source.objects.select_related("publisher").in_bulk(ids)
    watches = Watch.objects.in_bulk(ids)
    captures: dict[int, list] = {}
    for capture in (
        Capture.objects.filter(source_id__in=ids)
        .order_by("source_id", "-captured_at", "-pk")
        .only(
            "source_id",
            "captured_at",
            "final_url",
            "status",
            "content_type",
            "sha256",
            "text_sha256",
            "origin",
            "warc",
        )
    ):
        kept = captures.setdefault(capture.source_id, [])
        if len(kept) < CAPTURES_PER_SOURCE:
            kept.append(capture)
    out = []
    for pk in ids:
        source = sources.get(pk)
        if source is None:
            continue
        watch = watches.get(pk)
        mine = captures.get(pk, [])
        out.append(
            {
                "id": pk,
                "title": source.title,
                "kind": source.kind,
                "publisher": source.publisher.name if source.publisher else None,
                "url": source.url or None,
                "archive_url": source.archive_url or None,
                "our_archive_url": (
                    absolute_url(reverse("sources:archive", args=[pk]))
                    if mine
                    else None
                ),
                "state": watch.state if watch else "unchecked",
                "checked_at": (
                    watch.checked_at.isoformat(timespec="seconds")
                    if watch and watch.checked_at
                    else None
                ),
                "captures": [_capture(c) for c in mine],
            }
        )
    return out


def warc_name(capture: Capture) -> str:
    return f"warc/capture-{capture.pk}.warc.gz"


def _capture(capture: Capture) -> dict:
    return {
        "id": capture.pk,
        "captured_at": capture.captured_at.isoformat(timespec="seconds"),
        "origin": capture.origin,
        "final_url": capture.final_url,
        "status": capture.status,
        "content_type": capture.content_type,
        "sha256": capture.sha256,
        "text_sha256": capture.text_sha256,
        "warc": warc_name(capture),
    }


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def zip_bundle(document: dict) -> bytes:
    """``evidence.json`` and the WARC file of every capture it lists."""
    ids = [c["id"] for s in document["sources"] for c in s["captures"]]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("evidence.json", dumps(document))
        for capture in Capture.objects.filter(pk__in=ids).only("pk", "warc"):
            name = warc_name(capture)
            with capture.warc.open("rb") as f:
                archive.writestr(name, f.read())
    return out.getvalue()
