"""Listing search and matching over a large generated marketplace, on SQLite or PostgreSQL.

Search: for each representative query, p50/p95 through the code the listings page and the API use
(`exchange.queries.search_listings`, as an anonymous reader), against the bare full-text SQL for the same page on
the same database (the floor: on SQLite FTS5, counting every hit and ordering them by bm25(); on PostgreSQL the
same tsvector query, counting every hit and ordering by ts_rank(); then the page's rows).

Matching: the top 20 matches of sampled needs and offers through `match_queries.find_matches` (what the listing
page, the matches page and the notifications use), p50/p95, how many were certainly exact (the search says so
when no read reached its cap), and, side by side in the same run, a naive scan that reads every open listing of
the other direction and scores each in Python with the same score: its time, and whether its top 20 equals the
search's.

The marketplace: co-operatives of the registry's demo generator publish offers and needs from the demo's
catalogue in their country's language (a fifth translated into the other two), each description with a few words
of a large vocabulary drawn by Zipf's law (bench/_listing_words.py), in their own town; 90 % published.

Usage: python bench/exchange_listings.py [--size 1000000] [--repeat 30] [--needs 100] [--offers 50]
       [--naive 3] [--database postgres://...]
"""

from __future__ import annotations

import argparse
import datetime
import heapq
import os
import random
import subprocess
import sys
import time
from decimal import Decimal

from _listing_words import Vocabulary
from _setup import RESULTS, add_database_option, database_name, django_on, pct, say, timed

COOPERATIVES = 20_000
SEED = 77


def build(size: int) -> None:
    """Fill the database with `size` listings (and the co-operatives that publish them), in batches."""
    from django.db import connection
    from django.utils import timezone

    from cicopa.exchange import search
    from cicopa.exchange.demo import LANGUAGE_OF, _activity
    from cicopa.exchange.demo_catalogue import CATALOGUE
    from cicopa.exchange.models import Direction, Listing, ListingStatus, ListingTranslation, Scope
    from cicopa.registry import demo
    from cicopa.registry.models import Organisation, OrganisationKind

    if not Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION).exists():
        demo.load_demo(cooperatives=0)
    coops = Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE).count()
    if coops < COOPERATIVES:
        federations = list(Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION))
        demo.generate_cooperatives(COOPERATIVES - coops, federations=federations, batch=20000)
    publishers = [
        (org_id, iso, city, subregion, activity)
        for org_id, iso, city, subregion, description in Organisation.objects.filter(
            kind=OrganisationKind.COOPERATIVE, country__isnull=False
        )
        .order_by("id")
        .values_list("id", "country_id", "city", "country__subregion_id", "description")
        if (activity := _activity(description))
    ]
    regions = {
        iso: (region or "", sub or "", inter or "")
        for iso, region, sub, inter in Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE)
        .values_list("country_id", "country__region_id", "country__subregion_id", "country__intermediate_region_id")
        .distinct()
    }
    rng = random.Random(SEED)
    vocabulary = Vocabulary(rng)
    today = timezone.localdate()
    now = timezone.now()
    have = Listing.objects.count()
    start = time.perf_counter()
    batch = 20_000
    while have < size:
        n = min(batch, size - have)
        made: list[Listing] = []
        texts = []
        for _ in range(n):
            org_id, iso, city, _sub, activity = publishers[rng.randrange(len(publishers))]
            offers, needs = CATALOGUE[activity]
            direction = Direction.OFFER if rng.random() < 0.6 else Direction.NEED
            item = rng.choice(offers if direction == Direction.OFFER else needs)
            language = LANGUAGE_OF.get(iso, "en")
            roll = rng.random()
            status = (
                ListingStatus.DRAFT
                if roll < 0.03
                else ListingStatus.PAUSED
                if roll < 0.05
                else ListingStatus.EXPIRED
                if roll < 0.10
                else ListingStatus.PUBLISHED
            )
            begins = today - datetime.timedelta(days=rng.randint(0, 400))
            until = None if rng.random() < 0.4 else today + datetime.timedelta(days=rng.randint(-30, 400))
            if status == ListingStatus.EXPIRED:
                until = today - datetime.timedelta(days=rng.randint(1, 30))
            if until is not None and until < begins:
                until = begins
            quantity = Decimal(rng.choice((10, 20, 50, 100, 200, 500))) if item.kind == "goods" else None
            extra = vocabulary.words(rng.randint(2, 8))
            listing = Listing(
                organisation_id=org_id,
                direction=direction,
                kind=item.kind,
                language=language,
                title=item.title[language],
                description=f"{item.description[language]} {extra}",
                category_id=item.division if rng.random() < 0.97 else item.division[:1],
                quantity=quantity,
                unit_id=item.unit if quantity is not None else None,
                country_id=iso,
                city=city if rng.random() < 0.9 else "",
                scope=rng.choice(
                    (Scope.LOCAL, Scope.NATIONAL, Scope.REGIONAL, Scope.INTERNATIONAL, Scope.INTERNATIONAL)
                ),
                valid_from=begins,
                valid_until=until,
                status=status,
                published_at=None
                if status == ListingStatus.DRAFT
                else now - datetime.timedelta(days=(today - begins).days),
            )
            translated = rng.random() < 0.2
            other = (
                {
                    lang: {"title": item.title[lang], "description": item.description[lang]}
                    for lang in ("en", "fr", "es")
                    if lang != language
                }
                if translated
                else {}
            )
            search.fill_columns(listing, other, regions=regions[iso])
            made.append(listing)
            texts.append(other)
        with search.INDEX.bulk_indexing():
            Listing.objects.bulk_create(made, batch_size=2000)
            ListingTranslation.objects.bulk_create(
                [
                    ListingTranslation(listing=listing, language=lang, title=t["title"], description=t["description"])
                    for listing, other in zip(made, texts, strict=True)
                    for lang, t in other.items()
                ],
                batch_size=2000,
            )
        have += n
        say(f"  {have:,} listings ({time.perf_counter() - start:.0f} s)")
    with connection.cursor() as c:
        c.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000, help="listings in the marketplace")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--needs", type=int, default=100, help="needs whose matches are timed")
    parser.add_argument("--offers", type=int, default=50, help="offers whose matches are timed")
    parser.add_argument("--naive", type=int, default=3, help="needs and offers also matched by the naive scan")
    parser.add_argument("--only", choices=("search", "matches"), help="measure only this part")
    parser.add_argument("--build-only", action="store_true", help="make the database, measure nothing")
    add_database_option(parser)
    args = parser.parse_args()
    sqlite_file = RESULTS / f"listings-{args.size}.sqlite3"
    django_on(sqlite_file.name, args.database)

    from django.core.management import call_command
    from django.db import connection

    from cicopa.exchange.models import Listing, ListingStatus

    postgres = connection.vendor == "postgresql"
    call_command("migrate", verbosity=0)
    if postgres and not Listing.objects.exists():  # the same rows as on SQLite, copied
        if not sqlite_file.exists():
            say(f"building {sqlite_file.name} first, to copy it")
            env = {k: v for k, v in os.environ.items() if k != "CICOPA_DATABASE_URL"}
            subprocess.run([sys.executable, __file__, "--size", str(args.size), "--build-only"], env=env, check=True)
        from _postgres import copy_from_sqlite

        copy_from_sqlite(sqlite_file)
    if Listing.objects.count() < args.size:
        say(f"generating {args.size:,} listings")
        build(args.size)
    if args.build_only:
        return
    published = Listing.objects.filter(status=ListingStatus.PUBLISHED).count()
    say(f"marketplace: {Listing.objects.count():,} listings, {published:,} published ({database_name()})")

    if args.only != "matches":
        search_figures(args.repeat, postgres)
    if args.only != "search":
        match_figures(args)


