"""Reads of recommendations that pages and the API share: the list, one recommendation with its texts, a
recipient's history, and the adoption figures (by status, by region, over time, by country; who has not answered;
one row per recipient), all computed from the recipients and the dated history of their responses."""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from cicopa.core import queries as core_queries
from cicopa.core.i18n import current_language
from cicopa.knowledge import recommendation_permissions as permissions
from cicopa.knowledge.library import Card
from cicopa.knowledge.models import (
    Experience,
    ExperienceStatus,
    Recipient,
    Recommendation,
    RecommendationStatus,
    Response,
    ResponseStatus,
    Study,
)

STATUSES = list(ResponseStatus.values)
# The statuses that are an answer (anything but "received").
ANSWERED = [s for s in STATUSES if s != ResponseStatus.RECEIVED]
# Over time: weekly while the history is short, else monthly.
MAX_WEEKS = 16


def with_details(qs: QuerySet[Recommendation]) -> QuerySet[Recommendation]:
    return qs.prefetch_related(
        "texts",
        "topics",
        Prefetch(
            "experiences",
            queryset=Experience.objects.filter(status=ExperienceStatus.PUBLISHED).prefetch_related("translations"),
        ),
        Prefetch("studies", queryset=Study.objects.filter(status=ExperienceStatus.PUBLISHED).defer("text")),
    )


def issued_recommendations() -> QuerySet[Recommendation]:
    return with_details(Recommendation.objects.filter(status=RecommendationStatus.ISSUED)).order_by("-issued_at", "-id")


def recommendation_for(user: Any, recommendation_id: Any) -> Recommendation | None:
    """The recommendation `user` may see under this id, or None (the page and the API answer 404)."""
    return core_queries.by_id(with_details(permissions.visible_recommendations(user)), recommendation_id)


def recipients(rec: Recommendation) -> QuerySet[Recipient]:
    return (
        Recipient.objects.filter(recommendation=rec)
        .select_related("organisation", "organisation__country", "organisation__country__region")
        .prefetch_related(Prefetch("responses", queryset=Response.objects.defer("evidence_data").order_by("at", "id")))
        .order_by("organisation__sort_name", "pk")
    )


def own_recipients(user: Any, rec: Recommendation) -> list[Recipient]:
    """The recipients of `rec` whose responses `user` records as their officer."""
    ids = permissions.responding_organisation_ids(user)
    return [r for r in recipients(rec) if r.organisation_id in ids] if ids else []


@dataclass
class Adoption:
    total: int = 0
    by_status: list[dict[str, Any]] = field(default_factory=list)  # {status, label, count, share}
    by_region: list[dict[str, Any]] = field(default_factory=list)  # {code, name, total, counts: {status: n}}
    over_time: list[dict[str, Any]] = field(default_factory=list)  # {date, counts: {status: n}, total}
    period: str = "week"
    by_country: dict[str, dict[str, Any]] = field(default_factory=dict)  # iso -> {total, answered, counts}
    not_answered: list[Recipient] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)


def _share(n: int, total: int) -> float:
    return n / total if total else 0.0


def _latest(history: list[Response]) -> Response | None:
    return history[-1] if history else None


def _periods(start: datetime.date, end: datetime.date) -> tuple[str, list[datetime.date]]:
    """The ends of the weeks (Sundays), or of the months, from `start`'s to `end`'s, the last one cut at `end`."""
    if (end - start).days <= MAX_WEEKS * 7:
        first = start + datetime.timedelta(days=6 - start.weekday())
        ends = []
        day = first
        while day < end:
            ends.append(day)
            day += datetime.timedelta(days=7)
        return "week", [*ends, end]
    ends = []
    year, month = start.year, start.month
    while True:
        nxt = datetime.date(year + (month == 12), month % 12 + 1, 1)
        last = nxt - datetime.timedelta(days=1)
        if last >= end:
            break
        ends.append(last)
        year, month = nxt.year, nxt.month
    return "month", [*ends, end]


