"""A legal form for companies (ESSGlobal's legal form L3, "Company"): co-operatives registered as companies,
as many worker co-operatives in the United Kingdom are, keep it as their legal form rather than "other"."""

from django.db import migrations


def add(apps, schema_editor):
    LegalForm = apps.get_model("core", "LegalForm")
    LegalForm.objects.filter(code="other").update(position=7)
    LegalForm.objects.update_or_create(
        code="company",
        defaults={
            "position": 6,
            "name_en": "Company",
            "name_fr": "Société commerciale",
            "name_es": "Sociedad mercantil",
        },
    )


def remove(apps, schema_editor):
    LegalForm = apps.get_model("core", "LegalForm")
    LegalForm.objects.filter(code="company").delete()
    LegalForm.objects.filter(code="other").update(position=6)


class Migration(migrations.Migration):
    dependencies = [("core", "0005_audit_action_names")]
    operations = [migrations.RunPython(add, remove)]
