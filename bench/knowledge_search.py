"""The library's one search over a large generated library, on SQLite (or PostgreSQL).

For each representative search, p50/p95 of `knowledge.library.search` (what the library page and the API call: the
page's results ranked, counted, their cards with excerpts, and the facets), against the bare full-text SQL for the
same page on the same database (the floor): every hit counted and ordered by the index's own rank (SQLite FTS5's
bm25(), PostgreSQL's ts_rank()), the best 20 read and their cards made, and the filter values of the hits the
facets count read. Also the results alone (no facets) against the floor without the facets' read.

The library: experiences (a few hundred words in five parts, a fifth with a translation), studies with the text
of their PDFs (20 pages on average, 2 to 60: pages of three paragraphs drawn from a pool of 20,000),
answered questions with two to six answers, and recommendations in three languages, in the shares of LIBRARY
below; words of a large made-up vocabulary drawn by Zipf's law (bench/_listing_words.py) among the words of
co-operative writing, topics, countries, sectors and years drawn.

Usage: python bench/knowledge_search.py [--size 100000] [--repeat 30] [--database postgres://...]
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
from collections.abc import Callable, Iterator
from typing import Any

from _listing_words import Vocabulary
from _setup import add_database_option, database_name, django_on, pct, say, timed

SEED = 12
BATCH = 5_000
WORDS_PER_PAGE = 330  # a page of a report: 300 to 400 words
# Words of co-operative writing, common in every kind of item, among the made-up ones.
REAL = [
    "cooperative",
    "workers",
    "members",
    "capital",
    "finance",
    "governance",
    "training",
    "transfer",
    "buyout",
    "employment",
    "social",
    "procurement",
    "federation",
    "network",
    "assembly",
    "democratic",
    "ownership",
    "enterprise",
    "industrial",
    "services",
    "artisans",
    "production",
    "housing",
    "education",
    "health",
    "construction",
    "crisis",
    "growth",
    "wages",
    "savings",
    "reserves",
    "statute",
]


def text(rng: random.Random, vocabulary: Vocabulary, n: int) -> str:
    """`n` words, a quarter of them the real words of co-operative writing."""
    out = vocabulary.words(n).split()
    for i in range(0, n, 4):
        out[i] = REAL[int(rng.paretovariate(1.2)) % len(REAL)]
    return " ".join(out)


class Library:
    """Draws the common attributes of an item."""

    def __init__(self, rng: random.Random) -> None:
        from cicopa.core.models import Country, Sector
        from cicopa.knowledge.models import Topic
        from cicopa.registry.models import Organisation, OrganisationKind

        self.rng = rng
        self.vocabulary = Vocabulary(rng)
        self.topics = list(Topic.objects.values_list("code", flat=True))
        self.sectors = list(Sector.objects.values_list("code", flat=True))
        countries = list(Country.objects.values_list("iso2", flat=True))
        self.countries = countries[:60]  # most of the library comes from the federation's 45-odd countries
        self.organisations = list(
            Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE, country__isnull=False).values_list(
                "id", "country_id"
            )[:5_000]
        )
        self.start = datetime.datetime(2015, 1, 1, tzinfo=datetime.UTC)

    def text(self, n: int) -> str:
        return text(self.rng, self.vocabulary, n)

    def language(self) -> str:
        return self.rng.choice(("en", "en", "fr", "es"))

    def topic_codes(self) -> list[str]:
        return self.rng.sample(self.topics, self.rng.choice((1, 1, 2, 3)))

    def moment(self, i: int, size: int) -> datetime.datetime:
        return self.start + datetime.timedelta(minutes=i * (6 * 365 * 24 * 60) // max(1, size))


def experiences(lib: Library, first: int, n: int, size: int) -> Iterator[Any]:
    """Experiences written and published, with their topics and sectors, and their library items."""
    from cicopa.knowledge import services
    from cicopa.knowledge.models import Experience, ExperienceStatus, ExperienceTranslation

    rng = lib.rng
    made = []
    for i in range(n):
        org_id, iso = rng.choice(lib.organisations)
        made.append(
            Experience(
                organisation_id=org_id,
                language=lib.language(),
                title=lib.text(rng.randint(4, 9)).capitalize(),
                summary=lib.text(rng.randint(20, 50)),
                problem=lib.text(rng.randint(60, 200)),
                actions=lib.text(rng.randint(60, 200)),
                results=lib.text(rng.randint(40, 150)),
                lessons=lib.text(rng.randint(30, 120)),
                country_id=iso,
                year=rng.randint(1990, 2026),
                status=ExperienceStatus.PUBLISHED,
                published_at=lib.moment(first + i, size),
            )
        )
    Experience.objects.bulk_create(made, batch_size=2_000)
    topics, sectors, translations = [], [], []
    for exp in made:
        topics += [Experience.topics.through(experience_id=exp.pk, topic_id=c) for c in lib.topic_codes()]
        sectors.append(Experience.sectors.through(experience_id=exp.pk, sector_id=rng.choice(lib.sectors)))
        if rng.random() < 0.2:
            other = rng.choice([lang for lang in ("en", "fr", "es") if lang != exp.language])
            translations.append(
                ExperienceTranslation(
                    experience=exp, language=other, title=lib.text(6).capitalize(), summary=lib.text(30)
                )
            )
    Experience.topics.through.objects.bulk_create(topics, batch_size=5_000)
    Experience.sectors.through.objects.bulk_create(sectors, batch_size=5_000)
    ExperienceTranslation.objects.bulk_create(translations, batch_size=2_000)
    for exp in (
        Experience.objects.filter(pk__in=[e.pk for e in made])
        .prefetch_related("translations", "topics", "sectors")
        .select_related("organisation")
    ):
        yield services.experience_item(exp)


def recommendations(lib: Library, first: int, n: int, size: int) -> Iterator[Any]:
    """Issued recommendations with their texts in the three languages, and their library items."""
    from cicopa.knowledge import recommendation_services
    from cicopa.knowledge.models import Recommendation, RecommendationStatus, RecommendationText

    rng = lib.rng
    made = []
    for i in range(n):
        issued = lib.moment(first + i, size)
        made.append(
            Recommendation(
                reference=f"B-{first + i:06d}",
                status=RecommendationStatus.ISSUED,
                issued_at=issued,
                follow_up_date=(issued + datetime.timedelta(days=180)).date(),
            )
        )
    Recommendation.objects.bulk_create(made, batch_size=2_000)
    texts, topics = [], []
    for rec in made:
        for language in ("en", "fr", "es"):
            texts.append(
                RecommendationText(
                    recommendation=rec,
                    language=language,
                    title=lib.text(rng.randint(5, 10)).capitalize(),
                    text=lib.text(rng.randint(150, 500)),
                )
            )
        topics += [Recommendation.topics.through(recommendation_id=rec.pk, topic_id=c) for c in lib.topic_codes()]
    RecommendationText.objects.bulk_create(texts, batch_size=2_000)
    Recommendation.topics.through.objects.bulk_create(topics, batch_size=5_000)
    for rec in Recommendation.objects.filter(pk__in=[r.pk for r in made]).prefetch_related("texts", "topics"):
        yield recommendation_services.recommendation_item(rec)


PARAGRAPHS = 20_000  # a study's pages are drawn from this many paragraphs of about 110 words, three a page


def studies(lib: Library, first: int, n: int, size: int) -> Iterator[Any]:
    """Published studies with the text of their PDFs (2 to 60 pages, 20 on average), and their library items."""
    from cicopa.knowledge import study_queries
    from cicopa.knowledge.models import ExperienceStatus, Extraction, Study

    rng = lib.rng
    if not hasattr(lib, "paragraphs"):
        lib.paragraphs = [lib.text(rng.randint(90, 130)) for _ in range(PARAGRAPHS)]  # type: ignore[attr-defined]
    paragraphs = lib.paragraphs  # type: ignore[attr-defined]
    made = []
    for i in range(n):
        pages = min(60, max(2, round(rng.gammavariate(4.0, 5.0))))
        made.append(
            Study(
                organisation_id=rng.choice(lib.organisations)[0] if rng.random() < 0.8 else None,
                language=lib.language(),
                title=lib.text(rng.randint(6, 14)).capitalize(),
                authors="\n".join(lib.text(2).title() for _ in range(rng.randint(1, 3))),
                year=rng.randint(1990, 2026),
                abstract=lib.text(rng.randint(80, 200)),
                status=ExperienceStatus.PUBLISHED,
                text="\n\n".join(rng.choice(paragraphs) for _ in range(3 * pages)),
                pages=pages,
                extraction=Extraction.DONE,
                published_at=lib.moment(first + i, size),
            )
        )
    Study.objects.bulk_create(made, batch_size=500)
    topics, countries = [], []
    for study in made:
        topics += [Study.topics.through(study_id=study.pk, topic_id=c) for c in lib.topic_codes()]
        countries += [Study.countries.through(study_id=study.pk, country_id=c) for c in rng.sample(lib.countries, 2)]
    Study.topics.through.objects.bulk_create(topics, batch_size=5_000)
    Study.countries.through.objects.bulk_create(countries, batch_size=5_000)
    for study in Study.objects.filter(pk__in=[s.pk for s in made]).prefetch_related("topics", "countries", "sectors"):
        yield study_queries.library_item(study)


def questions(lib: Library, first: int, n: int, size: int) -> Iterator[Any]:
    """Questions with two to six answers, one marked the most useful, and their library items."""
    from cicopa.knowledge import question_services
    from cicopa.knowledge.models import Answer, Question, QuestionStatus

    rng = lib.rng
    made = []
    for i in range(n):
        org_id, iso = rng.choice(lib.organisations)
        made.append(
            Question(
                organisation_id=org_id,
                language=lib.language(),
                title=lib.text(rng.randint(5, 12)).capitalize() + "?",
                body=lib.text(rng.randint(30, 150)),
                country_id=iso,
                status=QuestionStatus.ANSWERED,
                answered_at=lib.moment(first + i, size),
            )
        )
    Question.objects.bulk_create(made, batch_size=2_000)
    answers, topics = [], []
    for question in made:
        for _ in range(rng.randint(2, 6)):
            answers.append(
                Answer(question=question, organisation_id=rng.choice(lib.organisations)[0], body=lib.text(60))
            )
        topics += [Question.topics.through(question_id=question.pk, topic_id=c) for c in lib.topic_codes()]
    Answer.objects.bulk_create(answers, batch_size=2_000)
    Question.topics.through.objects.bulk_create(topics, batch_size=5_000)
    first_answer = {}
    for answer in answers:
        first_answer.setdefault(answer.question_id, answer.pk)
    for question in made:
        question.accepted_answer_id = first_answer[question.pk]
    Question.objects.bulk_update(made, ["accepted_answer"], batch_size=2_000)
    for question in Question.objects.filter(pk__in=[q.pk for q in made]).select_related("organisation"):
        yield question_services.question_item(question)


# (kind, share of the library, generator)
LIBRARY: list[tuple[str, float, Callable[[Library, int, int, int], Iterator[Any]]]] = [
    ("experience", 0.50, experiences),
    ("study", 0.10, studies),
    ("question", 0.35, questions),
    ("recommendation", 0.05, recommendations),
]


def build(size: int) -> None:
    from cicopa.knowledge import library
    from cicopa.knowledge.models import LibraryEntry
    from cicopa.registry import demo
    from cicopa.registry.models import Organisation, OrganisationKind

    if not Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION).exists():
        demo.load_demo(cooperatives=0)
    if Organisation.objects.filter(kind=OrganisationKind.COOPERATIVE).count() < 2_000:
        federations = list(Organisation.objects.filter(kind=OrganisationKind.MEMBER_ORGANISATION))
        demo.generate_cooperatives(2_000, federations=federations, batch=2_000)
    lib = Library(random.Random(SEED))
    start = time.perf_counter()
    made = LibraryEntry.objects.count()
    for kind, share, generate in LIBRARY:
        want = round(size * share)
        have = LibraryEntry.objects.filter(kind=kind).count()
        while have < want:
            n = min(BATCH, want - have)
            library.index_new(list(generate(lib, have, n, want)))
            have += n
            made += n
            say(f"  {made:,} items ({time.perf_counter() - start:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    add_database_option(parser)
    args = parser.parse_args()
    django_on(f"knowledge-{args.size}.sqlite3", args.database)
    from django.core.management import call_command
    from django.db import connection
    from django.utils import translation

    from cicopa.knowledge.models import LibraryEntry

    call_command("migrate", verbosity=0)
    if LibraryEntry.objects.count() < args.size:
        say(f"generating a library of {args.size:,} items")
        build(args.size)
    from django.db.models import Count

    kinds = LibraryEntry.objects.values_list("kind").annotate(n=Count("id")).order_by("kind")
    say(f"library: {', '.join(f'{n:,} {kind}' for kind, n in kinds)} ({database_name()})")
    translation.activate("en")
    figures(args.repeat, connection.vendor == "postgresql")


def figures(repeat: int, postgres: bool) -> None:
    from django.db import connection

    from cicopa.core.fulltext import TextQuery, fts5_query, tags_tsquery
    from cicopa.knowledge import library
    from cicopa.knowledge.library import INDEX, LibraryFilters

    rare = Vocabulary(random.Random(SEED)).rare_word()
    cases = [
        ("common word", "cooperative", {}),
        ("two words", "workers capital", {}),
        ("prefix", "gover", {}),
        ("word+filters", "training", {"topic": ("finance",), "language": ("fr",)}),
        ("rare word", rare, {}),
        ("filters only", "", {"country": ("FR",), "kind": ("experience",)}),
        ("nothing", "", {}),
        ("no match", "zzyzx", {}),
    ]
    sample = library.facet_sample()  # the facets' read, as the page does it

    def floor(q: str, tags: list[list[str]], facets: bool, without: list[list[list[str]]]) -> None:
        """The bare full-text SQL of the same page: every hit counted, the best 20 by the index's rank, their
        cards; and the hits' filter values for the facets, once and once more without each filter in use
        (`without`: the filters' tags, each time with one left out)."""
        if facets:
            for other in without:
                facet_tags(q, other)
        text = TextQuery.parse(q)
        table, fts = INDEX.table, INDEX.fts_table
        with connection.cursor() as c:
            if postgres:
                where = ["search_vector @@ to_tsquery('simple', %s)"] if text else []
                params: list[object] = [text.tsquery()] if text else []
                if tags:
                    where.append("search_tags_vector @@ to_tsquery('simple', %s)")
                    params.append(tags_tsquery(tags))
                sql = " AND ".join(where) or "TRUE"
                c.execute(f"SELECT count(*) FROM {table} WHERE {sql}", params)
                rank = "ts_rank(search_vector, to_tsquery('simple', %s)) DESC" if text else "id DESC"
                c.execute(
                    f"SELECT id, kind, object_id FROM {table} WHERE {sql} ORDER BY {rank} LIMIT 20",
                    params + ([text.tsquery()] if text else []),
                )
                rows = c.fetchall()
                if facets:
                    c.execute(f"SELECT search_tags FROM {table} WHERE {sql} LIMIT %s", [*params, sample + 1])
                    c.fetchall()
            elif text or tags:
                match = fts5_query(text, tags)
                c.execute(f"SELECT count(*) FROM {fts} WHERE {fts} MATCH %s", [match])
                order = f"bm25({fts}, 10.0, 1.0, 0.0)" if text else "rowid DESC"
                c.execute(
                    f"SELECT e.id, e.kind, e.object_id FROM (SELECT rowid FROM {fts} WHERE {fts} MATCH %s"
                    f" ORDER BY {order} LIMIT 20) hits JOIN {table} e ON e.id = hits.rowid",
                    [match],
                )
                rows = c.fetchall()
                if facets:
                    c.execute(
                        f"SELECT e.search_tags FROM {fts} JOIN {table} e ON e.id = {fts}.rowid WHERE {fts} MATCH %s"
                        " LIMIT %s",
                        [match, sample + 1],
                    )
                    c.fetchall()
            else:
                c.execute(f"SELECT count(*) FROM {table}")
                c.execute(f"SELECT id, kind, object_id FROM {table} ORDER BY id DESC LIMIT 20")
                rows = c.fetchall()
                if facets:
                    c.execute(f"SELECT search_tags FROM {table} LIMIT %s", [sample + 1])
                    c.fetchall()
        library.item_cards([(kind, object_id) for _id, kind, object_id in rows])

    def facet_tags(q: str, tags: list[list[str]]) -> None:
        text = TextQuery.parse(q)
        table, fts = INDEX.table, INDEX.fts_table
        with connection.cursor() as c:
            if postgres:
                where = ["search_vector @@ to_tsquery('simple', %s)"] if text else []
                params: list[object] = [text.tsquery()] if text else []
                if tags:
                    where.append("search_tags_vector @@ to_tsquery('simple', %s)")
                    params.append(tags_tsquery(tags))
                c.execute(
                    f"SELECT search_tags FROM {table} WHERE {' AND '.join(where) or 'TRUE'} LIMIT %s",
                    [*params, sample + 1],
                )
            elif text or tags:
                c.execute(
                    f"SELECT e.search_tags FROM {fts} JOIN {table} e ON e.id = {fts}.rowid WHERE {fts} MATCH %s"
                    " LIMIT %s",
                    [fts5_query(text, tags), sample + 1],
                )
            else:
                c.execute(f"SELECT search_tags FROM {table} LIMIT %s", [sample + 1])
            c.fetchall()

    say("")
    say(
        f"{'search':<14} {'p50':>8} {'p95':>8} {'floor p95':>10} {'ratio':>7} │ {'results p95':>11} "
        f"{'floor p95':>10} {'ratio':>7} {'hits':>8}"
    )
    for label, q, params in cases:
        filters = LibraryFilters(q=q, **params)
        page = library.search(filters)
        tags = filters.tags()
        without = [LibraryFilters(q=q, **{k: v for k, v in params.items() if k != name}).tags() for name in params]
        ours = timed(lambda f=filters: library.search(f), repeat)
        bare = timed(lambda q=q, t=tags, w=without: floor(q, t, True, w), repeat)
        results = timed(lambda f=filters: library.search(f, with_facets=False), repeat)
        bare_results = timed(lambda q=q, t=tags: floor(q, t, False, []), repeat)
        total = f"{page.total:,}" + ("+" if page.capped else "")
        say(
            f"{label:<14} {pct(ours, 50):>6.1f}ms {pct(ours, 95):>6.1f}ms {pct(bare, 95):>8.1f}ms "
            f"{pct(ours, 95) / max(pct(bare, 95), 0.001):>6.2f}x │ {pct(results, 95):>9.1f}ms "
            f"{pct(bare_results, 95):>8.1f}ms {pct(results, 95) / max(pct(bare_results, 95), 0.001):>6.2f}x "
            f"{total:>8}"
        )


if __name__ == "__main__":
    main()
