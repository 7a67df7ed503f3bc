"""An organisation's history as its readers see it: the audit entries of the organisation and of its
memberships, officers and editing rights, with labels and values in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cicopa.core.models import AuditEntry
from cicopa.registry.models import Membership, Office, Organisation, OrganisationAccess
from cicopa.registry.queries import code_names


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
        "organisation.create": pgettext("what happened to an organisation", "Created"),
        "organisation.update": pgettext("what happened to an organisation", "Edited"),
        "organisation.import": pgettext("what happened to an organisation", "Imported from a file"),
        "organisation.import_undo": pgettext("what happened to an organisation", "An import undone"),
        "demo.generate": pgettext("what happened to an organisation", "Demo co-operatives generated"),
        "demo.statistics": pgettext("what happened to an organisation", "Demo statistical returns loaded"),
        "membership.create": pgettext("what happened to an organisation", "Membership recorded"),
        "membership.status": pgettext("what happened to an organisation", "Membership status changed"),
        "office.assign": pgettext("what happened to an organisation", "Officer recorded"),
        "office.end": pgettext("what happened to an organisation", "Officer's term ended"),
        "access.grant": pgettext("what happened to an organisation", "Editing rights given"),
        "access.revoke": pgettext("what happened to an organisation", "Editing rights withdrawn"),
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


def organisation_history(org: Organisation, *, limit: int = 500) -> list[HistoryEntry]:
    """The organisation's audit entries, newest first, with field labels and values in the reader's language."""
    actions = _action_labels()
    out = []
    for entry in _entries_about(org)[:limit]:
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
                "" if about_org else entry.object_repr,
            )
        )
    return out
