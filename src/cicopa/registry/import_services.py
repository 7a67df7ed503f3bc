"""Writes around imports: column mappings kept under a name, the record of each import, and undoing one.
Each checks permissions and writes its audit entries, like every service of the registry."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.core import audit
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Sector
from cicopa.core.validators import text_problem
from cicopa.registry import permissions
from cicopa.registry.import_formats import CICOPA_COLUMNS
from cicopa.registry.import_writes import FIELDS
from cicopa.registry.models import (
    AccessInvitation,
    ExternalIdentifier,
    ImportMapping,
    ImportRun,
    Membership,
    Office,
    Organisation,
    OrganisationAccess,
    OrganisationKind,
)


@transaction.atomic
def import_mapping_save(*, actor: Any, name: str, columns: Mapping[str, str], kind: str) -> ImportMapping:
    """Keep how a file's columns are read under `name`, replacing a mapping of that name."""
    if not permissions.can_save_import_mapping(actor):
        raise PermissionDenied(_("Only the secretariat keeps column mappings."))
    name = " ".join(name.split())
    limit = ImportMapping._meta.get_field("name").max_length
    if not name:
        raise ValidationError({"name": _("Give the mapping a name, such as the source of its files.")})
    if message := text_problem(name, limit):
        raise ValidationError({"name": message})
    unknown = sorted({field for field in columns.values() if field and field not in CICOPA_COLUMNS})
    if unknown:
        raise ValidationError(
            {"columns": _("Not columns of the cicopa format: %(fields)s.") % {"fields": ", ".join(unknown)}}
        )
    if kind not in OrganisationKind.values:
        raise ValidationError({"kind": _("Unknown kind: %(value)s") % {"value": kind}})
    mapping = ImportMapping.objects.select_for_update().filter(name=name).first()
    before = audit.snapshot(mapping, ("columns", "kind")) if mapping else {}
    if mapping is None:
        mapping = ImportMapping(name=name, created_by=actor)
    mapping.columns, mapping.kind = dict(columns), kind
    mapping.save()
    changes = audit.diff(before, audit.snapshot(mapping, ("columns", "kind")))
    audit.record(actor=actor, action="registry.import_mapping.save", obj=mapping, changes=changes)
    return mapping


def record_run(*, actor: Any, report: Any, options: Mapping[str, Any]) -> ImportRun:
    """Record an import that wrote, with its report and what undoing it needs; called by the importer inside
    the import's transaction (its permission checked there), so the record stands or falls with the import."""
    run = ImportRun.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=audit.actor_label(actor),
        filename=str(options.get("filename", ""))[:255],
        size=options.get("size") or 0,
        format=options["fmt"],
        scheme=options["scheme"],
        mapping_name=str(options.get("mapping_name") or "")[:100],
        task=options.get("task"),
        rows=report.rows,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        warnings=len(report.warnings),
        report={
            "mapping": report.mapping,
            "kind": options.get("kind", ""),
            "country_fixes": dict(options.get("country_fixes") or {}),
            "ignored_columns": report.ignored_columns,
            "warnings": [[w.row, w.column, w.value, w.message] for w in report.warnings[: ImportRun.REPORT_WARNINGS]],
        },
        undo_data={
            # The audit entries the import wrote are those of ids in this range: a later one about an organisation
            # it created is a change since (unless of an import since undone).
            "audit_ids": [options.get("audit_after", 0), _last_audit_id()],
            "created": report.created_ids,
            "changed": {str(pk): diff for pk, diff in report.changed.items()},
            "identifiers": [list(i) for i in report.added_identifiers],
        },
    )
    counts = {k: getattr(run, k) for k in ("rows", "created", "updated", "unchanged", "warnings")}
    audit.record(actor=actor, action="registry.import.run", obj=run, changes={"filename": run.filename, **counts})
    return run


def _last_audit_id() -> int:
    return AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0


