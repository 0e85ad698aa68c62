"""
Fill the new stale flag of every rated claim: stale when its check's
fingerprint no longer matches what the rating covers (the formula of
articles.staleness when this migration was written, frozen here).
"""

import hashlib
import json

from django.db import migrations


def fingerprint(claim) -> str:
    data = {
        "quote": claim.quote,
        "claimant": claim.claimant_id,
        "statement": claim.statement.strip(),
        "kind": claim.kind,
        "citations": sorted(
            [c.source_id, c.relation, c.excerpt.strip(), c.locator.strip()]
            for c in claim.citations.all()
        ),
    }
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


def forwards(apps, schema_editor):
    Claim = apps.get_model("articles", "Claim")
    stale = [
        claim.pk
        for claim in Claim.objects.exclude(rating="unrated")
        .prefetch_related("citations")
        .iterator(chunk_size=500)
        if claim.checked_fingerprint != fingerprint(claim)
    ]
    for start in range(0, len(stale), 500):
        Claim.objects.filter(pk__in=stale[start : start + 500]).update(stale=True)


def backwards(apps, schema_editor):
    pass  # the column goes with the previous migration's reverse


class Migration(migrations.Migration):
    dependencies = [("articles", "0018_claim_stale_and_assignee")]

    operations = [migrations.RunPython(forwards, backwards)]
