"""What pages draw from the reference data (countries, regions, sectors, membership types, legal forms), made once
per process, language and state of that data, and kept in the process.

Reference data comes from the standards through migrations and is not edited by hand (the back office shows it
read only), but the directory's filter form alone lists 250 countries, every region and every sector: reading
them and drawing them through template loops on every request cost a directory page more than its search
(docs/performance.md). So they are read and drawn once, and kept under the state of the reference data.

The state is one row of the database (core.ReferenceGeneration), given a new random value after any write of
reference data commits: saves and deletions of its models (signals), and every `cicopa migrate`. Each use reads
the row (one query by primary key), so a process never keeps using lists drawn before a change, whichever
process or machine made it. Inside a transaction that wrote reference data the state is unknown to the others
until it commits, and the connection that wrote sees data no one else does: there, nothing is kept, and
everything is made afresh from what that connection reads.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Callable
from typing import Any, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.models import Model
from django.utils.translation import get_language

T = TypeVar("T")

_kept: dict[tuple[str, str, str, str], Any] = {}  # (database, state, what, language) -> what was made
_states: dict[str, str] = {}  # database -> the state `_kept` holds things of


def state(using: str = DEFAULT_DB_ALIAS) -> str | None:
    """The state of the reference data as this connection sees it; None when it is not to be kept under any
    (this connection's open transaction wrote reference data, or the row is missing, as after a flush)."""
    from cicopa.core.models import ReferenceGeneration

    connection = connections[using]
    if getattr(connection, "cicopa_reference_written", False):
        if connection.in_atomic_block:
            return None
        connection.cicopa_reference_written = False  # type: ignore[attr-defined]  # committed or rolled back
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {ReferenceGeneration._meta.db_table} WHERE id = 1")
        row = cursor.fetchone()
    return str(row[0]) if row else None


def kept(what: str, make: Callable[[], T], *, per_language: bool = True, using: str = DEFAULT_DB_ALIAS) -> T:
    """`make()`, made once per state of the reference data (and per language, unless `per_language` is False)
    and kept in this process. `what` names it; `make` must read nothing but reference data."""
    current = state(using)
    if current is None:
        return make()
    if _states.get(using) != current:  # the data changed: what was made before is of no more use
        for key in [k for k in _kept if k[0] == using]:
            _kept.pop(key, None)
        _states[using] = current
    key = (using, current, what, (get_language() or "") if per_language else "")
    try:
        return _kept[key]  # type: ignore[no-any-return]
    except KeyError:
        made = _kept[key] = make()
        return made


def forget() -> None:
    """Drop everything kept (the next use makes it again)."""
    _kept.clear()
    _states.clear()


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """Reference data changed, or changes in the transaction open on `using`: once it commits, every process
    makes again what it kept."""
    connection = connections[using]
    if not connection.in_atomic_block:
        _bump(using)
        return
    connection.cicopa_reference_written = True  # type: ignore[attr-defined]
    bump = _bumper(using)
    if not any(entry[1] is bump for entry in connection.run_on_commit):  # (savepoints, callback, robust)
        transaction.on_commit(bump, using=using)


@functools.cache
def _bumper(using: str) -> Callable[[], None]:
    """One callback per database, the same each time, so that one registered already can be recognised."""

    def bump_reference_generation() -> None:
        _bump(using)

    return bump_reference_generation


def _bump(using: str) -> None:
    from cicopa.core.models import ReferenceGeneration

    value = secrets.randbits(62)
    if not ReferenceGeneration.objects.using(using).filter(pk=1).update(value=value):
        ReferenceGeneration.objects.using(using).update_or_create(pk=1, defaults={"value": value})


def reference_models() -> list[type[Model]]:
    from cicopa.core.models import Country, LegalForm, MembershipType, Region, Sector

    return [Country, Region, Sector, MembershipType, LegalForm]


def model_written(sender: type, **kwargs: Any) -> None:
    """post_save and post_delete of a reference model (a migration's historical models send nothing here:
    migrated() bumps once migrations have run)."""
    changed(kwargs.get("using") or DEFAULT_DB_ALIAS)


def migrated(using: str = DEFAULT_DB_ALIAS, **kwargs: Any) -> None:
    """post_migrate: migrations load and change the reference data, past the models' signals."""
    from cicopa.core.models import ReferenceGeneration

    if ReferenceGeneration._meta.db_table in connections[using].introspection.table_names():
        changed(using)