@dataclass
class UndoPlan:
    """What undoing an import would do, as it stands now (the confirmation page shows it)."""

    remove: list[tuple[int, str]] = field(default_factory=list)  # organisations it created: (id, name)
    keep: list[tuple[int, str, str]] = field(default_factory=list)  # created ones left alone: (id, name, why)
    restore: dict[int, dict[str, Any]] = field(default_factory=dict)  # {id: {field: value before the import}}
    # Fields changed since the import, left alone: (id, name, field, value the import wrote, value now)
    changed_since: list[tuple[int, str, str, Any, Any]] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    identifiers: list[tuple[int, str, str]] = field(default_factory=list)  # identifiers it gave: to remove
    gone: int = 0  # organisations of the import removed since by someone else


def _chunks(ids: list[int], size: int = 2000) -> Any:
    return (ids[i : i + size] for i in range(0, len(ids), size))


def undo_plan(run: ImportRun) -> UndoPlan:
    """What undoing `run` would do now: its new organisations removed unless changed or linked to other
    records since; the fields it updated given back their values unless changed since; its identifiers
    removed."""
    plan = UndoPlan()
    data = run.undo_data or {}
    created = [int(pk) for pk in data.get("created", [])]
    found = 0
    for chunk in _chunks(created):
        orgs = Organisation.objects.filter(id__in=chunk).values_list("id", "name")
        linked = _linked(chunk)
        touched = _changed_since(run, chunk)
        for pk, name in orgs:
            found += 1
            if pk in touched:
                plan.keep.append((pk, name, _("changed since the import")))
            elif pk in linked:
                plan.keep.append((pk, name, _("has members, memberships, officers or editors since the import")))
            else:
                plan.remove.append((pk, name))
    changed = {int(pk): diff for pk, diff in (data.get("changed") or {}).items()}
    for chunk in _chunks(list(changed)):
        current = {o["id"]: o for o in Organisation.objects.filter(id__in=chunk).values("id", "name", *FIELDS)}
        sectors: dict[int, list[str]] = {pk: [] for pk in current}
        through = Organisation.sectors.through.objects.filter(organisation_id__in=list(current))
        for org_id, code in through.values_list("organisation_id", "sector_id"):
            sectors[org_id].append(code)
        for pk in chunk:
            if pk not in current:
                continue  # removed since by someone else: nothing to give back
            plan.names[pk] = current[pk]["name"]
            now_values = current[pk] | {"sectors": sorted(sectors[pk])}
            for name, (old, new) in changed[pk].items():
                now = now_values.get(name)
                wrote = sorted(new) if name == "sectors" else new
                if now == wrote:
                    plan.restore.setdefault(pk, {})[name] = old
                else:
                    plan.changed_since.append((pk, current[pk]["name"], name, new, now))
    plan.gone = len(created) - found
    present = {
        (s, v)
        for s, v in ExternalIdentifier.objects.filter(
            value__in=[v for _pk, _s, v in data.get("identifiers", [])]
        ).values_list("scheme", "value")
    }
    plan.identifiers = [(pk, s, v) for pk, s, v in data.get("identifiers", []) if (s, v) in present]
    return plan


def _changed_since(run: ImportRun, ids: list[int]) -> set[int]:
    """Of these organisations, those changed since `run` wrote them: an audit entry about them came after its
    own, other than those of imports since undone (and of their undoing), whose changes are gone again."""
    last = (run.undo_data.get("audit_ids") or [0, 0])[1]
    undone = [
        r.undo_data.get("audit_ids") or [0, 0]
        for r in ImportRun.objects.filter(id__gt=run.pk, undone_at__isnull=False).only("undo_data")
    ]
    later = AuditEntry.objects.filter(
        object_type=Organisation._meta.label_lower, object_id__in=[str(pk) for pk in ids], id__gt=last
    ).exclude(action="registry.organisation.import_undo")
    return {
        int(object_id)
        for entry_id, object_id, action in later.values_list("id", "object_id", "action")
        if not (action == "registry.organisation.import" and any(low < entry_id <= high for low, high in undone))
    }


