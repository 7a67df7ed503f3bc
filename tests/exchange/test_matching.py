"""Matching: the documented score on hand-built pairs (order, the cross-language case, scope and geography, validity,
quantity), and the bounded search of match_queries against a scan that scores every listing."""

import datetime
import random
from decimal import Decimal

import pytest

from cicopa.exchange import match_queries, matching, services
from cicopa.exchange.models import Direction, Listing, ListingStatus

TODAY = datetime.date.today()
DAY = datetime.timedelta(days=1)


def side(id, **kw):
    data = {
        "id": id,
        "organisation_id": id,
        "category": "31",
        "country": "FR",
        "subregion": "155",
        "city": "",
        "scope": "international",
        "valid_from": TODAY,
        "valid_until": None,
        "texts": (),
    }
    data.update(kw)
    return matching.Side(**data)


# ------------------------------------------------------------------------------------------------------------------
# The score alone


def test_the_parts_add_up_as_documented():
    need = side(1, texts=("Oak window frames", "Solid oak frames"), quantity=Decimal(10), unit="H87")
    offer = side(2, texts=("Oak window frames made to measure",), quantity=Decimal(20), unit="H87")
    s = matching.score(need, offer)
    assert s is not None
    # category: same division; text: oak, window, frames, solid -> 3 of 4 shared; same country; open periods;
    # quantity covered.
    assert s.parts == {"category": 40, "text": 18.75, "geography": 20, "validity": 10, "quantity": 5}
    assert s.total == 93.75


def test_order_of_matches_follows_the_score_and_ties_go_to_the_newer():
    need = side(1, texts=("oak window frames",), country="ES", subregion="039")
    offers = [
        side(10, category="38", country="ES", subregion="039"),  # section only, same country: 20 + 20 + 10
        side(11, country="PT", subregion="039", texts=("oak frames",)),  # division, sub-region, 2/3 words
        side(12, country="ES", subregion="039", texts=("window frames oak",)),  # division, country, all words
        side(13, country="DE", subregion="155"),  # division, further away: 40 + 0 + 10
        side(14, country="DE", subregion="155"),  # the same, newer
    ]
    ranked = matching.rank(need, offers, base_is_need=True)
    assert [o.id for o, _s in ranked] == [12, 11, 14, 13, 10]
    assert [s.total for _o, s in ranked] == [95.0, 76.67, 50.0, 50.0, 50.0]


def test_cross_language_the_category_and_the_translations_count():
    need = side(1, country="ES", subregion="039", texts=("Ventanas de roble macizo", "Para viviendas"))
    offer_fr = side(2, texts=("Fenêtres en chêne massif", "Sur mesure"))
    offer_fr_translated = side(3, texts=("Fenêtres en chêne massif", "Sur mesure", "Ventanas de roble macizo", ""))
    plain, translated = matching.score(need, offer_fr), matching.score(need, offer_fr_translated)
    assert plain is not None and translated is not None
    assert plain.parts["category"] == translated.parts["category"] == 40  # the division, whatever the language
    assert plain.parts["text"] == 0
    assert translated.parts["text"] == 18.75  # ventanas, roble, macizo of ventanas, roble, macizo, viviendas
    assert ("words", "macizo, roble, ventanas") in translated.reasons


def test_words_are_compared_folded_and_compounds_joined():
    assert matching.content_words(["Co-operative ÉBÉNISTERIE of the 2027 year", "ab"]) == {
        "operative",
        "cooperative",
        "ebenisterie",
        "year",
    }
    assert matching.indexed_words("co operative cooperative ebenisterie year of the 2027") == {
        "operative",
        "cooperative",
        "ebenisterie",
        "year",
    }


@pytest.mark.parametrize(
    ("need", "offer", "matches"),
    [
        ({"scope": "national"}, {"country": "DE"}, False),  # the need accepts its own country only
        ({}, {"country": "DE", "scope": "national"}, False),  # the offer delivers in its country only
        ({}, {"country": "DE", "scope": "regional"}, True),  # the same sub-region (155)
        ({}, {"country": "ES", "subregion": "039", "scope": "regional"}, False),  # another sub-region
        ({}, {"country": "ES", "subregion": "039"}, True),  # both international
        ({"scope": "local", "city": "Lyon"}, {"city": "Paris"}, False),  # another town
        ({"scope": "local", "city": "Lyon"}, {"city": "LYON"}, True),
        ({"scope": "local", "city": "Lyon"}, {"city": ""}, True),  # no town given: the country
        ({"category": "31"}, {"category": "54"}, False),  # another section
        ({"category": "31"}, {"category": "3"}, True),  # the section
        ({}, {"organisation_id": 1}, False),  # one's own
    ],
)
def test_scope_geography_and_category_exclusions(need, offer, matches):
    assert (matching.score(side(1, **need), side(2, **offer)) is not None) is matches


