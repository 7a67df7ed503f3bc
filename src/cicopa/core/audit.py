"""The audit log: every service function that writes calls `record()` in its transaction."""

from __future__ import annotations

import datetime
import decimal
import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from cicopa.core import pagecache
from cicopa.core.db import insert_rows, now_value
from cicopa.core.models import AuditEntry


def plain(value: Any) -> Any:
    """A value as a snapshot holds it."""
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, datetime.date | datetime.datetime | decimal.Decimal):
        return str(value)
    if isinstance(value, set | frozenset | tuple | list):
        return sorted(str(v) for v in value)
    return value


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `obj`, in a form that fits a JSON column."""
    return {f: plain(getattr(obj, f)) for f in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value differs, as {field: [old, new]}."""
    return {k: [before.get(k), after[k]] for k in after if before.get(k) != after[k]}


def actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return str(getattr(actor, "get_username", lambda: str(actor))())


# `<app>.<noun>.<verb>`: the app whose service wrote, the kind of record, what happened to it.
ACTION = re.compile(r"[a-z_]+\.[a-z_]+\.[a-z_]+")


def _checked(action: str) -> str:
    if not ACTION.fullmatch(action):
        raise ValueError(f"audit action {action!r} is not named <app>.<noun>.<verb>")
    return action


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    changes: Mapping[str, Any] | None = None,
) -> AuditEntry:
    _checked(action)
    # Every write is recorded here: once it commits, no page cached for anonymous readers before it is served.
    pagecache.changed()
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=dict(changes or {}),
    )


def record_many(*, actor: Any, action: str, object_type: str, entries: Iterable[tuple[Any, str, str]]) -> None:
    """The bulk form of `record`, for imports: one entry per (object id, object's text, changes as JSON text),
    written with executemany instead of one INSERT through the ORM each (most of an import's time otherwise)."""
    _checked(action)
    head = (now_value(), getattr(actor, "pk", None), actor_label(actor), action, object_type)
    insert_rows(
        AuditEntry._meta.db_table,
        ("created_at", "actor_id", "actor_label", "action", "object_type", "object_id", "object_repr", "changes"),
        ((*head, str(object_id), text[:300], changes) for object_id, text, changes in entries),
    )


def history(obj: models.Model) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).select_related("actor")
