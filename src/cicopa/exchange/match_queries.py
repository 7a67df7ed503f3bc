"""Matches as pages, the API and notifications read them: for a listing, the open listings of the other direction
that fit it best under matching.py's score, found through the full-text index so that the work is bounded however
many listings there are.

Only published listings of the other direction, of another organisation, in the same CPC section, still valid
today and whose period meets the listing's can match at all. They fall into tiers by what the score gives them
without a word in common (`matching.fixed_ceiling`: category, geography, and the 15 points that validity and
quantity add at most):

    same division, same country       75        same section, same country      55
    same division, same sub-region    65        same section, same sub-region   45
    same division, further away       55        same section, further away      35

(a tier only where the listing's delivery scope reaches that far, and holding only listings whose own scope
does). Each tier is one match term of the index (exchange.search.match_tags: direction, category and place in one
term, present on published listings only), less the terms of the tiers it overlaps, so that the index finds a
tier's listings without intersecting long lists; a local listing's tiers keep to its town (or listings without
one). The tiers are read in that order, newest first, and each candidate is scored from its index columns:

* in full, while the best `limit` found so far leave room below the tier's ceiling;
* else by words: a candidate can then only enter with words in common, and a need's text part is the share of
  its n words that a candidate shares, so it must share at least m of them (`matching.words_needed`), and so one
  of any n - m + 1: the tier is read by the n - m + 1 rarest (FullTextIndex.word_shares), which the index finds
  without reading the others. A small tier (SMALL_TIER) is read in full instead: that costs less, and is as
  exact. For an offer (whose candidates are needs, each scored
  on its own words), a tier that cannot enter without words is read by any of the offer's words;
* not at all when even all of a need's words could not lift its listings to the `limit`-th score.

The bound: at most TIER_CAP listings are read of a tier in full, TEXT_CAP of a tier by words, and BUDGET in all
(newest first). Whenever no read reaches its cap or the budget, the result is exactly the best `limit` listings
under the documented score (`MatchSearch.complete` says which), ties going to the newer listing; when one does,
the best of those read. `bench/exchange_listings.py` measures both against a scan that scores every listing;
tests/exchange/test_matching.py checks the search against such a scan on generated marketplaces.
"""

from __future__ import annotations

import datetime
import functools
import heapq
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import CharField, Prefetch, Q
from django.db.models.functions import Cast
from django.utils import timezone

from cicopa.core.fulltext import PreparedSearch
from cicopa.core.text import search_text
from cicopa.exchange import matching
from cicopa.exchange.models import Category, Direction, Listing, ListingStatus, ListingTranslation
from cicopa.exchange.search import (
    ANYWHERE,
    INDEX,
    body_without_town,
    in_country,
    in_subregion,
    match_tag,
    town_tag,
)

# Listings read per tier, at most: in full (newest first), and by words in common.
TIER_CAP = 2000
TEXT_CAP = 1000
# A tier of at most SMALL_TIER listings is read whole, even where it could be read by words.
SMALL_TIER = 300
# Listings read in all, at most, for one listing's matches.
BUDGET = 4000

_FIELDS = (
    "id",
    "organisation_id",
    "category_id",
    "country_id",
    "country__subregion_id",
    "city",
    "scope",
    "valid_from_text",
    "valid_until_text",
    "quantity",
    "unit_id",
    "search_title",
    "search_body",
)


@functools.lru_cache(maxsize=4096)
def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text[:10])


@functools.lru_cache(maxsize=8192)
def _town_words(city: str) -> frozenset[str]:
    return matching.indexed_words(search_text(city))


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
    match: str  # the match term of the tier's listings
    without: tuple[str, ...]  # match terms of listings in a tier before it
    towns: tuple[str, ...] = ()  # for a local listing with a town: that town's term, and that of no town

    @property
    def name(self) -> str:
        return f"{self.category}/{('', 'country', 'sub-region', 'further')[self.distance]}"

    @property
    def tags(self) -> list[list[str]]:
        return [[self.match], list(self.towns)] if self.towns else [[self.match]]

    @property
    def ceiling(self) -> int:
        return matching.fixed_ceiling(same_division=self.same_division, distance=self.distance)