@pytest.mark.parametrize(
    ("need_dates", "offer_dates", "validity"),
    [
        ((0, 9), (0, 9), 10.0),
        ((0, 9), (5, None), 5.0),  # half the need's period
        ((0, 9), (-30, 4), 5.0),
        ((0, 9), (10, None), None),  # periods that do not meet: no match
        ((0, 9), (-30, -1), None),
        ((0, None), (0, None), 10.0),  # both open
        ((0, None), (0, 72), 2.0),  # an open need, offered for 73 days of a year
    ],
)
def test_validity_overlap(need_dates, offer_dates, validity):
    def dates(span):
        start, end = span
        return {"valid_from": TODAY + start * DAY, "valid_until": None if end is None else TODAY + end * DAY}

    s = matching.score(side(1, **dates(need_dates)), side(2, **dates(offer_dates)))
    assert (s and s.parts["validity"]) == validity


@pytest.mark.parametrize(
    ("need", "offer", "points"),
    [
        ((Decimal(10), "H87"), (Decimal(10), "H87"), 5.0),
        ((Decimal(10), "H87"), (Decimal(4), "H87"), 2.0),  # in proportion
        ((Decimal(10), "H87"), (Decimal(40), "KGM"), 0.0),  # another unit
        ((None, None), (Decimal(4), "H87"), 0.0),
    ],
)
def test_quantity_fit(need, offer, points):
    s = matching.score(side(1, quantity=need[0], unit=need[1]), side(2, quantity=offer[0], unit=offer[1]))
    assert s is not None and s.parts["quantity"] == points


def test_the_total_alone_is_the_scores_total():
    rng = random.Random(5)
    for _ in range(3000):
        a, b = (
            side(
                i,
                organisation_id=rng.choice([1, 2, 3]),
                category=rng.choice(["31", "38", "3", "54"]),
                country=rng.choice(["FR", "DE", "ES"]),
                subregion=None,
                city=rng.choice(["", "Lyon", "Köln"]),
                scope=rng.choice(list(matching.SCOPE_REACH)),
                valid_from=TODAY + rng.randint(-9, 9) * DAY,
                valid_until=rng.choice([None, TODAY + rng.randint(10, 400) * DAY]),
                quantity=rng.choice([None, Decimal(rng.randint(1, 9)), Decimal("2.5")]),
                unit=rng.choice([None, "H87"]),
                texts=(" ".join(rng.sample(["oak", "pine", "doors", "frames", "window", "co-operative"], 3)),),
            )
            for i in (1, 2)
        )
        a = matching.Side(**{**a.__dict__, "subregion": {"FR": "155", "DE": "155", "ES": "039"}[a.country]})
        b = matching.Side(**{**b.__dict__, "subregion": {"FR": "155", "DE": "155", "ES": "039"}[b.country]})
        full = matching.score(a, b)
        fast = matching.total(
            a, b, need_words=matching.content_words(a.texts), offer_words=matching.content_words(b.texts)
        )
        assert (full and full.total) == fast


def test_words_needed_is_the_fewest_that_can_reach_a_threshold():
    # 55 without words; 25 points for all of 10 words: 2.5 a word.
    assert matching.words_needed(50, 55, 10) == 0
    assert matching.words_needed(60, 55, 10) == 2
    assert matching.words_needed(80, 55, 10) == 10
    assert matching.words_needed(81, 55, 10) == 11  # more than there are: cannot
    assert matching.words_needed(60, 55, 0) == 1
    for threshold in range(30, 101):
        for n in (1, 3, 7, 20):
            m = matching.words_needed(threshold, 55, n)
            if m:  # one word fewer never reaches it
                assert 55 + matching.TEXT * (m - 1) / n < threshold - 0.01


# ------------------------------------------------------------------------------------------------------------------
# Matches found in the database


@pytest.fixture
def traders(trade, alice):
    """Organisations in Germany (the sub-region of France), Portugal (of Spain) and Kenya, with one trader
    (tom) acting for them and for the Spanish taxis."""
    from django.contrib.auth import get_user_model

    from cicopa.core.models import Country
    from cicopa.registry import access_services
    from cicopa.registry import services as registry_services
    from cicopa.registry.models import AccessRole

    tom = get_user_model().objects.create_user("tom", "tom@example.org", "tom-password-1")
    orgs = dict(trade)
    for key, iso, city in (("tischlerei", "DE", "Köln"), ("carpintaria", "PT", "Porto"), ("fundi", "KE", "Nairobi")):
        orgs[key] = registry_services.organisation_create(
            actor=alice,
            data={"name": f"{key.title()} co-operative", "country": Country.objects.get(iso2=iso), "city": city},
        )
        access_services.access_grant(actor=alice, user=tom, organisation=orgs[key], role=AccessRole.EDITOR)
    access_services.access_grant(actor=alice, user=tom, organisation=orgs["taxi"], role=AccessRole.EDITOR)
    return orgs, tom


