"""
The rules of entities and sources that other doors must keep too (the
admin's forms and its revision reverts, imports).
"""

import logging
from dataclasses import dataclass, field

import reversion
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from .models import Entity, Source

logger = logging.getLogger(__name__)


def fixed_fields(entity: Entity | None) -> dict[str, str]:
    """The fields of ``entity`` no edit or revert may change, with the reason."""
    if entity is not None and entity.linked_from_published_pages:
        return {
            "slug": "Published pages link its address (they name it or show a "
            "claim of it), so the address is fixed."
        }
    return {}


def check_recover(model, *, user) -> list[str]:
    """
    Why ``user`` may not recover a deleted ``model`` record: a recovery undoes
    a delete, so it needs the rights to delete and to add such records.
    """
    opts = model._meta
    needed = [
        f"{opts.app_label}.{action}_{opts.model_name}" for action in ("add", "delete")
    ]
    if user.is_active and all(user.has_perm(p) for p in needed):
        return []
    return [
        f"Recovering a deleted {opts.verbose_name} undoes a delete: only those who "
        f"may delete {opts.verbose_name_plural} may recover them."
    ]


# Merging duplicate sources -----------------------------------------------------

MERGE_PERMISSIONS = ("entities.change_source", "articles.change_citation")


@dataclass
class MergeReport:
    """What a merge did: the citations it moved and the ratings it made stale."""

    kept: Source
    merged: list[Source] = field(default_factory=list)
    moved: int = 0
    folded: int = 0
    stale_claims: list = field(default_factory=list)

    def __str__(self):
        text = (
            f"Merged {len(self.merged)} duplicate source(s) into “{self.kept.title}”: "
            f"{self.moved} citation(s) moved"
        )
        if self.folded:
            text += f", {self.folded} that repeated one it already had removed"
        if self.stale_claims:
            text += (
                f"; {len(self.stale_claims)} rating(s) now need a re-check, as "
                "their citations changed"
            )
        return text + "."


def may_merge(user) -> bool:
    """Whether ``user`` holds the rights a merge uses."""
    return bool(user and user.is_active and all(map(user.has_perm, MERGE_PERMISSIONS)))


def check_merge_sources(keep: Source, *, user, duplicates) -> list[str]:
    """Whether ``user`` may merge ``duplicates`` into ``keep``; why not."""
    if not may_merge(user):
        return ["Only those who may change sources and citations may merge sources."]
    reasons = []
    duplicates = [d for d in duplicates if d.pk != keep.pk]
    if not duplicates:
        reasons.append("Choose at least two sources: the one to keep and a duplicate.")
    if keep.merged_into_id:
        reasons.append(
            f"“{keep.title}” was itself merged into another source: keep that one."
        )
    for duplicate in duplicates:
        if duplicate.merged_into_id:
            reasons.append(f"“{duplicate.title}” is already merged.")
    if not keep.url_key and keep.url:
        # Left without its key by the key's migration: it takes the key now,
        # so the source holding it must be merged too.
        holder = (
            Source.objects.with_url(keep.url)
            .exclude(pk__in=[keep.pk, *(d.pk for d in duplicates)])
            .first()
        )
        if holder is not None:
            reasons.append(
                f"“{keep.title}” has the address of “{holder.title}”: merge into "
                "that one, or include it."
            )
    return reasons


def merge_sources(keep: Source, *, duplicates, user) -> MergeReport:
    """
    Merge ``duplicates`` into ``keep``: their citations cite ``keep`` (a
    citation that repeats one the claim already has is removed), the ratings
    that covered them go stale (articles.staleness, on each citation's save),
    and each duplicate stays as a pointer whose public page sends readers to
    ``keep``. One revision records it.
    """
    from articles.models import Citation, Claim

    if reasons := check_merge_sources(keep, user=user, duplicates=duplicates):
        if not may_merge(user):
            raise PermissionDenied(" ".join(reasons))
        raise ValidationError(reasons, code="merge_refused")
    pks = {d.pk for d in duplicates} - {keep.pk}
    with transaction.atomic(), reversion.create_revision():
        locked = {
            s.pk: s
            for s in Source.objects.select_for_update().filter(pk__in=pks | {keep.pk})
        }
        keep = locked[keep.pk]
        duplicates = [locked[pk] for pk in sorted(pks)]
        if reasons := check_merge_sources(keep, user=user, duplicates=duplicates):
            raise ValidationError(reasons, code="merge_refused")
        report = MergeReport(kept=keep, merged=duplicates)
        claim_ids = set()
        citations = (
            Citation.objects.select_for_update()
            .filter(source_id__in=pks)
            .order_by("pk")
        )
        for citation in citations:
            claim_ids.add(citation.claim_id)
            repeated = Citation.objects.filter(
                claim_id=citation.claim_id,
                source=keep,
                relation=citation.relation,
                excerpt=citation.excerpt,
                locator=citation.locator,
            ).exists()
            if repeated:
                citation.delete()
                report.folded += 1
            else:
                citation.source = keep
                citation.save()
                report.moved += 1
        for duplicate in duplicates:
            for earlier in duplicate.merged.all():  # no chains of pointers
                earlier.merged_into = keep
                earlier.save()
            duplicate.merged_into = keep
            duplicate.save()
        keep.save()  # a duplicate left by the key's migration takes the key now
        claims = Claim.objects.filter(pk__in=claim_ids).select_related("article")
        for claim in claims:
            reversion.add_to_revision(claim.article)
            if claim.stale:
                report.stale_claims.append(claim)
        reversion.set_user(user)
        reversion.set_comment(str(report))
    logger.info(
        "Sources %s merged into source %s by %s (%s citations moved)",
        sorted(pks),
        keep.pk,
        user,
        report.moved,
    )
    return report
