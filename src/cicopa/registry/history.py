"""An organisation's history as its readers see it: the audit entries of the organisation and of its
memberships, officers and editing rights, with labels and values in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cicopa.core import subdivisions
from cicopa.core.models import AuditEntry
from cicopa.registry.directory_queries import code_names
from cicopa.registry.models import AccessRole, Membership, Office, OfficeRole, Organisation, OrganisationAccess


@dataclass(frozen=True)
class FieldChange:
    """One field of an audit entry, ready to show: its label and its old and new values as text."""

    label: str
    old: str  # "" shows as "empty"
    new: str
    pair: bool  # False: a single value (an identifier, a note), or the values an organisation started with


@dataclass(frozen=True)
class HistoryEntry:
    when: Any
    who: str
    action: str
    changes: list[FieldChange]
    subject: str = ""  # what the entry is about when not the organisation itself: a membership, an office, ...


def _action_labels() -> dict[str, str]:
    return {
        "registry.organisation.create": pgettext("what happened to an organisation", "Created"),
        "registry.organisation.update": pgettext("what happened to an organisation", "Edited"),
        "registry.organisation.import": pgettext("what happened to an organisation", "Imported from a file"),
        "registry.demo.generate": pgettext("what happened to an organisation", "Demo co-operatives generated"),
        "statistics.demo.load": pgettext("what happened to an organisation", "Demo statistical returns loaded"),
        "registry.membership.create": pgettext("what happened to an organisation", "Membership recorded"),
        "registry.membership.set_status": pgettext("what happened to an organisation", "Membership status changed"),
        "registry.office.assign": pgettext("what happened to an organisation", "Officer recorded"),
        "registry.office.end": pgettext("what happened to an organisation", "Officer's term ended"),
        "registry.access.grant": pgettext("what happened to an organisation", "Editing rights given"),
        "registry.access.revoke": pgettext("what happened to an organisation", "Editing rights withdrawn"),
        "registry.organisation.import_undo": pgettext("what happened to an organisation", "An import undone"),
    }


def _field_labels() -> dict[str, str]:
    labels: dict[str, str] = {
        str(f.name): str(f.verbose_name) for f in Organisation._meta.get_fields() if hasattr(f, "verbose_name")
    }
    labels |= {f"{name}_id": labels[name] for name in ("country", "membership_type", "legal_form")}
    labels |= {
        "identifier": _("identifier in the imported file"),
        "import": _("import"),
        "sectors": _("sectors"),
        "cooperatives": _("co-operatives"),
        "returns": _("returns"),
        "role": _("role"),
        "start": _("start"),
        "end": _("end"),
        "note": _("note"),
    }
    return labels


def field_labels(fields: Iterable[str]) -> set[str]:
    """The labels `field_changes` gives these fields."""
    labels = _field_labels()
    return {labels.get(f, f) for f in fields}


# Kept in an entry to find it, and shown by its subject already.
_FOUND_BY = ("user", "organisation")


def _entries_about(org: Organisation) -> QuerySet[AuditEntry]:
    """The audit entries of the organisation and of its memberships (as member or as parent), offices and
    editing rights, withdrawn ones included."""

    def ids(qs: QuerySet[Any]) -> QuerySet[Any]:  # a subquery: a federation may have more members than
        return qs.annotate(text_id=Cast("pk", CharField())).values("text_id")  # SQL takes parameters

    return (
        AuditEntry.objects.filter(
            Q(object_type="registry.organisation", object_id=str(org.pk))
            | Q(
                object_type="registry.membership",
                object_id__in=ids(Membership.objects.filter(Q(member=org) | Q(parent=org))),
            )
            | Q(object_type="registry.office", object_id__in=ids(Office.objects.filter(organisation=org)))
            | Q(
                object_type="registry.organisationaccess",
                object_id__in=ids(OrganisationAccess.objects.filter(organisation=org)),
            )
            | Q(object_type="registry.organisationaccess", changes__organisation=org.pk)
        )
        .select_related("actor")
        .order_by("-created_at", "-id")
    )


def field_changes(changes: dict[str, Any]) -> list[FieldChange]:
    """An audit diff ({field: [old, new]}, or {field: value}) as rows to show, in the reader's language."""
    names = code_names()
    labels = _field_labels()

    def show(field: str, value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if isinstance(value, list):
            return ", ".join(show(field, v) for v in value)
        if field == "subdivision":
            return subdivisions.label(str(value))
        return names.get(field, {}).get(str(value), str(value))

    pairs = {k: v for k, v in changes.items() if isinstance(v, list) and len(v) == 2}
    started = bool(pairs) and all(old is None for old, _new in pairs.values())
    rows = []
    for field, change in changes.items():
        label = labels.get(str(field), str(field))
        if field in pairs:
            old, new = change
            if show(field, old) == show(field, new) == "":
                continue
            rows.append(FieldChange(label, show(field, old), show(field, new), pair=not started))
        else:
            rows.append(FieldChange(label, "", show(field, change), pair=False))
    return rows


def _subjects(entries: list[AuditEntry]) -> dict[int, str]:
    """What each entry about an office or an editing right is about, worded in the reader's language. The
    entry's own `object_repr` was written in the writer's language when it was made ("Marie — Contact person,
    SCOP"): the office or right is read again instead, or, once removed, rebuilt from the entry's changes."""

    def ids(kind: str) -> set[int]:
        return {int(e.object_id) for e in entries if e.object_type == kind and e.object_id.isdigit()}

    offices = Office.objects.select_related("person", "organisation").in_bulk(ids("registry.office"))
    rights = OrganisationAccess.objects.select_related("user", "organisation").in_bulk(
        ids("registry.organisationaccess")
    )
    gone = [e for e in entries if e.object_type == "registry.organisationaccess" and int(e.object_id) not in rights]
    users = get_user_model().objects.in_bulk(
        {c["user"] for e in gone if isinstance(c := e.changes, dict) and "user" in c}
    )
    orgs = Organisation.objects.in_bulk(
        {c["organisation"] for e in gone if isinstance(c := e.changes, dict) and "organisation" in c}
    )
    roles = {str(k): str(v) for k, v in (*OfficeRole.choices, *AccessRole.choices)}
    out: dict[int, str] = {}
    for e in entries:
        key = int(e.object_id) if e.object_id.isdigit() else None
        if e.object_type == "registry.office" and key in offices:
            office = offices[key]
            out[e.pk] = f"{office.person} — {roles[office.role]}, {office.organisation}"
        elif e.object_type == "registry.organisationaccess" and key in rights:
            right = rights[key]
            out[e.pk] = f"{right.user} — {roles[right.role]}, {right.organisation}"
        elif e.object_type == "registry.organisationaccess" and isinstance(changes := e.changes, dict):
            role = next((r for r in changes.get("role") or [] if r), "")
            user, where = users.get(changes.get("user")), orgs.get(changes.get("organisation"))
            if user is not None and where is not None and role in roles:
                out[e.pk] = f"{user} — {roles[role]}, {where}"
    return out


def organisation_history(org: Organisation, *, limit: int = 500) -> list[HistoryEntry]:
    """The organisation's audit entries, newest first, with field labels and values in the reader's language."""
    actions = _action_labels()
    entries = list(_entries_about(org)[:limit])
    subjects = _subjects(entries)
    out = []
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        about_org = entry.object_type == "registry.organisation"
        if not about_org:
            changes = {k: v for k, v in changes.items() if k not in _FOUND_BY}
        action = actions.get(entry.action, entry.action)
        out.append(
            HistoryEntry(
                entry.created_at,
                entry.actor_label,
                action,
                field_changes(changes),
                "" if about_org else subjects.get(entry.pk, entry.object_repr),
            )
        )
    return out
