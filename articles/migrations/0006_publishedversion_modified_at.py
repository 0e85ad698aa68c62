from django.db import migrations, models


def fill_modified_at(apps, schema_editor):
    PublishedVersion = apps.get_model("articles", "PublishedVersion")
    PublishedVersion.objects.update(modified_at=models.F("published_at"))


class Migration(migrations.Migration):
    dependencies = [("articles", "0005_create_public_state_row")]

    operations = [
        migrations.AddField(
            model_name="publishedversion",
            name="modified_at",
            field=models.DateTimeField(
                null=True,
                help_text="When readers last saw a substantive change: a re-publish "
                "that changes nothing readers see keeps the previous date.",
            ),
        ),
        migrations.RunPython(fill_modified_at, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="publishedversion",
            name="modified_at",
            field=models.DateTimeField(
                help_text="When readers last saw a substantive change: a re-publish "
                "that changes nothing readers see keeps the previous date."
            ),
        ),
    ]
