"""
A rating now covers everything the ClaimReview says of the claim: its
claimant, claim reviewed (statement) and kind as well as its quote and
citations. Checks that held under the old fingerprint (quote and citations)
are fingerprinted again with the new one, so no rating goes stale by the
upgrade; a rating already stale stays stale. The formulas are frozen here
as they were when this migration was written.
"""

import hashlib
import json

from django.db import migrations


def _citations(claim):
    return sorted(
        [c.source_id, c.relation, c.excerpt.strip(), c.locator.strip()]
        for c in claim.citations.all()
    )


def _hash(data) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def old_fingerprint(claim) -> str:
    return _hash({"quote": claim.quote, "citations": _citations(claim)})


def new_fingerprint(claim) -> str:
    return _hash(
        {
            "quote": claim.quote,
            "claimant": claim.claimant_id,
            "statement": claim.statement.strip(),
            "kind": claim.kind,
            "citations": _citations(claim),
        }
    )


def _rated(apps):
    Claim = apps.get_model("articles", "Claim")
    return (
        Claim.objects.exclude(rating="unrated")
        .select_related("claimant")
        .prefetch_related("citations")
        .iterator(chunk_size=500)
    )


def forwards(apps, schema_editor):
    Claim = apps.get_model("articles", "Claim")
    for claim in _rated(apps):
        if claim.checked_fingerprint != old_fingerprint(claim):
            continue
        snapshot = dict(claim.checked_snapshot or {})
        snapshot.update(
            claimant=claim.claimant_id,
            claimant_name=claim.claimant.name if claim.claimant_id else "",
            statement=claim.statement.strip(),
            kind=claim.kind,
        )
        Claim.objects.filter(pk=claim.pk).update(
            checked_fingerprint=new_fingerprint(claim), checked_snapshot=snapshot
        )


def backwards(apps, schema_editor):
    Claim = apps.get_model("articles", "Claim")
    for claim in _rated(apps):
        if claim.checked_fingerprint == new_fingerprint(claim):
            Claim.objects.filter(pk=claim.pk).update(
                checked_fingerprint=old_fingerprint(claim)
            )


class Migration(migrations.Migration):
    dependencies = [("articles", "0015_article_scheduled_by")]

    operations = [migrations.RunPython(forwards, backwards)]
