"""What a process keeps of the reference data (core/reference_cache.py): made once per state of the reference data
and language, made again after any write of reference data commits, never kept from a transaction that wrote it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from cicopa.core import reference_cache
from cicopa.core.models import Country, Sector


def counting():
    made = []

    def make():
        made.append(translation.get_language())
        return len(made)

    return made, make


def test_made_once_per_language(db):
    made, make = counting()
    assert reference_cache.kept("test", make) == reference_cache.kept("test", make) == 1
    with translation.override("fr"):
        assert reference_cache.kept("test", make) == reference_cache.kept("test", make) == 2
    assert reference_cache.kept("test", make, per_language=False) == 3
    with translation.override("es"):
        assert reference_cache.kept("test", make, per_language=False) == 3
    assert made == ["en", "fr", "en"]


def test_not_kept_while_a_transaction_that_wrote_reference_data_is_open(db):
    made, make = counting()
    reference_cache.kept("test", make)
    sector = Sector.objects.get(code="health")
    sector.name_en = "Health care"
    sector.save()
    assert reference_cache.state() is None
    reference_cache.kept("test", make)
    reference_cache.kept("test", make)
    assert len(made) == 3  # made afresh each time: only this connection sees the change yet


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_gives_the_reference_data_a_new_state():
    reference_cache.changed()  # outside a transaction: at once (and makes the row, emptied with the tables)
    first = reference_cache.state()
    assert first is not None
    made, make = counting()
    reference_cache.kept("test", make)
    reference_cache.kept("test", make)
    assert len(made) == 1
    with transaction.atomic():
        Country.objects.create(iso2="QZ", iso3="QZQ", numeric="999")
        assert reference_cache.state() is None  # written, not committed
        assert reference_cache.state() is None
    second = reference_cache.state()
    assert second not in (None, first)
    assert reference_cache.kept("test", make) == 2  # made again, once
    assert reference_cache.kept("test", make) == 2
    Country.objects.filter(iso2="QZ").delete()  # a queryset's delete sends post_delete for each row too
    third = reference_cache.state()
    assert third not in (None, second)
    reference_cache.migrated()  # after `cicopa migrate`, whose migrations write past the models' signals
    assert reference_cache.state() not in (None, third)
    assert reference_cache.kept("test", make) == 3
