"""Names of countries, regions and languages in the reader's language, from the Unicode CLDR (through Babel).

CLDR is what every major operating system localises with: its names are the ones readers of each language
expect ("Argelia", "Burkina Faso", "Níger" in Spanish; "Groenland", "Venezuela" in French), and it holds them
for every language, so a language added to the platform (settings.LANGUAGES) gets them without anything typed
here. The platform keeps only codes (ISO 3166-1, UN M49, ISO 639) and asks for names as it shows them.

The reader's language is Django's active one unless another is given; a language CLDR does not know falls back
on its first two letters, then on English (`core.formats.language_locale`).
"""

from __future__ import annotations

import functools

from django.utils.translation import get_language, gettext_noop, override
from django.utils.translation import gettext as _

from cicopa.core.formats import language_locale
from cicopa.core.text import fold

# UN M49 areas that CLDR does not name: their English names, translated by the platform's catalogues.
UNNAMED_AREAS = {
    "830": gettext_noop("Channel Islands"),
}


def _language(language: str | None) -> str:
    return language or get_language() or "en"


@functools.lru_cache(maxsize=64)
def _territories(language: str) -> dict[str, str]:
    return dict(language_locale(language).territories)


def territory_name(code: str, language: str | None = None) -> str:
    """The name of an ISO 3166-1 alpha-2 country ("DZ") or a UN M49 area ("150", "419") in `language`; the code
    itself when neither CLDR nor the platform knows it."""
    language = _language(language)
    name = _territories(language).get(code)
    if name:
        return name
    if code in UNNAMED_AREAS:
        with override(language):
            return _(UNNAMED_AREAS[code])
    return code


def country_names(language: str | None = None) -> dict[str, str]:
    """Every two-letter territory code CLDR names -> its name in `language` (a copy the caller may keep)."""
    return {code: name for code, name in _territories(_language(language)).items() if len(code) == 2}


def sort_key(name: str) -> tuple[str, str]:
    """The place of a name in an alphabetical list of its readers: accents and case aside ('Égypte' after
    'Danemark', not after 'Zimbabwe')."""
    return (fold(name), name)


def language_name(code: str, language: str | None = None) -> str:
    """The name of the language `code` (ISO 639, "es", "pt-BR") as `language` writes it: "espagnol" in French."""
    loc = language_locale(_language(language))
    return str(loc.languages.get(code.replace("-", "_"), loc.languages.get(code[:2], code)))


def own_language_name(code: str) -> str:
    """A language's name in that language ("Español", "Français"), capitalised: what a switcher of languages
    shows, so that each reader finds their own."""
    name = str(language_locale(code).display_name or code)
    return name[:1].upper() + name[1:]
