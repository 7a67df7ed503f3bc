"""Country names as people write them ("Russie", not "Russie, Fédération de"): reload the names."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def reload_names(apps, schema_editor):
    Country = apps.get_model("core", "Country")
    with open(DATA / "countries.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            if "name_en" not in row:  # names come from CLDR since 0010: nothing to reload
                return
            Country.objects.filter(iso2=row["iso2"]).update(
                name_en=row["name_en"], name_fr=row["name_fr"], name_es=row["name_es"]
            )


class Migration(migrations.Migration):
    dependencies = [("core", "0002_reference_data")]
    operations = [migrations.RunPython(reload_names, migrations.RunPython.noop)]
