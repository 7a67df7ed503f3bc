"""Audit actions are named <app>.<noun>.<verb>: the entries recorded before are renamed alike. A designation
removed was recorded as a designation to nobody."""

from django.db import migrations

RENAMED = {"demo.statistics": "statistics.demo.load"}


def rename(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old, new in RENAMED.items():
        AuditEntry.objects.filter(action=old).update(action=new)
    for entry in AuditEntry.objects.filter(action="statistics.designate"):
        organisation = (entry.changes or {}).get("organisation") or [None, None]
        entry.action = (
            "statistics.reporter.undesignate" if organisation[-1] is None else "statistics.reporter.designate"
        )
        entry.save(update_fields=["action"])


def rename_back(apps, schema_editor):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old, new in RENAMED.items():
        AuditEntry.objects.filter(action=new).update(action=old)
    AuditEntry.objects.filter(action__startswith="statistics.reporter.").update(action="statistics.designate")


class Migration(migrations.Migration):
    dependencies = [("statistics", "0003_text_limits"), ("core", "0005_audit_action_names")]

    operations = [migrations.RunPython(rename, rename_back)]