def _tiers(listing: Listing, subregion: str | None) -> list[_Tier]:
    """The tiers a listing's matches fall into, by their ceiling, each as one match term of the other direction
    (published listings only), less those of the tiers it overlaps."""
    other = Direction.NEED if listing.direction == Direction.OFFER else Direction.OFFER
    category = listing.category_id
    reach = matching.SCOPE_REACH.get(listing.scope, 3)
    country, region = in_country(listing.country_id), in_subregion(subregion or "")
    # A local listing with a town matches only in that town, or with listings that give none.
    towns = (town_tag(listing.city), town_tag("")) if reach == 0 and listing.city else ()
    division = len(category) > 1
    out = []
    for code, same_division in ((category, division), *([(category[:1], False)] if division else [])):
        name = "division" if same_division else "section"
        # The section's tiers leave out the division's listings, read in the division's tiers.
        own = category if not same_division and division else ""

        def term(code: str, where: str) -> str:
            return match_tag(other, code, where)

        out.append(_Tier(name, same_division, 1, term(code, country), (term(own, country),) if own else (), towns))
        if reach >= 2 and subregion:
            skip = (term(code, country), *((term(own, region),) if own else ()))
            out.append(_Tier(name, same_division, 2, term(code, region), skip))
        if reach >= 3:
            away = term(code, region) if subregion else term(code, country)
            skip = (away, *((term(own, ANYWHERE),) if own else ()))
            out.append(_Tier(name, same_division, 3, term(code, ANYWHERE), skip))
    return sorted(out, key=lambda t: -t.ceiling)