def _linked(ids: list[int]) -> set[int]:
    """Of these organisations, those other records of the registry now refer to (a membership, either way, an
    office, editing rights or an invitation): removing them would take those records with them."""
    out = set(Membership.objects.filter(member_id__in=ids).values_list("member_id", flat=True))
    out |= set(Membership.objects.filter(parent_id__in=ids).values_list("parent_id", flat=True))
    out |= set(Office.objects.filter(organisation_id__in=ids).values_list("organisation_id", flat=True))
    out |= set(OrganisationAccess.objects.filter(organisation_id__in=ids).values_list("organisation_id", flat=True))
    out |= set(AccessInvitation.objects.filter(organisation_id__in=ids).values_list("organisation_id", flat=True))
    return out


@transaction.atomic
def import_undo(*, actor: Any, run: ImportRun) -> UndoPlan:
    """Undo an import as `undo_plan` says, and record it: the organisations it created and nobody touched
    since are removed, the fields it updated that nobody changed since get their values back, and the
    identifiers it gave are removed. What changed since is left alone (the plan lists it)."""
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if not permissions.can_undo_import(actor, run):
        if run.undone_at is not None:
            raise ValidationError({"run": _("This import was undone already.")})
        raise PermissionDenied(_("Only the secretariat undoes imports."))
    plan = undo_plan(run)
    for pk, values in plan.restore.items():
        _restore(actor, run, pk, values)
    for pk, scheme, value in plan.identifiers:
        ExternalIdentifier.objects.filter(organisation_id=pk, scheme=scheme, value=value).delete()
    removed, kept = _remove(actor, run, plan.remove)
    plan.keep += kept
    plan.remove = removed
    run.undone_at, run.undone_by = timezone.now(), audit.actor_label(actor)
    run.save(update_fields=["undone_at", "undone_by"])
    changes = {
        "removed": len(plan.remove),
        "kept": len(plan.keep),
        "restored": len(plan.restore),
        "changed_since": len(plan.changed_since),
    }
    audit.record(actor=actor, action="registry.import.undo", obj=run, changes=changes)
    return plan


def _restore(actor: Any, run: ImportRun, pk: int, values: Mapping[str, Any]) -> None:
    org = Organisation.objects.select_for_update().get(pk=pk)
    before = {name: audit.plain(getattr(org, name)) for name in values if name != "sectors"}
    fields = [name for name in values if name != "sectors"]
    for name in fields:
        setattr(org, name, values[name])
    codes = values["sectors"] if "sectors" in values else list(org.sectors.values_list("code", flat=True))
    if "sectors" in values:
        before["sectors"] = sorted(org.sectors.values_list("code", flat=True))
        org.sectors.set(Sector.objects.filter(code__in=codes))
    org.refresh_search_text(codes)
    org.save()
    changes = {name: [before[name], values[name]] for name in values}
    audit.record(
        actor=actor, action="registry.organisation.import_undo", obj=org, changes={"import": run.pk, **changes}
    )


def _remove(actor: Any, run: ImportRun, orgs: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Any]]:
    """Remove the organisations; those that records of other capabilities protect (a statistical return) are
    left alone and said so."""
    removed: list[tuple[int, str]] = []
    kept: list[tuple[int, str, str]] = []
    for chunk in (orgs[i : i + 500] for i in range(0, len(orgs), 500)):
        try:
            with transaction.atomic():
                _audit_removal(actor, run, chunk)
                Organisation.objects.filter(id__in=[pk for pk, _name in chunk]).delete()
            removed += chunk
        except ProtectedError:  # one by one, to find which
            for pk, name in chunk:
                try:
                    with transaction.atomic():
                        _audit_removal(actor, run, [(pk, name)])
                        Organisation.objects.filter(id=pk).delete()
                    removed.append((pk, name))
                except ProtectedError:
                    kept.append((pk, name, _("other records refer to it, such as statistical returns")))
    return removed, kept


def _audit_removal(actor: Any, run: ImportRun, orgs: list[tuple[int, str]]) -> None:
    audit.record_many(
        actor=actor,
        action="registry.organisation.import_undo",
        object_type=Organisation._meta.label_lower,
        entries=((pk, name, json.dumps({"import": run.pk, "removed": True})) for pk, name in orgs),
    )
