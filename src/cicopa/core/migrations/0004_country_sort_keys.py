"""Countries get their names folded per language, to be listed in the order their readers expect."""

from django.db import migrations, models

from cicopa.core.text import fold


def fill_sort_keys(apps, schema_editor):
    Country = apps.get_model("core", "Country")
    for country in Country.objects.all():
        for lang in ("en", "fr", "es"):
            setattr(country, f"sort_{lang}", fold(getattr(country, f"name_{lang}")))
        country.save(update_fields=["sort_en", "sort_fr", "sort_es"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_country_names"),
    ]

    operations = [
        migrations.AddField(
            model_name="country",
            name="sort_en",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="country",
            name="sort_es",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="country",
            name="sort_fr",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RunPython(fill_sort_keys, migrations.RunPython.noop),
    ]
