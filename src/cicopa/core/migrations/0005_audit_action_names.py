"""Audit actions are named <app>.<noun>.<verb>: the entries recorded before are renamed alike, so that the
history pages and any query by action find them."""

from django.db import migrations

RENAMED = {"api_token.create": "core.api_token.create", "api_token.revoke": "core.api_token.revoke"}


def rename(apps, schema_editor, forward=True):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old, new in RENAMED.items():
        source, target = (old, new) if forward else (new, old)
        AuditEntry.objects.filter(action=source).update(action=target)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("core", "0004_country_sort_keys")]

    operations = [migrations.RunPython(rename, rename_back)]
