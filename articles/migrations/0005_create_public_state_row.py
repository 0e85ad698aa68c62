from django.db import migrations


def create_row(apps, schema_editor):
    PublicState = apps.get_model("articles", "PublicState")
    PublicState.objects.get_or_create(pk=1)


def delete_row(apps, schema_editor):
    apps.get_model("articles", "PublicState").objects.filter(pk=1).delete()


class Migration(migrations.Migration):
    dependencies = [("articles", "0004_public_state")]

    operations = [migrations.RunPython(create_row, delete_row)]
