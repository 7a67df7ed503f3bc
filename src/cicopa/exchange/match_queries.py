"""Matches as pages, the API and notifications read them: for a listing, the open listings of the other direction
that fit it best under matching.py's score, read through the full-text index's tags so that the work is bounded
however many listings there are.

Only published listings of the other direction, of another organisation, in the same CPC section, still valid
today and whose period meets the listing's can match at all. They fall into tiers by what the score gives them
without a word in common (`matching.fixed_ceiling`: category, geography, and the 15 points that validity and
quantity add at most):

    same division, same country       75        same section, same country      55
    same division, same sub-region    65        same section, same sub-region   45
    same division, further away       55        same section, further away      35

(a tier only where both delivery scopes reach that far). The tiers are read in that order, each as an
intersection of index terms (direction, status, section or division, country, region, scope), newest first,
while the best `limit` found so far leave room: a tier whose ceiling is below the current `limit`-th score can
only enter the top through words in common, and a need's text part is the share of its words that a candidate
shares, so a candidate must share at least `matching.words_needed(...)` of the need's n words, and therefore at
least one of any n - m + 1 of them (the rarest, as far as the candidates already scored tell). Such a tier is read
from the index by those words only. For an offer (whose matches are needs, each scored on its own words), a tier
that cannot enter without words is read by any of the offer's words.

The bound: at most TIER_CAP listings are read per tier in full and TEXT_CAP per tier by words (newest first).
Whenever no read reaches its cap, the result is exactly the best `limit` listings under the documented score
(`MatchSearch.complete`); when one does, the best among those read, which favour the listings that share the
most with it. `bench/exchange_listings.py` measures both and compares them with a scan that scores every listing.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone

from cicopa.core.fulltext import TextQuery
from cicopa.exchange import matching
from cicopa.exchange.models import Category, Direction, Listing, ListingStatus, ListingTranslation
from cicopa.exchange.search import (
    COUNTRY,
    INDEX,
    REACH_SUBREGION,
    REACH_WORLD,
    REGION,
    body_without_town,
    match_tag,
    town_tag,
)
from cicopa.registry.models import search_tag

# Listings read per tier, at most: in full (newest first), and by words in common.
TIER_CAP = 2000
TEXT_CAP = 1000

_FIELDS = (
    "id",
    "organisation_id",
    "category_id",
    "country_id",
    "country__subregion_id",
    "city",
    "scope",
    "valid_from",
    "valid_until",
    "quantity",
    "unit_id",
    "search_title",
    "search_body",
)
_NO_TEXT = TextQuery(())


def section_codes(section: str) -> list[str]:
    """The codes of a CPC section: the section itself and its divisions."""
    return [section, *Category.objects.filter(parent_id=section).values_list("code", flat=True)]


@dataclass(frozen=True)
class Match:
    listing: Listing
    score: matching.Score


@dataclass
class MatchSearch:
    """What find_matches found: the matches, best first; whether they are certainly the best (no read reached its
    cap); how many candidates were scored and how many listings read."""

    matches: list[Match]
    complete: bool
    scored: int
    read: int
    tiers: list[str] = field(default_factory=list)  # how each tier was read: "A:all", "B:words(12)", "C:-" ...


def side(listing: Listing) -> matching.Side:
    """The listing as the score sees it, its texts in every language it has (its translations are read, or taken
    from a prefetch)."""
    texts = [listing.title, listing.description]
    for tr in listing.translations.all():
        texts += [tr.title, tr.description]
    return matching.Side(
        id=listing.pk,
        organisation_id=listing.organisation_id,
        category=listing.category_id,
        country=listing.country_id,
        subregion=listing.country.subregion_id if listing.country_id else None,
        city=listing.city,
        scope=listing.scope,
        valid_from=listing.valid_from,
        valid_until=listing.valid_until,
        quantity=listing.quantity,
        unit=listing.unit_id,
        texts=tuple(t for t in texts if t),
    )


def listing_words(listing: Listing) -> frozenset[str]:
    """The words of `listing` that the score counts, from its index columns (the same words as its texts give)."""
    if listing.search_title or listing.search_body:
        return matching.indexed_words(listing.search_title, body_without_town(listing.search_body, listing.city))
    return matching.content_words(side(listing).texts)


@dataclass(frozen=True)
class _Tier:
    category: str  # "division" or "section"
    same_division: bool
    distance: int  # 1: the same country (0 or 1), 2: the same sub-region, 3: further away
    match: str  # the match term: direction, category and reach
    place: str  # the country's or the sub-region's term, or none
    without: tuple[str, ...]
    towns: tuple[str, ...] = ()  # for a local listing with a town: that town's term, and that of no town

    @property
    def name(self) -> str:
        return f"{self.category}/{('', 'country', 'sub-region', 'further')[self.distance]}"

    @property
    def tags(self) -> list[list[str]]:
        return [[self.match], *([[self.place]] if self.place else []), *([list(self.towns)] if self.towns else [])]

    @property
    def ceiling(self) -> int:
        return matching.fixed_ceiling(same_division=self.same_division, distance=self.distance)


def _tiers(listing: Listing, subregion: str | None) -> list[_Tier]:
    """The tiers a listing's matches fall into, by their ceiling, as index terms: the match terms of the other
    direction (published listings only) for the division or the section, reaching as far as the tier is."""
    other = Direction.NEED if listing.direction == Direction.OFFER else Direction.OFFER
    category = listing.category_id
    reach = matching.SCOPE_REACH.get(listing.scope, 3)
    country = search_tag(COUNTRY, listing.country_id)
    away = search_tag(REGION, subregion) if subregion else country
    # A local listing with a town matches only in that town, or with listings that give none.
    towns = (town_tag(listing.city), town_tag("")) if reach == 0 and listing.city else ()
    categories: list[tuple[str, bool, tuple[str, ...]]] = [(category, len(category) > 1, ())]
    if len(category) > 1:  # the other divisions of its section
        categories.append((category[:1], False, (match_tag(other, category),)))
    out = []
    for code, same_division, not_division in categories:
        out.append(
            _Tier(
                "division" if same_division else "section",
                same_division,
                1,
                match_tag(other, code),
                country,
                not_division,
                towns,
            )
        )
        if reach >= 2 and subregion:
            out.append(
                _Tier(
                    "division" if same_division else "section",
                    same_division,
                    2,
                    match_tag(other, code, REACH_SUBREGION),
                    search_tag(REGION, subregion),
                    (*not_division, country),
                )
            )
        if reach >= 3:
            out.append(
                _Tier(
                    "division" if same_division else "section",
                    same_division,
                    3,
                    match_tag(other, code, REACH_WORLD),
                    "",
                    (*not_division, away),
                )
            )
    return sorted(out, key=lambda t: -t.ceiling)


class _Best:
    """The best `limit` (total, id) seen, and the score a newcomer must reach to enter."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.heap: list[tuple[float, int]] = []
        self.scores: dict[int, matching.Score] = {}

    @property
    def threshold(self) -> float:
        return self.heap[0][0] if len(self.heap) >= self.limit else float("-inf")

    def offer(self, listing_id: int, s: matching.Score) -> None:
        key = (s.total, listing_id)
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, key)
            self.scores[listing_id] = s
        elif key > self.heap[0]:
            _total, gone = heapq.heapreplace(self.heap, key)
            del self.scores[gone]
            self.scores[listing_id] = s

    def ranked(self) -> list[tuple[int, matching.Score]]:
        return [(i, self.scores[i]) for _t, i in sorted(self.heap, key=lambda k: (-k[0], -k[1]))]


