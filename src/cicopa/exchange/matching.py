"""How well an offer and a need fit each other: the documented match score (no Django here, so the score is
tested and benchmarked alone).

A match is scored out of 100:

- category, 40 or 20: the same UN CPC division 40, the same section only 20; another section is no match;
- text, up to 25: the share of the need's words (title and description in every language the two listings
  have) found among the offer's, times 25. Words are compared as the full-text index holds them: folded (case
  and accents ignored), a hyphenated compound also joined ("co-operative" gives "co", "operative" and
  "cooperative"), split at underscores; words of one or two letters, numbers and common words are left out;
- geography, 20 or 10: the same country 20, the same UN M49 sub-region 10, further away 0; and only within
  both delivery scopes (local: the same town, or the same country where a town is not given; national: the
  same country; regional: the same sub-region; international: anywhere);
- validity, up to 10: the share of the need's period that the offer's covers (an open end covers); periods that
  do not meet are no match;
- quantity, up to 5: where both give a quantity in the same unit, 5 if the offer covers the need, else in
  proportion.

The category and the translations make matching work across languages: a need written in Spanish and an offer
written in French share their division, and the words of a translation count like the original's.

Ties are broken by the newer listing (the higher id). What validity and quantity add (15 at most), the category
and the geography fix the most a candidate can score without words in common (`fixed_ceiling`): that is what
lets match_queries look at a bounded number of candidates and still find the best (`words_needed`).
"""

from __future__ import annotations

import datetime
import functools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from cicopa.core.text import search_text, words

CATEGORY_DIVISION = 40
CATEGORY_SECTION = 20
TEXT = 25
GEO_COUNTRY = 20
GEO_REGION = 10
VALIDITY = 10
QUANTITY = 5

# How far each delivery scope reaches: 0 the same town, 1 the same country, 2 the same sub-region, 3 anywhere.
SCOPE_REACH = {"local": 0, "national": 1, "regional": 2, "international": 3}

# Words too common to say anything about a match, in the three languages of the platform.
STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "we",
        "with",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "en",
        "et",
        "est",
        "la",
        "le",
        "les",
        "leur",
        "nos",
        "notre",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "al",
        "como",
        "con",
        "de",
        "del",
        "el",
        "en",
        "es",
        "la",
        "las",
        "los",
        "nuestra",
        "nuestro",
        "o",
        "para",
        "por",
        "que",
        "se",
        "su",
        "sus",
        "un",
        "una",
        "y",
    ]
)


@dataclass(frozen=True)
class Side:
    """What the score needs to know of a listing."""

    id: int
    organisation_id: int
    category: str  # a CPC code: one digit (section) or two (division)
    country: str
    subregion: str | None
    city: str
    scope: str
    valid_from: datetime.date
    valid_until: datetime.date | None
    quantity: Decimal | None = None
    unit: str | None = None
    texts: tuple[str, ...] = ()  # titles and descriptions in every language the listing has


@dataclass(frozen=True)
class Score:
    total: float
    parts: dict[str, float] = field(default_factory=dict)
    reasons: tuple[tuple[str, str], ...] = ()  # (reason code, value), worded by the reader's language


def indexed_words(*columns: str) -> frozenset[str]:
    """The words that count, of text already folded as the index holds it (core.text.search_text's output)."""
    text = " ".join(columns)
    if "_" in text:
        text = text.replace("_", " ")
    return frozenset(w for w in text.split() if len(w) > 2 and not w.isdigit()) - STOPWORDS


def content_words(texts: Iterable[str]) -> frozenset[str]:
    """The words that count of `texts` as written (see the text part above)."""
    return indexed_words(search_text(*texts))


@functools.lru_cache(maxsize=4096)
def _town(city: str) -> str:
    return " ".join(words(city))


def distance(a: Side, b: Side) -> int:
    """0 the same town, 1 the same country, 2 the same sub-region, 3 further away."""
    if a.country == b.country:
        same_town = bool(a.city) and bool(b.city) and _town(a.city) == _town(b.city)
        return 0 if same_town or not (a.city and b.city) else 1
    if a.subregion and a.subregion == b.subregion:
        return 2
    return 3


def within_scopes(a: Side, b: Side) -> bool:
    d = distance(a, b)
    return d <= SCOPE_REACH.get(a.scope, 3) and d <= SCOPE_REACH.get(b.scope, 3)


def fixed_ceiling(*, same_division: bool, distance: int) -> int:
    """The most a match can score without a word in common, given its category (the same division, or only the
    same section) and its distance (0-3, as `distance`)."""
    category = CATEGORY_DIVISION if same_division else CATEGORY_SECTION
    geography = GEO_COUNTRY if distance <= 1 else GEO_REGION if distance == 2 else 0
    return category + geography + VALIDITY + QUANTITY


