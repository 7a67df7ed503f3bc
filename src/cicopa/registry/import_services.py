"""Writes around imports: column mappings kept under a name, the record of each import, and undoing one.
Each checks permissions and writes its audit entries, like every service of the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from cicopa.core import audit
from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.validators import text_problem
from cicopa.registry import permissions
from cicopa.registry.import_formats import CICOPA_COLUMNS
from cicopa.registry.models import ImportMapping, OrganisationKind


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
    audit.record(actor=actor, action="import_mapping.save", obj=mapping, changes=changes)
    return mapping