def _words_needed(threshold: float, ceiling: int, n_words: int, base_is_need: bool) -> int | None:
    """How many of the listing's words a candidate of a tier with this ceiling must share to reach `threshold`:
    0, none (the tier is read in full); None, it cannot. For a need, of its own n words; for an offer, whose
    candidates' text parts are shares of their own words, one is all that can be asked."""
    if base_is_need:
        return matching.words_needed(threshold, ceiling, n_words)
    if ceiling >= threshold - 0.05:
        return 0
    return 1 if ceiling + matching.TEXT >= threshold - 0.05 else None


def find_matches(
    listing: Listing, *, limit: int = 20, tier_cap: int | None = None, text_cap: int | None = None
) -> MatchSearch:
    """The best `limit` open listings of the other direction for `listing`, best first, with how they were found
    (see the module's docstring). Queries: one per tier read (at most twelve), then two for the matches' rows and
    translations, and one for the listing's country if it was not loaded with it."""
    tier_cap = TIER_CAP if tier_cap is None else tier_cap
    text_cap = TEXT_CAP if text_cap is None else text_cap
    if limit <= 0 or not listing.category_id or not listing.country_id:
        return MatchSearch([], True, 0, 0)
    subregion = listing.country.subregion_id
    base_is_need = listing.direction == Direction.NEED
    base_words = listing_words(listing)
    base = matching.Side(
        id=listing.pk or 0,
        organisation_id=listing.organisation_id,
        category=listing.category_id,
        country=listing.country_id,
        subregion=subregion,
        city=listing.city,
        scope=listing.scope,
        valid_from=listing.valid_from,
        valid_until=listing.valid_until,
        quantity=listing.quantity,
        unit=listing.unit_id,
    )
    today = timezone.localdate()
    still_open = Q(valid_until__isnull=True) | Q(valid_until__gte=max(today, listing.valid_from))
    meets = still_open & Q(valid_from__lte=listing.valid_until) if listing.valid_until else still_open
    eligible = Listing.objects.filter(meets).exclude(organisation_id=listing.organisation_id)

    best = _Best(limit)
    seen: set[int] = set()
    rarity: Counter[str] = Counter()  # of the listing's words, in how many candidates scored each was found
    complete = True
    read = 0
    report = []
    n_words = len(base_words)

    def score_rows(rows: Sequence[tuple[Any, ...]], tier: _Tier) -> None:
        for row in rows:
            (pk, org, category, country, sub, city, scope, vfrom, vuntil, quantity, unit, title, body) = row
            if pk in seen:
                continue
            seen.add(pk)
            text = title + " " + body_without_town(body, city)
            if "_" in text:
                text = text.replace("_", " ")
            if base_is_need:  # of the offer's words, only those it shares with the need count
                shared = words = base_words.intersection(text.split())
            else:
                words = matching.indexed_words(text)
                shared = base_words & words
            if shared:
                rarity.update(shared)
            if base_is_need:
                # The most this candidate can score: its tier's ceiling and the words it shares.
                ceiling = tier.ceiling + (matching.TEXT * len(shared) / n_words if n_words else 0)
            else:
                ceiling = tier.ceiling + (matching.TEXT if shared else 0)
            if ceiling < best.threshold - 0.05:
                continue
            other = matching.Side(
                id=pk,
                organisation_id=org,
                category=category,
                country=country,
                subregion=sub,
                city=city,
                scope=scope,
                valid_from=vfrom,
                valid_until=vuntil,
                quantity=Decimal(quantity) if quantity is not None else None,
                unit=unit,
            )
            if base_is_need:
                s = matching.score(base, other, need_words=base_words, offer_words=words)
            else:
                s = matching.score(other, base, need_words=words, offer_words=base_words)
            if s is not None:
                best.offer(pk, s)

    def read_tier(tier: _Tier, cap: int, any_words: Sequence[str] = ()) -> bool:
        """Score the tier's listings (those with one of `any_words`, if given); True if all were read."""
        nonlocal read
        qs = INDEX.with_index(
            eligible, _NO_TEXT, tier.tags, any_words=any_words, without=tier.without, newest_first=True
        )
        rows = list(qs.values_list(*_FIELDS)[: cap + 1])
        read += min(len(rows), cap)
        score_rows(rows[:cap], tier)
        return len(rows) <= cap

    shares: dict[str, float] | None = None  # how common each of the listing's words is, once a tier needs it
    for tier in _tiers(listing, subregion):
        needed = _words_needed(best.threshold, tier.ceiling, n_words, base_is_need)
        if needed == 0:
            whole = read_tier(tier, tier_cap)
            report.append(f"{tier.name}:all" if whole else f"{tier.name}:all(capped)")
            if whole:
                continue
            complete = False
            needed = 1  # beyond the cap, at least those with words in common
        if needed is None or needed > n_words:
            report.append(f"{tier.name}:-")
            continue
        # Any n - m + 1 of the words catch every candidate that shares m of them: the rarest, for the fewest reads
        # (the index walks a common word's entries however few of them the tier holds).
        if shares is None:
            shares = INDEX.word_shares(sorted(base_words))
        chosen = sorted(base_words, key=lambda w: (shares.get(w, 0.0), rarity[w], w))[: n_words - needed + 1]
        whole = read_tier(tier, text_cap, chosen)
        complete = complete and whole
        report.append(f"{tier.name}:words({len(chosen)})" + ("" if whole else "(capped)"))

    ranked = best.ranked()
    rows = {
        o.pk: o
        for o in Listing.objects.filter(pk__in=[pk for pk, _s in ranked])
        .select_related("organisation", "country", "category", "unit")
        .prefetch_related(Prefetch("translations", queryset=ListingTranslation.objects.all()))
    }
    matches = [Match(rows[pk], s) for pk, s in ranked if pk in rows]
    return MatchSearch(matches, complete, len(seen), read, report)


def matches_for(listing: Listing, *, limit: int = 20, notify: bool = False, minimum: float = 0) -> list[Match]:
    """The best matches of `listing` among open listings of the other direction, best first (see find_matches).
    With `notify`, only those worth telling their publisher about (same division, or words in common)."""
    if listing.status != ListingStatus.PUBLISHED and notify:
        return []
    out = []
    for match in find_matches(listing, limit=limit).matches:
        s = match.score
        if s.total < minimum:
            continue
        if notify and not (s.parts.get("category") == matching.CATEGORY_DIVISION or s.parts.get("text")):
            continue
        out.append(match)
    return out


def matches_of_organisation(organisation_ids: Any, *, per_listing: int = 5) -> list[tuple[Listing, list[Match]]]:
    """For each open listing of these organisations (the newest fifty), its best matches (the "matches" page)."""
    own = (
        Listing.objects.filter(organisation_id__in=organisation_ids, status=ListingStatus.PUBLISHED)
        .select_related("organisation", "country", "category", "unit")
        .prefetch_related("translations")
        .order_by("-published_at", "-id")[:50]
    )
    return [(listing, matches_for(listing, limit=per_listing)) for listing in own]
