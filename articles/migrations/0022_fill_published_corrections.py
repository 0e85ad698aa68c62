"""
The corrections of the versions published before PublishedCorrection existed,
from each version's own list of them (its JSON), oldest version first, so
each correction knows the version in which readers first saw it.
"""

from django.db import migrations


def fill(apps, schema_editor):
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    PublishedCorrection = apps.get_model("articles", "PublishedCorrection")
    Correction = apps.get_model("articles", "Correction")
    first_seen = {}
    rows = []
    versions = PublishedVersion.objects.only(
        "pk", "article_id", "number", "corrections"
    ).order_by("article_id", "number")
    for version in versions.iterator():
        corrections = {
            (c.kind, c.text, c.date.isoformat(timespec="seconds")): c.pk
            for c in Correction.objects.filter(article_id=version.article_id)
        }
        for position, shown in enumerate(version.corrections or []):
            key = (shown["kind"], shown["text"], shown["date"])
            first = first_seen.setdefault((version.article_id, key), version.number)
            rows.append(
                PublishedCorrection(
                    version_id=version.pk,
                    correction_id=corrections.get(key),
                    position=position,
                    kind=shown["kind"],
                    text=shown["text"],
                    date=shown["date"],
                    first_number=first,
                )
            )
        if len(rows) >= 1000:
            PublishedCorrection.objects.bulk_create(rows)
            rows = []
    PublishedCorrection.objects.bulk_create(rows)


def empty(apps, schema_editor):
    apps.get_model("articles", "PublishedCorrection").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0021_publishedcorrection"),
    ]

    operations = [migrations.RunPython(fill, empty)]
