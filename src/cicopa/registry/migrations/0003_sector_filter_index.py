"""A covering index for "organisations of sector X", the directory's sector filter."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("registry", "0002_fulltext_search")]
    operations = [
        migrations.RunSQL(
            "CREATE INDEX registry_organisation_sectors_by_sector "
            "ON registry_organisation_sectors (sector_id, organisation_id)",
            "DROP INDEX registry_organisation_sectors_by_sector",
        )
    ]
