"""Audit actions are named <app>.<noun>.<verb>: the entries recorded before are renamed alike, so that the
history pages and any query by action find them."""

from django.db import migrations

RENAMED = {
    "access.grant": "registry.access.grant",
    "access.revoke": "registry.access.revoke",
    "demo.generate": "registry.demo.generate",
    "membership.create": "registry.membership.create",
    "membership.status": "registry.membership.set_status",
    "office.assign": "registry.office.assign",
    "office.end": "registry.office.end",
    "organisation.create": "registry.organisation.create",
    "organisation.update": "registry.organisation.update",
    "organisation.import": "registry.organisation.import",
    "person.create": "registry.person.create",
    "person.update": "registry.person.update",
    "user.invite": "registry.user.invite",
}


def rename(apps, schema_editor, forward=True):
    AuditEntry = apps.get_model("core", "AuditEntry")
    for old, new in RENAMED.items():
        source, target = (old, new) if forward else (new, old)
        AuditEntry.objects.filter(action=source).update(action=target)


def rename_back(apps, schema_editor):
    rename(apps, schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [("registry", "0014_access_invitations"), ("core", "0005_audit_action_names")]

    operations = [migrations.RunPython(rename, rename_back)]