def words_needed(threshold: float, ceiling: float, need_words: int) -> int:
    """The fewest of the need's `need_words` words that a candidate whose other parts come to at most `ceiling`
    must share to score `threshold` or more (0: none; more than `need_words`: it cannot). Rounding of the parts
    is allowed for (a hundredth of a point each)."""
    if ceiling >= threshold - 0.05:
        return 0
    if need_words <= 0:
        return 1
    return max(1, math.ceil((threshold - 0.05 - ceiling) * need_words / TEXT - 1e-9))


def _overlap(need: Side, offer: Side) -> float | None:
    """Share of the need's period that the offer's covers; None when the two periods do not meet."""
    start = max(need.valid_from, offer.valid_from)
    ends = [d for d in (need.valid_until, offer.valid_until) if d is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return None
    if need.valid_until is None:
        # An open need: covered fully by an open offer, else for the share of a year that the offer covers.
        return 1.0 if offer.valid_until is None else min(1.0, ((offer.valid_until - start).days + 1) / 365)
    need_days = (need.valid_until - need.valid_from).days + 1
    covered = ((end or need.valid_until) - start).days + 1
    return max(0.0, min(1.0, covered / need_days))


def total(need: Side, offer: Side, *, need_words: frozenset[str], offer_words: frozenset[str]) -> float | None:
    """score(...).total, without its parts and reasons: what ranking many candidates needs (the same sums, in the
    same order, so the same figure)."""
    if need.organisation_id == offer.organisation_id or need.category[:1] != offer.category[:1]:
        return None
    d = distance(need, offer)
    if d > SCOPE_REACH.get(need.scope, 3) or d > SCOPE_REACH.get(offer.scope, 3):
        return None
    overlap = _overlap(need, offer)
    if overlap is None:
        return None
    category = CATEGORY_DIVISION if len(need.category) > 1 and need.category == offer.category else CATEGORY_SECTION
    text = round(TEXT * len(need_words & offer_words) / len(need_words), 2) if need_words else 0.0
    geography = GEO_COUNTRY if d <= 1 else GEO_REGION if d == 2 else 0
    if need.quantity and offer.quantity and need.unit and need.unit == offer.unit:
        quantity = round(QUANTITY * float(min(Decimal(1), offer.quantity / need.quantity)), 2)
    else:
        quantity = 0.0
    return round(0 + category + text + geography + round(VALIDITY * overlap, 2) + quantity, 2)


def score(
    need: Side, offer: Side, *, need_words: frozenset[str] | None = None, offer_words: frozenset[str] | None = None
) -> Score | None:
    """The match of `need` and `offer`, or None when they do not match at all."""
    if need.organisation_id == offer.organisation_id:
        return None
    if need.category[:1] != offer.category[:1]:
        return None
    if not within_scopes(need, offer):
        return None
    overlap = _overlap(need, offer)
    if overlap is None:
        return None
    parts: dict[str, float] = {}
    reasons: list[tuple[str, str]] = []
    if len(need.category) > 1 and need.category == offer.category:
        parts["category"] = CATEGORY_DIVISION
        reasons.append(("division", need.category))
    else:
        parts["category"] = CATEGORY_SECTION
        reasons.append(("section", need.category[:1]))
    need_words = content_words(need.texts) if need_words is None else need_words
    offer_words = content_words(offer.texts) if offer_words is None else offer_words
    shared = need_words & offer_words
    parts["text"] = round(TEXT * len(shared) / len(need_words), 2) if need_words else 0.0
    if shared:
        reasons.append(("words", ", ".join(sorted(shared)[:5])))
    d = distance(need, offer)
    parts["geography"] = GEO_COUNTRY if d <= 1 else GEO_REGION if d == 2 else 0
    reasons.append(
        (
            "town" if d == 0 and need.city and offer.city else ("country", "country", "region", "scope")[d],
            need.city if d == 0 and need.city and offer.city else need.country if d <= 1 else (need.subregion or ""),
        )
    )
    parts["validity"] = round(VALIDITY * overlap, 2)
    if overlap >= 1:
        reasons.append(("dates", ""))
    if need.quantity and offer.quantity and need.unit and need.unit == offer.unit:
        share = min(Decimal(1), offer.quantity / need.quantity)
        parts["quantity"] = round(QUANTITY * float(share), 2)
        reasons.append(("quantity" if share >= 1 else "part_quantity", need.unit))
    else:
        parts["quantity"] = 0.0
    return Score(total=round(sum(parts.values()), 2), parts=parts, reasons=tuple(reasons))


def rank(base: Side, candidates: Iterable[Side], *, base_is_need: bool, limit: int = 20) -> list[tuple[Side, Score]]:
    """The best `limit` of `candidates` for `base`, best first; ties broken by the newer listing (higher id)."""
    base_words = content_words(base.texts)
    scored = []
    for other in candidates:
        need, offer = (base, other) if base_is_need else (other, base)
        s = score(
            need,
            offer,
            need_words=base_words if base_is_need else None,
            offer_words=None if base_is_need else base_words,
        )
        if s is not None:
            scored.append((other, s))
    scored.sort(key=lambda pair: (-pair[1].total, -pair[0].id))
    return scored[:limit]
