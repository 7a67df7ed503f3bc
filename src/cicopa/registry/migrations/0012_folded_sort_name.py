"""Organisations sort by their folded names ('École' between 'Dock' and 'Ferme'): the column, filled for
every organisation, and the directory's two name indexes rebuilt on it. The column is nullable, so SQLite adds
it in place: the table and its search triggers stay as they are."""

from django.db import migrations, models

from cicopa.core.text import fold


def fill_sort_names(apps, schema_editor):
    Organisation = apps.get_model("registry", "Organisation")
    table = schema_editor.quote_name(Organisation._meta.db_table)
    rows = Organisation.objects.order_by("id").values_list("id", "name")
    batch: list[tuple[str, int]] = []
    with schema_editor.connection.cursor() as cursor:
        for pk, name in rows.iterator(chunk_size=5000):
            batch.append((fold(name), pk))
            if len(batch) == 5000:
                cursor.executemany(f"UPDATE {table} SET sort_name = %s WHERE id = %s", batch)
                batch = []
        if batch:
            cursor.executemany(f"UPDATE {table} SET sort_name = %s WHERE id = %s", batch)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_country_sort_keys"),
        ("registry", "0011_counts_limit"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="organisation",
            options={"ordering": ["sort_name"], "verbose_name": "organisation", "verbose_name_plural": "organisations"},
        ),
        migrations.RemoveIndex(
            model_name="organisation",
            name="registry_or_name_120fc2_idx",
        ),
        migrations.RemoveIndex(
            model_name="organisation",
            name="registry_org_country_name",
        ),
        migrations.AddField(
            model_name="organisation",
            name="sort_name",
            field=models.CharField(editable=False, max_length=255, null=True),
        ),
        migrations.RunPython(fill_sort_names, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["sort_name"], name="registry_org_sort_name"),
        ),
        migrations.AddIndex(
            model_name="organisation",
            index=models.Index(fields=["country", "sort_name"], name="registry_org_country_sort"),
        ),
    ]
