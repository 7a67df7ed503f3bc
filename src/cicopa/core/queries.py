"""Reads of the shared reference data and of accounts, for pages, the API and exports alike."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import F, Model, OrderBy, QuerySet, Value
from django.db.models.functions import Concat, NullIf, StrIndex

from cicopa.core import choices, names, reference_cache
from cicopa.core.countries import CountryReader
from cicopa.core.i18n import region_tree
from cicopa.core.models import (
    ApiToken,
    Country,
    LegalForm,
    MembershipType,
    Notification,
    Profile,
    Region,
    Sector,
    TaskProgress,
)

M = TypeVar("M", bound=Model)


def by_id(qs: QuerySet[M], value: Any) -> M | None:
    """The record of `qs` under the id `value` (text from a path or a client), or None when there is none or `value`
    is no id the database could hold: the page or the API then answers 404, never an error."""
    try:
        pk = int(value)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return qs.filter(pk=pk).first()


def countries() -> list[Country]:
    """Every country, in the alphabetical order of the reader's language."""
    return sorted(Country.objects.all(), key=lambda c: names.sort_key(c.name))


def by_country_name(field: str = "iso2") -> OrderBy:
    """An ordering of rows by the name, in the reader's language, of the country whose code `field` holds, for
    the database to sort by (names are not stored: they come from CLDR). Rows without a country come last.

    It is the position of the code in the list of codes in alphabetical order of their names: one string search
    per row, in SQLite (instr) and PostgreSQL (strpos) alike."""
    order = reference_cache.kept("core.country_order", _country_order)
    position = StrIndex(Value(order), Concat(Value(","), F(field), Value(",")))
    return NullIf(position, Value(0)).asc(nulls_last=True)


def read_country(value: str) -> str | None:
    """The code of the country `value` names: an ISO code (alpha-2 or alpha-3) or a name in any language CLDR
    knows, former and common names too ("Deutschland", "Ivory Coast"); None when it names none."""
    return reference_cache.kept("core.country_reader", _country_reader, per_language=False).read(value)


def _country_reader() -> CountryReader:
    return CountryReader(dict(Country.objects.values_list("iso2", "iso3")))


def _country_order() -> str:
    codes = Country.objects.order_by().values_list("iso2", flat=True)
    return "," + ",".join(sorted(codes, key=lambda code: names.sort_key(names.territory_name(code)))) + ","


def regions() -> QuerySet[Region]:
    return Region.objects.all()


def sectors() -> QuerySet[Sector]:
    return Sector.objects.all()


def membership_types() -> QuerySet[MembershipType]:
    return MembershipType.objects.all()


def legal_forms() -> QuerySet[LegalForm]:
    return LegalForm.objects.all()


def filter_lists() -> dict[str, Any]:
    """The reference lists that filter forms offer, in the reader's language and order: regions as a tree."""
    return {
        "countries": countries(),
        "regions": region_tree(regions()),
        "sectors": sectors(),
        "membership_types": membership_types(),
        "legal_forms": legal_forms(),
    }


def filter_choices() -> dict[str, choices.Choices]:
    """The lists of filter_lists() drawn as form controls in the reader's language and order, once per language
    and state of the reference data, for pages to mark their reader's choices in (`.html(chosen)`) rather than
    render: each list as a select's options under its own name (regions indented as a tree), and the sectors,
    membership types and legal forms also as checkboxes named after their filter ("sector_checkboxes", ...)."""
    return reference_cache.kept("core.filter_choices", _draw_filter_choices)


def _draw_filter_choices() -> dict[str, choices.Choices]:
    lists = filter_lists()
    drawn = {
        "regions": choices.options((r.m49, r.label) for r in lists["regions"]),
        "countries": choices.options((c.iso2, c.name) for c in lists["countries"]),
    }
    for key, name in (("sectors", "sector"), ("membership_types", "membership_type"), ("legal_forms", "legal_form")):
        items = [(r.code, r.name) for r in lists[key]]
        drawn[key] = choices.options(items)
        drawn[f"{key}_checkboxes"] = choices.checkboxes(name, items)
    return drawn


def known_codes() -> dict[str, frozenset[str]]:
    """Every code of each reference list, by the name of the filter that takes them (to check filters against),
    read once per state of the reference data."""
    return reference_cache.kept("core.known_codes", _read_known_codes, per_language=False)


def _read_known_codes() -> dict[str, frozenset[str]]:
    return {
        "country": frozenset(Country.objects.order_by().values_list("iso2", flat=True)),
        "region": frozenset(Region.objects.order_by().values_list("m49", flat=True)),
        "sector": frozenset(Sector.objects.order_by().values_list("code", flat=True)),
        "membership_type": frozenset(MembershipType.objects.order_by().values_list("code", flat=True)),
        "legal_form": frozenset(LegalForm.objects.order_by().values_list("code", flat=True)),
    }


def names_by_code() -> dict[str, dict[str, str]]:
    """Names, in the reader's language, of each reference list's codes (read once per language and state of
    the reference data; the caller must not change them)."""
    return reference_cache.kept("core.names_by_code", _read_names_by_code)


def _read_names_by_code() -> dict[str, dict[str, str]]:
    return {
        "sector": {s.code: s.name for s in Sector.objects.all()},
        "membership_type": {t.code: t.name for t in MembershipType.objects.all()},
        "legal_form": {f.code: f.name for f in LegalForm.objects.all()},
        "region": {r.m49: r.name for r in Region.objects.all()},
        "country": {c.iso2: c.name for c in Country.objects.all()},
    }


def api_tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user_id=getattr(user, "pk", None) or 0)


def profile_of(user: Any) -> Profile:
    """The person's profile, or (unsaved) the defaults for someone who has not made one yet."""
    pk = getattr(user, "pk", None)
    if pk is None:
        return Profile()
    return Profile.objects.filter(user_id=pk).first() or Profile(user_id=pk)


def notifications_of(user: Any) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(user_id=getattr(user, "pk", None) or 0).order_by("-created_at", "-id")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(user_id=user.pk, read_at=None).count()


def task_progress_of(user: Any) -> QuerySet[TaskProgress]:
    """The background tasks a person follows: their own, and nobody else's."""
    return TaskProgress.objects.filter(owner_id=getattr(user, "pk", None) or 0)
