"""core.queries.by_id: a record by an id given as text, None for anything that is not one (a 404, not an error)."""

import pytest

from cicopa.core.models import AuditEntry
from cicopa.core.queries import by_id

pytestmark = pytest.mark.django_db


def test_a_record_by_its_id_and_none_for_what_is_no_id(alice):
    from cicopa.core import audit

    audit.record(actor=alice, action="test.probe.make", obj=alice, changes={})
    entry = AuditEntry.objects.get(action="test.probe.make")
    assert by_id(AuditEntry.objects.all(), str(entry.pk)) == entry
    assert by_id(AuditEntry.objects.all(), entry.pk) == entry
    assert by_id(AuditEntry.objects.exclude(pk=entry.pk), entry.pk) is None  # outside what the reader may see
    for value in (None, "", "x", "1.5", "0", "-1", "9" * 30, str(2**63), []):
        assert by_id(AuditEntry.objects.all(), value) is None, value
