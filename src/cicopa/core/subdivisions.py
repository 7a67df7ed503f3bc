"""ISO 3166-2 subdivisions of countries (regions, provinces, states, ...), from the pycountry package, with their
names in the reader's language (pycountry's gettext catalogues, domain 'iso3166-2').

No models: pycountry's data is read once per process, and what each language makes of it once per language.
The language is Django's active one unless another is asked for.

ISO writes some names its own way, which is shown as the reader expects it: the name in a country's second
official language in brackets ('Catalunya [Cataluña]') as 'Catalunya / Cataluña', without the bracketed codes
some carry ('Stockholms län [SE-01]'). Subdivisions below others (Spain's provinces under its autonomous
communities, France's departments under its regions) are all offered, each labelled with its parent where that
helps choose ('Almería (Andalucía)'), and with its type where two of a country would read the same ('Cantabria
(autonomous community)', 'Cantabria (province)').
"""

from __future__ import annotations

import functools
import gettext
import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import pgettext_lazy

from cicopa.core.countries import key
from cicopa.core.text import fold

# The longest code ISO 3166-2 gives (pycountry 26: 'AF-BAL', 'GB-ABC', ...): a country, a hyphen, up to three.
MAX_LENGTH = 6
DOMAIN = "iso3166-2"
# Languages whose names of a subdivision are recognised in imports, besides its own name and code.
READ_LANGUAGES = ("en", "fr", "es", "pt", "de", "it")

_BRACKETS = re.compile(r"\s*\[([^\]]*)\]")
_CODE = re.compile(r"\b[A-Z]{2}-[A-Z0-9]{1,3}\b")

# The types a label shows, to tell apart two subdivisions of one country that read the same ('Dhaka (division)',
# 'Dhaka (district)'): pycountry gives them in English only. A type not listed shows as pycountry writes it.
TYPES = {
    "Administrative region": pgettext_lazy("type of subdivision of a country", "administrative region"),
    "Autonomous community": pgettext_lazy("type of subdivision of a country", "autonomous community"),
    "Autonomous republic": pgettext_lazy("type of subdivision of a country", "autonomous republic"),
    "Capital city": pgettext_lazy("type of subdivision of a country", "capital city"),
    "Capital district": pgettext_lazy("type of subdivision of a country", "capital district"),
    "City": pgettext_lazy("type of subdivision of a country", "city"),
    "City with county rights": pgettext_lazy("type of subdivision of a country", "city with county rights"),
    "County": pgettext_lazy("type of subdivision of a country", "county"),
    "Department": pgettext_lazy("type of subdivision of a country", "department"),
    "District": pgettext_lazy("type of subdivision of a country", "district"),
    "Division": pgettext_lazy("type of subdivision of a country", "division"),
    "Geographical unit": pgettext_lazy("type of subdivision of a country", "geographical unit"),
    "Governorate": pgettext_lazy("type of subdivision of a country", "governorate"),
    "Municipality": pgettext_lazy("type of subdivision of a country", "municipality"),
    "Prefecture": pgettext_lazy("type of subdivision of a country", "prefecture"),
    "Province": pgettext_lazy("type of subdivision of a country", "province"),
    "Rayon": pgettext_lazy("type of subdivision of a country", "district (rayon)"),
    "Region": pgettext_lazy("type of subdivision of a country", "region"),
    "Republic": pgettext_lazy("type of subdivision of a country", "republic"),
    "Rural municipality": pgettext_lazy("type of subdivision of a country", "rural municipality"),
    "Special municipality": pgettext_lazy("type of subdivision of a country", "special municipality"),
    "Special region": pgettext_lazy("type of subdivision of a country", "special region"),
    "State": pgettext_lazy("type of subdivision of a country", "state"),
    "Urban municipality": pgettext_lazy("type of subdivision of a country", "urban municipality"),
}


@dataclass(frozen=True)
class Subdivision:
    """A subdivision as a reader sees it, in one language."""

    code: str  # 'ES-AL'
    country: str  # 'ES'
    name: str  # 'Almería'
    type: str  # as pycountry gives it, in English: 'Province'
    parent: str  # the code of the subdivision it is part of, or ''
    label: str  # as a list offers it: 'Almería (Andalucía)'