class _Best:
    """The best `limit` (total, id) seen, with what their full score needs, and the total a newcomer must reach to
    enter."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.heap: list[tuple[float, int]] = []
        self.kept: dict[int, tuple[matching.Side, frozenset[str]]] = {}

    @property
    def threshold(self) -> float:
        return self.heap[0][0] if len(self.heap) >= self.limit else float("-inf")

    def offer(self, total: float, other: matching.Side, words: frozenset[str]) -> None:
        key = (total, other.id)
        if len(self.heap) < self.limit:
            heapq.heappush(self.heap, key)
        elif key > self.heap[0]:
            _total, gone = heapq.heapreplace(self.heap, key)
            del self.kept[gone]
        else:
            return
        self.kept[other.id] = (other, words)

    def ranked(self) -> list[tuple[int, matching.Side, frozenset[str]]]:
        return [(i, *self.kept[i]) for _t, i in sorted(self.heap, key=lambda k: (-k[0], -k[1]))]


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
    listing: Listing,
    *,
    limit: int = 20,
    tier_cap: int | None = None,
    text_cap: int | None = None,
    budget: int | None = None,
) -> MatchSearch:
    """The best `limit` open listings of the other direction for `listing`, best first, with how they were found
    (see the module's docstring). Queries: one per tier read (at most twelve), then two for the matches' rows and
    translations, and one for the listing's country if it was not loaded with it."""
    tier_cap = TIER_CAP if tier_cap is None else tier_cap
    text_cap = TEXT_CAP if text_cap is None else text_cap
    budget = BUDGET if budget is None else budget
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
    # Dates read as text, made dates for the few candidates scored: converting every row's costs more.
    eligible = (
        Listing.objects.filter(meets)
        .exclude(organisation_id=listing.organisation_id)
        .annotate(valid_from_text=Cast("valid_from", CharField()), valid_until_text=Cast("valid_until", CharField()))
    )

    best = _Best(limit)
    seen: set[int] = set()
    rarity: Counter[str] = Counter()  # of the listing's words, in how many candidates scored each was found
    complete = True
    read = 0
    report = []
    n_words = len(base_words)

    def base_town_words(city: str) -> bool:
        """Whether a word of the town `city` is one of the listing's own words."""
        return not base_words.isdisjoint(_town_words(city))

    def score_rows(rows: Sequence[tuple[Any, ...]], tier: _Tier) -> None:
        """Score the rows not seen yet, most promising first: what each can score at most (its tier's ceiling and
        the words it shares) is cheap to know, the score is not, and once the best `limit` are found few others
        can still reach them."""
        bounded = []
        floor = tier.ceiling
        for row in rows:
            pk, city, title, body = row[0], row[5], row[11], row[12]
            if pk in seen:
                continue
            seen.add(pk)
            # The town's words do not count (fill_columns puts them last in the body): taken off, for a need's
            # offers where one of them is a word of the need's (else they cannot matter).
            if city and (not base_is_need or base_town_words(city)):
                body = body_without_town(body, city)
            text = title + " " + body
            if "_" in text:
                text = text.replace("_", " ")
            if base_is_need:  # of the offer's words, only those it shares with the need count
                shared = words = base_words.intersection(text.split())
                ceiling = floor + (matching.TEXT * len(shared) / n_words if n_words else 0)
            else:
                words = matching.indexed_words(text)
                shared = base_words & words
                ceiling = floor + (matching.TEXT if shared else 0)
            if shared:
                rarity.update(shared)
            bounded.append((ceiling, pk, row, words))
        bounded.sort(key=lambda b: (-b[0], -b[1]))
        for ceiling, pk, row, words in bounded:
            if ceiling < best.threshold - 0.05:
                break
            (_pk, org, category, country, sub, city, scope, vfrom, vuntil, quantity, unit, _t, _b) = row
            if quantity is not None and not isinstance(quantity, Decimal):
                quantity = Decimal(str(quantity))  # read as stored (SQLite keeps a number)
            vfrom, vuntil = _date(vfrom), _date(vuntil) if vuntil else None
            other = matching.Side(pk, org, category, country, sub, city, scope, vfrom, vuntil, quantity, unit)
            if base_is_need:
                total = matching.total(base, other, need_words=base_words, offer_words=words)
            else:
                total = matching.total(other, base, need_words=words, offer_words=base_words)
            if total is not None:
                best.offer(total, other, words)

    prepared: dict[bool, PreparedSearch] = {}

    def read_tier(tier: _Tier, cap: int, any_words: Sequence[str] = ()) -> bool:
        """Score the tier's listings (those with one of `any_words`, if given), at most `cap` of them and no more
        than the budget leaves; True if all were read."""
        nonlocal read
        # Read as the database gives them, past the ORM's conversion of every row: dates come as dates (SQLite's
        # declared types, PostgreSQL's driver), quantities are made decimals above for the few scored.
        key = bool(any_words)
        if key not in prepared:  # a read by words is capped by text_cap, a whole one by tier_cap
            prepared[key] = INDEX.prepare(eligible, fields=_FIELDS, limit=cap + 1, any_words=key)
        most = min(cap, budget - read)
        rows = prepared[key].run(tier.tags, without=tier.without, any_words=any_words, limit=most + 1)
        read += min(len(rows), most)
        score_rows(rows[:most], tier)
        return len(rows) <= most

    tiers = _tiers(listing, subregion)
    # Once a tier may be read by words: how many listings each tier holds (at most, as the index counts them),
    # and how common each of the listing's words is.
    sizes: list[int] | None = None
    shares: dict[str, float] | None = None
    for i, tier in enumerate(tiers):
        needed = _words_needed(best.threshold, tier.ceiling, n_words, base_is_need)
        if needed is None or needed > n_words:  # none of the tier can enter
            report.append(f"{tier.name}:-")
            continue
        if read >= budget:
            report.append(f"{tier.name}:(budget spent)")
            complete = False
            continue
        if needed and sizes is None:
            sizes = INDEX.counts(eligible, [(t.tags, t.without) for t in tiers], limit=SMALL_TIER)
        # A small tier is read whole: that costs less than the index's checking each word for each of its listings.
        if needed == 0 or sizes is None or sizes[i] <= SMALL_TIER:
            whole = read_tier(tier, tier_cap)
            report.append(f"{tier.name}:all" if whole else f"{tier.name}:all(capped)")
            complete = complete and whole
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
        for o in Listing.objects.filter(pk__in=[pk for pk, _o, _w in ranked])
        .select_related("organisation", "country", "category", "unit")
        .prefetch_related(Prefetch("translations", queryset=ListingTranslation.objects.all()))
    }
    matches = []
    for pk, other, words in ranked:  # the full score (parts and reasons) of the best only
        if base_is_need:
            s = matching.score(base, other, need_words=base_words, offer_words=words)
        else:
            s = matching.score(other, base, need_words=words, offer_words=base_words)
        if s is not None and pk in rows:
            matches.append(Match(rows[pk], s))
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
