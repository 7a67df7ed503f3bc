"""Countries as people write them in the files they import: ISO 3166-1 codes, or names in any language.

Names come from CLDR (through Babel: every language it knows, English, French, Spanish, Portuguese, German and
Italian first: the names the platform shows, `core.names`) and from the former and common names that files
still use (UK, Swaziland, Burma, Ivory Coast, Holland, ...). They are compared folded: case, accents and
punctuation aside.
No Django here: the caller passes the countries it knows.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections.abc import Iterable, Mapping

from cicopa.core.text import fold

# Languages whose names win over another language's same spelling for another country, and in which a
# misspelt name is looked for.
FIRST_LANGUAGES = ("en", "fr", "es", "pt", "de", "it")

# Former, common and official names that CLDR's short names do not give, folded as `key()` folds them.
ALIASES = {
    "GB": (
        "uk",
        "u k",
        "great britain",
        "britain",
        "england",
        "scotland",
        "wales",
        "northern ireland",
        "united kingdom of great britain and northern ireland",
        "grande bretagne",
        "angleterre",
        "gran bretana",
        "inglaterra",
    ),
    "FR": ("french republic", "republique francaise", "republica francesa"),
    "DE": ("germany", "federal republic of germany", "west germany", "brd"),
    "US": ("usa", "u s a", "us", "u s", "united states of america", "america", "etats unis d amerique"),
    "SZ": ("swaziland", "kingdom of eswatini", "swazilandia"),
    "TR": ("turkey", "turkiye", "republic of turkiye", "republic of turkey"),
    "IR": ("iran", "islamic republic of iran", "persia"),
    "CD": (
        "democratic republic of congo",
        "democratic republic of the congo",
        "dr congo",
        "d r congo",
        "drc",
        "congo kinshasa",
        "zaire",
        "rd congo",
        "rdc",
        "republique democratique du congo",
        "republica democratica del congo",
    ),
    "CG": ("republic of congo", "republic of the congo", "congo brazzaville", "congo republic"),
    "CI": ("ivory coast", "cote d ivoire", "costa de marfil", "elfenbeinkuste"),
    "BR": ("brasil", "federative republic of brazil", "republica federativa do brasil"),
    "CM": ("cameroun", "camerun"),
    "NL": ("holland", "the netherlands", "kingdom of the netherlands"),
    "MM": ("burma", "myanmar burma"),
    "CZ": ("czech republic", "czech rep", "republique tcheque", "republica checa", "tschechien"),
    "KR": ("korea", "republic of korea", "korea republic of", "south korea"),
    "KP": ("democratic people s republic of korea", "dprk", "north korea"),
    "MK": ("macedonia", "republic of macedonia", "fyrom", "former yugoslav republic of macedonia"),
    "CV": ("cape verde", "cap vert"),
    "TL": ("east timor", "timor leste"),
    "VA": ("vatican", "vatican city", "holy see"),
    "LA": ("lao pdr", "lao people s democratic republic"),
    "SY": ("syrian arab republic",),
    "VN": ("viet nam",),
    "RU": ("russia", "russian federation"),
    "MD": ("republic of moldova",),
    "TZ": ("united republic of tanzania",),
    "BO": ("plurinational state of bolivia",),
    "VE": ("bolivarian republic of venezuela",),
    "PS": ("palestine", "palestinian territories", "occupied palestinian territory"),
    "FM": ("micronesia", "federated states of micronesia"),
    "LK": ("ceylon",),
    "BJ": ("dahomey",),
    "BF": ("upper volta",),
    "KH": ("kampuchea",),
    "TH": ("siam",),
    "BW": ("bechuanaland",),
    "ZW": ("rhodesia",),
    "GH": ("gold coast",),
    "BS": ("the bahamas",),
    "GM": ("the gambia",),
}
# Official names are short names after a form of state ("Republic of Kenya", "Reino de España").
_STATE_FORMS = re.compile(
    r"^(?:the )?(?:(?:federal|democratic|people s|islamic|united|socialist|cooperative|co operative|"
    r"plurinational|bolivarian|oriental|arab|federative|hashemite|independent|sovereign) )*"
    r"(?:republic|kingdom|state|commonwealth|principality|grand duchy|sultanate|emirate|federation|union|"
    r"republique|royaume|etat|principaute|grand duche|republica|reino|estado|principado|gran ducado|"
    r"republik|konigreich|repubblica|regno)"
    r"(?: (?:federale|federal|federativa|democratique|democratica|populaire|popular|islamique|islamica|"
    r"unie|unida|socialiste|socialista|federative))*"
    r" (?:of the |of |de la |de l |de los |de las |del |de |du |des |d |do |da |dos |das |der |von |di |del )?"
)
_NOT_WORD = re.compile(r"[\W_]+")  # letters of every script are words
_SAINT = re.compile(r"\bst\b")


def key(text: str) -> str:
    """A name as compared: folded, '&' as 'and', 'St.' as 'saint', punctuation and spacing as single spaces."""
    folded = fold(text).replace("&", " and ")
    return _SAINT.sub("saint", _NOT_WORD.sub(" ", folded)).strip()


def _variants(name: str) -> Iterable[str]:
    """A name, and the forms of it files use: without a parenthesis ('Myanmar (Burma)'), its parts ('Congo -
    Kinshasa'), turned round ('Korea, Republic of' -> 'Republic of Korea')."""
    yield name
    if "(" in name:
        yield name.split("(", 1)[0]
        yield name.split("(", 1)[1].rstrip(")")
    if ", " in name:
        first, rest = name.split(", ", 1)
        yield f"{rest} {first}"


@functools.cache
def _cldr() -> tuple[dict[str, str], dict[str, str]]:
    """Every CLDR territory name of a two-letter country code, folded -> code: the names of the first languages,
    then those of all others (a spelling two countries share in a language is left out). And the names of the
    first languages alone, in which to look for a misspelt name."""
    from babel import Locale, localedata

    first: dict[str, str] = {}
    others: dict[str, set[str]] = {}
    languages = [*FIRST_LANGUAGES, *sorted(i for i in localedata.locale_identifiers() if "_" not in i)]
    for language in dict.fromkeys(languages):
        try:
            territories = Locale.parse(language).territories
        except (ValueError, KeyError):  # a locale Babel lists but cannot load: the others still count
            continue
        for code, name in territories.items():
            if len(code) != 2 or not code.isalpha():
                continue  # regions (001, 150), not countries
            for variant in _variants(name):
                k = key(variant)
                if not k:
                    continue
                if language in FIRST_LANGUAGES:
                    first.setdefault(k, code)
                else:
                    others.setdefault(k, set()).add(code)
    every = {k: codes.pop() for k, codes in others.items() if len(codes) == 1} | first
    return every, first


class CountryReader:
    """Reads the countries of `codes` (alpha-2 -> alpha-3) from a code or a name; `names` are more names by code
    (the platform's own, in its languages)."""

    def __init__(self, codes: Mapping[str, str], names: Mapping[str, Iterable[str]] | None = None) -> None:
        self.codes = set(codes)
        self.alpha3 = {a3.upper(): a2 for a2, a3 in codes.items()}
        self._names: dict[str, str] = {}
        self._own: dict[str, str] = {}  # the platform's names, aliases: looked at first, and for suggestions
        for code, own in (names or {}).items():
            for name in own:
                for variant in _variants(name):
                    self._own.setdefault(key(variant), code)
        for code, aliases in ALIASES.items():
            for alias in aliases:
                self._own.setdefault(alias, code)
        self._read: dict[str, str | None] = {}

    def read(self, value: str) -> str | None:
        """The alpha-2 code of the country `value` names, or None."""
        if value in self._read:
            return self._read[value]
        upper = value.strip().upper()
        found = upper if len(upper) == 2 and upper in self.codes else self.alpha3.get(upper) or self._by_name(value)
        if len(self._read) < 10_000:  # a reader kept by a process reads whatever requests send it: bounded
            self._read[value] = found
        return found

    def _by_name(self, value: str) -> str | None:
        k = key(value)
        if not k:
            return None
        for candidate in (k, _STATE_FORMS.sub("", k)):
            code = self._own.get(candidate) or _cldr()[0].get(candidate)
            if code in self.codes:
                return code
        return None

    def suggest(self, value: str) -> str | None:
        """The country a misspelt name most likely means ('Rawanda' -> 'RW'), or None."""
        k = key(value)
        if len(k) < 3:
            return None
        names = {**_cldr()[1], **self._own}
        close = difflib.get_close_matches(k, list(names), n=1, cutoff=0.75)
        code = names[close[0]] if close else None
        return code if code in self.codes else None