def adoption(rec: Recommendation, today: datetime.date | None = None) -> Adoption:
    """Every figure of the adoption dashboard of `rec`, as of `today`."""
    today = today or timezone.localdate()
    labels = dict(ResponseStatus.choices)
    rows = list(recipients(rec))
    out = Adoption(total=len(rows))
    counts = Counter(r.status for r in rows)
    out.by_status = [
        {"status": s, "label": str(labels[s]), "count": counts[s], "share": _share(counts[s], len(rows))}
        for s in STATUSES
    ]
    names = core_queries.names_by_code()
    region_names = names.get("region", {})
    by_region: dict[str, Counter[str]] = defaultdict(Counter)
    for r in rows:
        country = r.organisation.country
        code = country.region_id if country is not None and country.region_id else ""
        by_region[code][r.status] += 1
        iso = r.organisation.country_id or ""
        if iso:
            entry = out.by_country.setdefault(iso, {"total": 0, "answered": 0, "counts": Counter()})
            entry["total"] += 1
            entry["answered"] += r.status != ResponseStatus.RECEIVED
            entry["counts"][r.status] += 1
    out.by_region = sorted(
        (
            {
                "code": code,
                "name": region_names.get(code, code) if code else "—",
                "total": sum(c.values()),
                "counts": {s: c[s] for s in STATUSES},
                "answered": sum(c[s] for s in ANSWERED),
            }
            for code, c in by_region.items()
        ),
        key=lambda g: (g["code"] == "", -g["total"], g["name"]),
    )
    if rows:
        start = timezone.localtime(min(r.circulated_at for r in rows)).date()
        out.period, ends = _periods(start, max(today, start))
        for end in ends:
            moment = timezone.make_aware(datetime.datetime.combine(end, datetime.time.max))
            at_end: Counter[str] = Counter()
            for r in rows:
                if r.circulated_at > moment:
                    continue
                latest = _latest([x for x in r.responses.all() if x.at <= moment])
                at_end[latest.status if latest else ResponseStatus.RECEIVED] += 1
            out.over_time.append(
                {"date": end, "counts": {s: at_end[s] for s in STATUSES}, "total": sum(at_end.values())}
            )
    out.not_answered = [r for r in rows if r.status == ResponseStatus.RECEIVED]
    country_names = names.get("country", {})
    for r in rows:
        history = list(r.responses.all())
        latest = _latest(history)
        evidence = next((x for x in reversed(history) if x.evidence_url or x.evidence_filename), None)
        country = r.organisation.country
        out.rows.append(
            {
                "recipient": r,
                "organisation": r.organisation.name,
                "country": country_names.get(r.organisation.country_id or "", r.organisation.country_id or ""),
                "country_code": r.organisation.country_id or "",
                "region": region_names.get(country.region_id, "") if country is not None and country.region_id else "",
                "status": r.status,
                "status_label": str(labels[r.status]),
                "date": timezone.localtime(r.status_changed_at).date(),
                "comment": latest.comment if latest else "",
                "evidence_url": evidence.evidence_url if evidence else "",
                "evidence_file": evidence if evidence and evidence.evidence_filename else None,
                "reminded": r.reminded_at is not None,
            }
        )
    return out


def recommendation_cards(ids: list[int]) -> dict[int, Card]:
    """The library's result cards of issued recommendations (knowledge.library.CARD_MAKERS), in the reader's
    language: every issued recommendation has all three."""
    language = current_language()
    cards = {}
    for rec in Recommendation.objects.filter(status=RecommendationStatus.ISSUED, pk__in=ids).prefetch_related("texts"):
        shown = rec.text(language)
        if shown is None:
            continue
        cards[rec.pk] = Card(
            title=shown.title,
            url=rec.get_absolute_url(),
            summary=_first_paragraph(shown.text),
            text=shown.text,
            original_language=shown.language if shown.language != language else None,
        )
    return cards


def _first_paragraph(text: str, limit: int = 300) -> str:
    first = " ".join(text.strip().split("\n\n")[0].split())
    return first if len(first) <= limit else first[: limit - 1] + "…"