def publish(actor, organisation, **data):
    base = {
        "direction": "offer",
        "kind": "goods",
        "language": "en",
        "category": "31",
        "scope": "international",
        "valid_from": TODAY.isoformat(),
        "description": "",
    }
    base.update(data)
    return services.listing_create(actor=actor, organisation=organisation, data=base, publish=True)


def test_a_need_in_spanish_finds_offers_in_order(traders, charlie, erika):
    orgs, tom = traders
    need = publish(
        erika,
        orgs["constructora"],
        direction="need",
        language="es",
        title="Ventanas de roble macizo",
        description="Para viviendas cooperativas en Valencia.",
        quantity="40",
        unit="H87",
    )
    french = publish(
        charlie,
        orgs["menuiserie"],
        language="fr",
        title="Fenêtres en chêne massif",
        description="Sur mesure, livrées en Europe.",
        translations={"es": {"title": "Ventanas de roble macizo", "description": "A medida."}},
        quantity="100",
        unit="H87",
    )
    spanish_section = publish(tom, orgs["taxi"], language="es", title="Mesas de roble", category="38")
    portuguese = publish(tom, orgs["carpintaria"], language="es", title="Ventanas de pino", scope="regional")
    german_far = publish(tom, orgs["tischlerei"], title="Oak doors", scope="regional")  # 155: not Spain's 039
    kenyan = publish(tom, orgs["fundi"], title="Ventanas de roble", scope="national")  # delivers in Kenya only
    publish(tom, orgs["taxi"], title="Roble", category="54")  # construction services: another section
    other_need = publish(tom, orgs["taxi"], title="Ventanas de roble", direction="need")  # not what offers are for
    services.listing_create(actor=tom, organisation=orgs["taxi"], data={**_offer("Ventanas de roble")})  # a draft
    ended = publish(tom, orgs["taxi"], title="Ventanas de roble", valid_until=(TODAY + 3 * DAY).isoformat())
    Listing.objects.filter(pk=ended.pk).update(valid_until=TODAY - DAY, valid_from=TODAY - 9 * DAY)

    found = match_queries.matches_for(need)
    assert [m.listing for m in found] == [french, portuguese, spanish_section]
    by_listing = {m.listing: m.score for m in found}
    assert by_listing[french].parts["text"] > 0  # its Spanish translation's words count
    assert by_listing[french].parts["category"] == 40 and by_listing[french].parts["geography"] == 0
    assert by_listing[portuguese].parts["geography"] == 10
    assert by_listing[spanish_section].parts["category"] == 20
    assert german_far not in by_listing and kenyan not in by_listing
    assert found == _naive(need)

    # And the other way: the French offer finds the Spanish needs (all of the shorter one's words are its own).
    assert [m.listing for m in match_queries.matches_for(french)] == [other_need, need]
    assert match_queries.matches_for(french) == _naive(french)


def _offer(title, **kw):
    return {
        "direction": "offer",
        "kind": "goods",
        "language": "es",
        "title": title,
        "category": "31",
        "scope": "international",
        "valid_from": TODAY.isoformat(),
        **kw,
    }


def _naive(listing, limit=20):
    """Every published listing of the other direction scored: what find_matches must equal."""
    other = Direction.NEED if listing.direction == Direction.OFFER else Direction.OFFER
    candidates = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED, direction=other)
        .filter(models_q_still_open())
        .select_related("country")
        .prefetch_related("translations")
    )
    by_id = {c.pk: c for c in candidates}
    ranked = matching.rank(
        match_queries.side(listing),
        [match_queries.side(c) for c in candidates],
        base_is_need=listing.direction == Direction.NEED,
        limit=limit,
    )
    return [match_queries.Match(by_id[o.id], s) for o, s in ranked]


def models_q_still_open():
    from django.db.models import Q

    return Q(valid_until__isnull=True) | Q(valid_until__gte=TODAY)