@dataclass(frozen=True)
class _Record:
    code: str
    country: str
    name: str  # as pycountry writes it, which is the catalogues' message id
    type: str
    parent: str


@functools.cache
def _records() -> dict[str, _Record]:
    import pycountry

    out = {}
    for s in pycountry.subdivisions:
        parent = getattr(s, "parent_code", None) or ""
        if parent and "-" not in parent:  # some releases gave the parent's code without its country
            parent = f"{s.country_code}-{parent}"
        out[s.code] = _Record(s.code, s.country_code, s.name, getattr(s, "type", "") or "", parent)
    return out


@functools.cache
def _by_country() -> dict[str, tuple[_Record, ...]]:
    out: dict[str, list[_Record]] = {}
    for record in _records().values():
        out.setdefault(record.country, []).append(record)
    return {country: tuple(records) for country, records in out.items()}


def _locale(language: str | None) -> str:
    """The catalogue's name of a language: Django's 'pt-br' is 'pt_BR'; none given, the active one."""
    return translation.to_locale(language or translation.get_language() or "en")


@functools.cache
def _catalogue(locale: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(DOMAIN, pycountry.LOCALES_DIR, languages=[locale], fallback=True)


def _shown(name: str) -> str:
    """A name as a reader expects it: 'Catalunya [Cataluña]' as 'Catalunya / Cataluña', 'Stockholms län
    [SE-01]' as 'Stockholms län', 'Barcelona [Barcelona]' as 'Barcelona'."""
    main = _BRACKETS.sub("", name).strip()
    others = [_CODE.sub("", alt).strip() for alt in _BRACKETS.findall(name)]
    return " / ".join(dict.fromkeys(p for p in (main, *others) if p)) or name


def _translated(record: _Record, locale: str) -> str:
    return _shown(_catalogue(locale).gettext(record.name))


def _type_label(record: _Record) -> str:
    return str(TYPES.get(record.type, record.type.lower()))


@functools.cache
def _made(country: str, locale: str) -> tuple[Subdivision, ...]:
    """A country's subdivisions in one language, labelled and in the alphabetical order of its readers."""
    records = _by_country().get(country.upper(), ())
    names = {r.code: _translated(r, locale) for r in records}
    with translation.override(translation.to_language(locale)):
        labels = {}
        for r in records:
            parent = names.get(r.parent, "")
            labels[r.code] = f"{names[r.code]} ({parent})" if parent and fold(parent) != fold(names[r.code]) else ""
        seen: dict[str, list[str]] = {}
        for r in records:
            seen.setdefault(fold(labels[r.code] or names[r.code]), []).append(r.code)
        by_code = {r.code: r for r in records}
        for codes in seen.values():
            if len(codes) > 1:  # two that read the same: their types tell them apart
                for code in codes:
                    r = by_code[code]
                    parent = names.get(r.parent, "")
                    within = f"{parent}, " if parent and fold(parent) != fold(names[code]) else ""
                    labels[code] = f"{names[code]} ({within}{_type_label(r)})"
    out = [
        Subdivision(r.code, r.country, names[r.code], r.type, r.parent, labels[r.code] or names[r.code])
        for r in records
    ]
    return tuple(sorted(out, key=lambda s: (fold(s.label), s.code)))


@functools.cache
def _indexed(country: str, locale: str) -> dict[str, Subdivision]:
    return {s.code: s for s in _made(country, locale)}


def subdivisions(country: str | None, language: str | None = None) -> tuple[Subdivision, ...]:
    """The subdivisions of a country (ISO 3166-1 alpha-2), sorted by label in the language (default: the active
    one); none for an unknown country or one without subdivisions."""
    return _made((country or "").upper(), _locale(language)) if country else ()


def get(code: str | None, language: str | None = None) -> Subdivision | None:
    """The subdivision of a code ('FR-ARA'), or None."""
    record = _records().get((code or "").upper())
    return _indexed(record.country, _locale(language))[record.code] if record else None


def name(code: str | None, language: str | None = None) -> str:
    """The name of a subdivision in the language ('DE-BY': 'Bavaria', 'Bavière' in French); '' for no code,
    the code itself for one ISO does not know (a record older than the standard's last change)."""
    found = get(code, language)
    return found.name if found else (code or "")


def label(code: str | None, language: str | None = None) -> str:
    """A subdivision as a list offers it, with its parent or type where that tells it apart ('Almería
    (Andalucía)'); like name() for a code ISO does not know."""
    found = get(code, language)
    return found.label if found else (code or "")


def country_of(code: str | None) -> str | None:
    """The country a subdivision code belongs to, or None for a code ISO 3166-2 does not have."""
    record = _records().get((code or "").upper())
    return record.country if record else None


def is_valid(code: str | None, country: str | None) -> bool:
    """Whether `code` is a subdivision of `country`."""
    return bool(code and country) and country_of(code) == (country or "").upper()


@functools.cache
def codes() -> frozenset[str]:
    """Every subdivision code."""
    return frozenset(_records())


def has_subdivisions(country: str | None) -> bool:
    return bool(country) and (country or "").upper() in _by_country()


def _variants(text: str) -> Iterable[str]:
    """A name and the forms files write it in: its bracketed other names apart ('Catalunya [Cataluña]'), turned
    round where ISO wrote it back to front ('Madrid, Comunidad de' -> 'Comunidad de Madrid')."""
    parts = [_BRACKETS.sub("", text).strip(), *(_CODE.sub("", alt).strip() for alt in _BRACKETS.findall(text))]
    for part in (p for p in parts if p):
        yield part
        if ", " in part:
            first, rest = part.split(", ", 1)
            yield f"{rest} {first}"
    yield _shown(text)


@functools.cache
def _names(country: str) -> tuple[dict[str, frozenset[str]], ...]:
    """Every form of the names of a country's subdivisions, as countries.key() folds them -> their codes, in
    tiers looked at in turn: ISO's own names; the names and labels in the platform's languages; the names in
    the other READ_LANGUAGES. A name a translation shares with another subdivision's own name ('Madrid', the
    province, and the community of Madrid in some languages) means the one ISO names so."""
    records = _by_country().get(country, ())
    tiers: list[dict[str, set[str]]] = [{}, {}, {}]

    def add(tier: int, text: str, code: str) -> None:
        for variant in _variants(text):
            if k := key(variant):
                tiers[tier].setdefault(k, set()).add(code)

    for record in records:
        add(0, record.name, record.code)
        for lang in READ_LANGUAGES:
            add(1 if lang in ("en", "fr", "es") else 2, _catalogue(_locale(lang)).gettext(record.name), record.code)
    for lang in ("en", "fr", "es"):
        for s in _made(country, _locale(lang)):
            add(1, s.label, s.code)
    return tuple({k: frozenset(v) for k, v in tier.items()} for tier in tiers)


def recognise(value: str, country: str | None) -> tuple[str, ...]:
    """The subdivisions of `country` that `value` may mean: its code ('FR-ARA', 'fr-ara', or 'ARA' given the
    country), or its name in any form (case, accents and punctuation aside; in its own language, in English,
    French, Spanish, Portuguese, German or Italian; as the platform labels it). None, one, or several when a
    name is that of more than one ('Cantabria': the autonomous community and the province)."""
    country = (country or "").upper()
    text = value.strip()
    if not text or country not in _by_country():
        return ()
    upper = text.upper().replace(" ", "")
    for code in (upper, f"{country}-{upper}"):
        if country_of(code) == country:
            return (code,)
    k = key(text)
    for tier in _names(country):
        if k in tier:
            return tuple(sorted(tier[k]))
    return ()


def read(value: str, country: str | None) -> str | None:
    """The code of the one subdivision of `country` that `value` means, or None (see recognise)."""
    found = recognise(value, country)
    return found[0] if len(found) == 1 else None
