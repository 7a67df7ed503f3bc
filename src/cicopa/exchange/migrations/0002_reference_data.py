"""UN CPC Ver. 2.1 sections and divisions, and the usual units of measure (UN/CEFACT Recommendation 20, and
Recommendation 21 package codes prefixed with X as e-invoicing lists carry them), in en/fr/es. The files are in
exchange/data/; a later change to them comes with a migration of its own."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def _rows(name):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def load(apps, schema_editor):
    Category = apps.get_model("exchange", "Category")
    Unit = apps.get_model("exchange", "Unit")
    rows = _rows("cpc.csv")
    for level in ("section", "division"):
        for row in rows:
            if row["level"] == level:
                Category.objects.update_or_create(
                    code=row["code"],
                    defaults={
                        "level": level,
                        "parent_id": row["parent"] or None,
                        "name_en": row["name_en"],
                        "name_fr": row["name_fr"],
                        "name_es": row["name_es"],
                    },
                )
    for row in _rows("units.csv"):
        Unit.objects.update_or_create(
            code=row["code"],
            defaults={
                "symbol": row["symbol"],
                "name_en": row["name_en"],
                "name_fr": row["name_fr"],
                "name_es": row["name_es"],
                "position": int(row["position"]),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("exchange", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