WORDS = {
    "31": ["oak", "pine", "window", "frames", "doors", "beams", "timber", "joinery", "ventanas", "roble", "fenetres"],
    "38": ["tables", "chairs", "oak", "furniture", "mesas", "sillas", "meubles", "toys", "pine"],
    "37": ["glass", "bricks", "tiles", "window", "vidrio", "verre", "ceramic"],
    "54": ["roofing", "building", "renovation", "obras", "chantier"],
}
GENERIC = ["quality", "delivery", "cooperative", "local", "certified", "solid", "made", "measure"]


def _random_listings(orgs, count, seed):
    """`count` published listings (and a few drafts) spread over organisations, categories, scopes, dates,
    quantities and words: indexed as the services index them, written in one go."""
    from cicopa.exchange import search

    rng = random.Random(seed)
    made = []
    for _ in range(count):
        org = rng.choice(orgs)
        category = rng.choice(["31", "31", "31", "38", "37", "3", "54"])
        vocabulary = WORDS.get(category, WORDS["31"])
        start = TODAY + rng.randint(-20, 20) * DAY
        end = rng.choice([None, start + rng.randint(0, 200) * DAY])
        listing = Listing(
            organisation=org,
            direction=rng.choice(["offer", "offer", "need"]),
            kind="goods",
            language=rng.choice(["en", "fr", "es"]),
            title=" ".join(rng.sample(vocabulary, rng.randint(1, 3))),
            description=" ".join(rng.sample(GENERIC + vocabulary, rng.randint(0, 6))),
            category_id=category,
            country_id=org.country_id,
            city=rng.choice([org.city, org.city, ""]),
            scope=rng.choice(["local", "national", "regional", "international", "international"]),
            valid_from=start,
            valid_until=end,
            quantity=rng.choice([None, Decimal(rng.randint(1, 50))]),
            unit_id="H87",
            status=rng.choice([ListingStatus.PUBLISHED] * 9 + [ListingStatus.DRAFT]),
        )
        search.fill_columns(listing, {})
        made.append(listing)
    Listing.objects.bulk_create(made)
    return made


@pytest.mark.parametrize(("seed", "by_words"), [(1, False), (2, False), (3, True), (4, True)])
def test_the_bounded_search_finds_exactly_what_a_full_scan_finds(traders, seed, by_words, monkeypatch):
    if by_words:  # every tier that can be read by words is, however small
        monkeypatch.setattr(match_queries, "SMALL_TIER", 0)
    orgs, _tom = traders
    pool = [orgs[k] for k in ("menuiserie", "constructora", "taxi", "tischlerei", "carpintaria", "fundi", "cgscop")]
    _random_listings(pool, 300, seed)
    published = list(
        Listing.objects.filter(status=ListingStatus.PUBLISHED).select_related("country").order_by("id")[::7]
    )
    ways = set()
    for listing in published:
        for limit in (1, 5, 20):
            result = match_queries.find_matches(listing, limit=limit)
            ways.update(way.split(":")[1][:5] for way in result.tiers)
            assert result.complete
            assert [(m.listing.pk, m.score) for m in result.matches] == [
                (m.listing.pk, m.score) for m in _naive(listing, limit)
            ], (listing.pk, limit, result.tiers)
    assert ("words" in ways) is by_words and "all" in ways


def test_with_small_caps_the_search_says_it_may_have_missed_some(traders):
    orgs, _tom = traders
    pool = [orgs[k] for k in ("menuiserie", "constructora", "taxi", "tischlerei", "carpintaria")]
    _random_listings(pool, 200, 7)
    outcomes = []
    for listing in Listing.objects.filter(status=ListingStatus.PUBLISHED).select_related("country")[:40]:
        small = match_queries.find_matches(listing, limit=10, tier_cap=3, text_cap=3, budget=12)
        assert small.read <= 12
        if small.complete:  # nothing was left unread that could enter: the same as without caps
            assert [m.listing.pk for m in small.matches] == [
                m.listing.pk for m in match_queries.find_matches(listing, limit=10).matches
            ]
        outcomes.append(small.complete)
    assert False in outcomes


def test_the_query_count_does_not_grow_with_the_matches(traders, django_assert_max_num_queries):
    orgs, _tom = traders
    pool = [orgs[k] for k in ("menuiserie", "constructora", "taxi", "tischlerei", "carpintaria", "fundi")]
    _random_listings(pool, 200, 11)
    need = Listing.objects.filter(direction="need", status=ListingStatus.PUBLISHED).select_related("country").first()
    assert need is not None
    with django_assert_max_num_queries(14):  # a read or two per tier (six at most), the rows, their translations
        found = match_queries.matches_for(need, limit=20)
    with django_assert_max_num_queries(0):
        for match in found:
            match.listing.text_in("fr")
            str(match.listing.organisation) + str(match.listing.category) + str(match.listing.country)