def search_figures(repeat: int, postgres: bool) -> None:
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from cicopa.core.fulltext import TextQuery, fts5_query
    from cicopa.exchange import queries, search
    from cicopa.exchange.models import Listing

    anonymous = AnonymousUser()
    cases = [
        ("one word", "roble", {}),
        ("two words", "oak window", {}),
        ("word+filters", "fenetres", {"country": ["FR"], "direction": ["offer"]}),
        ("rare word", Vocabulary(random.Random(SEED)).rare_word(), {}),
        ("filters only", "", {"country": ["ES"], "category": ["31"]}),
        ("no match", "zzyzx", {}),
    ]

    def floor_sql(q: str, tags: list[list[str]]) -> None:
        """The bare full-text query for the same page: every hit counted, the best 20 by the index's own rank,
        their rows."""
        text = TextQuery.parse(q)
        with connection.cursor() as c:
            if postgres:
                where = ["search_vector @@ to_tsquery('simple', %s)"] if text else []
                params: list[object] = [text.tsquery()] if text else []
                if tags:
                    where.append("search_tags_vector @@ to_tsquery('simple', %s)")
                    params.append(" & ".join("(" + " | ".join(g) + ")" for g in tags))
                sql = " AND ".join(where)
                c.execute(f"SELECT count(*) FROM exchange_listing WHERE {sql}", params)
                c.fetchall()
                rank = "ts_rank(search_vector, to_tsquery('simple', %s)) DESC" if text else "id DESC"
                c.execute(
                    f"SELECT id FROM exchange_listing WHERE {sql} ORDER BY {rank} LIMIT 20",
                    params + ([text.tsquery()] if text else []),
                )
            else:
                fts = search.INDEX.fts_table
                match = fts5_query(text, tags)
                c.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH %s", [match])
                c.fetchall()
                order = f"bm25({fts}, 10.0, 1.0)" if text else "rowid DESC"
                c.execute(f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s ORDER BY {order} LIMIT 20", [match])
            ids = [r[0] for r in c.fetchall()]
        list(queries.with_relations(Listing.objects.filter(id__in=ids)))

    say("")
    say(f"{'search':<14} {'platform p50':>12} {'p95':>8} {'floor p50':>10} {'p95':>8} {'ratio p95':>9} {'hits':>9}")
    for label, q, params in cases:
        filters = queries.parse_filters(params)
        page = queries.search_listings(anonymous, q=q, filters=filters)
        ours = timed(lambda q=q, f=filters: queries.search_listings(anonymous, q=q, filters=f), repeat)
        tags = filters.tag_groups(queries.RARE + queries.COMMON)
        floor = timed(lambda q=q, t=tags: floor_sql(q, t), repeat)
        ratio = pct(ours, 95) / max(pct(floor, 95), 0.001)
        total = f"{page.total:,}" + ("+" if page.total_is_capped else "")
        say(
            f"{label:<14} {pct(ours, 50):>10.1f}ms {pct(ours, 95):>6.1f}ms {pct(floor, 50):>8.1f}ms "
            f"{pct(floor, 95):>6.1f}ms {ratio:>8.2f}x {total:>9}"
        )


def match_figures(args: argparse.Namespace) -> None:
    from cicopa.exchange import match_queries, matching, search
    from cicopa.exchange.models import Direction, Listing, ListingStatus

    rng = random.Random(5)
    highest = Listing.objects.order_by("-id").values_list("id", flat=True).first() or 0

    def sample(direction: str, n: int) -> list[Listing]:
        out: list[Listing] = []
        while len(out) < n:
            pk = rng.randint(1, highest)
            found = (
                Listing.objects.filter(pk__gte=pk, direction=direction, status=ListingStatus.PUBLISHED)
                .select_related("country")
                .prefetch_related("translations")
                .order_by("pk")
                .first()
            )
            if found is not None and all(found.pk != o.pk for o in out):
                out.append(found)
        return out

    def naive(listing: Listing, limit: int = 20) -> list[int]:
        """Every open listing of the other direction read and scored in Python, by the same score."""
        other = Direction.NEED if listing.direction == Direction.OFFER else Direction.OFFER
        base = match_queries.side(listing)
        base_words = match_queries.listing_words(listing)
        today = datetime.date.today()
        best: list[tuple[float, int]] = []
        rows = (
            Listing.objects.filter(status=ListingStatus.PUBLISHED, direction=other)
            .exclude(valid_until__lt=today)
            .values_list(
                "id", "organisation_id", "category_id", "country_id", "country__subregion_id", "city", "scope",
                "valid_from", "valid_until", "quantity", "unit_id", "search_title", "search_body",
            )
            .iterator(chunk_size=20000)
        )  # fmt: skip
        for pk, org, cat, iso, sub, city, scope, vfrom, vuntil, quantity, unit, title, body in rows:
            side = matching.Side(pk, org, cat, iso, sub, city, scope, vfrom, vuntil, quantity, unit)
            words = matching.indexed_words(title, search.body_without_town(body, city))
            if listing.direction == Direction.NEED:
                total = matching.total(base, side, need_words=base_words, offer_words=words)
            else:
                total = matching.total(side, base, need_words=words, offer_words=base_words)
            if total is None:
                continue
            if len(best) < limit:
                heapq.heappush(best, (total, pk))
            elif (total, pk) > best[0]:
                heapq.heapreplace(best, (total, pk))
        return [pk for _t, pk in sorted(best, reverse=True)]

    say("")
    say(
        f"{'matches of':<10} {'n':>4} {'p50':>8} {'p95':>8} {'max':>8} {'certain':>8} {'read p50':>9} "
        f"{'naive p50':>10} {'same top 20':>11}"
    )
    for direction, n in ((Direction.NEED, args.needs), (Direction.OFFER, args.offers)):
        listings = sample(direction, n)
        times, certain, reads = [], 0, []
        for listing in listings:
            match_queries.find_matches(listing)  # warm
            t0 = time.perf_counter()
            found = match_queries.find_matches(listing)
            times.append((time.perf_counter() - t0) * 1000)
            certain += found.complete
            reads.append(found.read)
        naive_times, same = [], 0
        for listing in listings[: args.naive]:
            t0 = time.perf_counter()
            expected = naive(listing)
            naive_times.append((time.perf_counter() - t0) * 1000)
            same += [m.listing.pk for m in match_queries.find_matches(listing).matches] == expected
        naive_p50 = f"{pct(naive_times, 50):>8.0f}ms" if naive_times else "-"
        say(
            f"{direction + 's':<10} {n:>4} {pct(times, 50):>6.1f}ms {pct(times, 95):>6.1f}ms {max(times):>6.1f}ms "
            f"{certain:>4}/{n:<3} {pct([float(r) for r in reads], 50):>9.0f} {naive_p50:>10} "
            f"{same:>7}/{len(naive_times)}"
        )
        if naive_times:
            say(f"  naive scan / search p50: {pct(naive_times, 50) / pct(times, 50):,.0f}x")


if __name__ == "__main__":
    main()
