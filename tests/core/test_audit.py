"""The audit log: actions named <app>.<noun>.<verb>, one at a time or in bulk, and the renaming of older ones."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from cicopa.core import audit
from cicopa.core.models import AuditEntry, Country


@pytest.mark.parametrize("action", ["organisation.update", "registry.organisation", "Registry.x.y", "a.b.c.d", ""])
def test_an_action_not_named_app_noun_verb_is_refused(db, alice, action):
    with pytest.raises(ValueError, match=r"<app>\.<noun>\.<verb>"):
        audit.record(actor=alice, action=action, obj=Country.objects.get(iso2="FR"))
    assert not AuditEntry.objects.exists()


def test_many_entries_at_once_read_back_like_single_ones(db, alice):
    audit.record_many(
        actor=alice,
        action="registry.organisation.import",
        object_type="registry.organisation",
        entries=[(1, "Scop Ti", json.dumps({"name": [None, "Scop Ti"]})), (2, "x" * 400, json.dumps({}))],
    )
    first, second = AuditEntry.objects.order_by("object_id")
    assert (first.actor, first.actor_label, first.object_id, first.changes) == (
        alice,
        "alice",
        "1",
        {"name": [None, "Scop Ti"]},
    )
    assert len(second.object_repr) == 300


def test_older_entries_are_renamed_by_the_migrations(db, alice):
    fr = Country.objects.get(iso2="FR")
    for action, changes in (
        ("organisation.update", {}),
        ("api_token.create", {}),
        ("statistics.designate", {"organisation": [None, "kupc"]}),
        ("statistics.designate", {"organisation": ["kupc", None]}),
    ):
        AuditEntry.objects.create(action=action, object_type="x", object_id="1", object_repr=str(fr), changes=changes)
    for app, name in (
        ("core", "0005_audit_action_names"),
        ("registry", "0015_audit_action_names"),
        ("statistics", "0004_audit_action_names"),
    ):
        importlib.import_module(f"cicopa.{app}.migrations.{name}").rename(apps, None)
    assert list(AuditEntry.objects.order_by("id").values_list("action", flat=True)) == [
        "registry.organisation.update",
        "core.api_token.create",
        "statistics.reporter.designate",
        "statistics.reporter.undesignate",
    ]
