"""Demo data: ICA, CICOPA and the people and addresses of the 1998 text, plus a generated federation.

Everything is deterministic (fixed random seed) and marked `is_demo`, and the pages say so. Real organisations
(those of the 1998 text, and the national federations named in NAMED) sit at their real address, with only the
officers that the text names; the other member organisations and the co-operatives are invented, in real towns
of their country (gazetteer.py) and named in its language (demo_names.py).
"""

from __future__ import annotations

import bisect
import datetime
import itertools
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cicopa.core import audit
from cicopa.core import names as core_names
from cicopa.core.db import refresh_statistics
from cicopa.core.models import Country, Sector
from cicopa.registry import access_services, demo_names, gazetteer, services
from cicopa.registry.models import (
    AccessRole,
    Membership,
    MembershipEvent,
    MembershipStatus,
    OfficeRole,
    Organisation,
    OrganisationKind,
)
from cicopa.registry.search import bulk_indexing

SEED = 1947
DEMO_USERS = (
    # username, password, what they are
    ("secretariat", "cicopa-secretariat", "secretariat staff (everything, and the back office)"),
    ("officer", "cicopa-officer", "officer of the French member organisation (CG Scop)"),
    ("cooperative", "cicopa-cooperative", "editor of one French co-operative"),
)
# 45 countries of the demo federation; the first 20 have two member organisations (65 in all).
SECOND_MEMBERS = 20
COUNTRIES = (
    "FR",
    "ES",
    "IT",
    "GB",
    "DE",
    "PL",
    "SK",
    "CZ",
    "BE",
    "PT",
    "SE",
    "FI",
    "US",
    "CA",
    "BR",
    "AR",
    "CO",
    "MX",
    "IN",
    "JP",
    "KR",
    "CN",
    "PH",
    "ID",
    "KE",
    "TZ",
    "UG",
    "SN",
    "CM",
    "ZA",
    "EG",
    "MA",
    "TR",
    "IL",
    "AU",
    "NZ",
    "UY",
    "CL",
    "PE",
    "BO",
    "NP",
    "LK",
    "HU",
    "BG",
    "RO",
)
FIRST = (
    "Ana",
    "Jean",
    "María",
    "Luca",
    "Aisha",
    "Kenji",
    "Olga",
    "Pedro",
    "Fatou",
    "Lars",
    "Priya",
    "Tomás",
    "Chiara",
    "Wanjiru",
    "Hiroshi",
    "Zofia",
    "Camille",
    "Diego",
    "Amara",
    "Sven",
)
LAST = (
    "Dubois",
    "García",
    "Rossi",
    "Okafor",
    "Tanaka",
    "Nowak",
    "Silva",
    "Müller",
    "Kowalski",
    "Mwangi",
    "Sato",
    "Fernández",
    "Lefèvre",
    "Novák",
    "Kim",
    "Hansen",
    "Diallo",
    "Costa",
    "Horváth",
    "Patel",
)


def _demo_users() -> dict[str, Any]:
    User = get_user_model()
    users = {}
    for username, password, _desc in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@demo.invalid"})
        if created:
            user.set_password(password)
            user.is_staff = user.is_superuser = username == "secretariat"
            user.save()
        users[username] = user
    return users


def _at(iso: str, city: str) -> dict[str, Any]:
    """The coordinates of a real town (by any of its names), and its subdivision where it is known (the
    gazetteer's, else KNOWN_SUBDIVISIONS), for an organisation's data."""
    town = gazetteer.find(iso, city)
    place: dict[str, Any] = {"latitude": town.latitude, "longitude": town.longitude} if town else {}
    if code := gazetteer.subdivision(iso, town) or KNOWN_SUBDIVISIONS.get((iso, city), ""):
        place["subdivision"] = code
    return place


# The subdivisions of the real organisations' towns that the gazetteer cannot tell (GeoNames' codes there are not
# ISO 3166-2's): the autonomous community, region or voivodeship of the city.
KNOWN_SUBDIVISIONS = {
    ("ES", "Madrid"): "ES-MD",  # Comunidad de Madrid
    ("IT", "Roma"): "IT-62",  # Lazio
    ("PL", "Warszawa"): "PL-14",  # Mazowieckie
    ("SK", "Bratislava"): "SK-BL",  # Bratislavský kraj
}


# The member organisations of the demo that exist: country -> name, acronym, slug, city. They get their real
# city and nothing invented beyond what a demo needs (sectors); no officers, as the 1998 text names none.
NAMED = {
    "FR": ("Confédération générale des Scop et des Scic", "CG Scop", "cg-scop", "Paris"),
    "ES": ("Confederación Española de Cooperativas de Trabajo Asociado", "COCETA", "coceta", "Madrid"),
    "IT": ("Federazione Nazionale delle Cooperative di Produzione e Lavoro", "Federlavoro", "federlavoro", "Roma"),
    "GB": ("Co-operatives UK Worker Co-operative Council", "CUK-WCC", "cuk-wcc", "Manchester"),
    "PL": ("Związek Lustracyjny Spółdzielni Pracy", "ZLSP", "zlsp", "Warszawa"),
}
# The 1998 text lists the member organisations of its time, not when each joined: "member since" is that year.
LISTED = datetime.date(1998, 1, 1)


@transaction.atomic
def load_demo(*, cooperatives: int = 3000, progress: Callable[[str], None] = lambda s: None) -> Organisation:
    """Create the demo federation in an empty registry; returns CICOPA."""
    rng = random.Random(SEED)
    users = _demo_users()
    actor = users["secretariat"]
    geneva = _at("CH", "Geneva")  # the 1998 address, Grand-Saconnex, is in Geneva's suburbs
    ica = services.organisation_create(
        actor=actor,
        is_demo=True,
        data={
            "kind": OrganisationKind.ALLIANCE,
            "name": "International Co-operative Alliance",
            "acronym": "ICA",
            "description": "An independent, non-governmental association which unites, represents and serves "
            "co-operatives worldwide. Founded in 1895.",
            "country": Country.objects.get(iso2="CH"),
            "address": "15, route des Morillons",
            "postcode": "1218",
            "city": "Grand-Saconnex, Geneva",
            "phone": "+41 22 929 88 17",
            "fax": "+41 22 798 41 22",
            **geneva,
            "founded": 1895,
            "slug": "ica",
        },
    )
    cicopa = services.organisation_create(
        actor=actor,
        is_demo=True,
        parent=ica,
        member_since=datetime.date(1947, 1, 1),
        data={
            "kind": OrganisationKind.SECTORAL,
            "acronym": "CICOPA",
            "slug": "cicopa",
            "name": "International Organisation of Industrial, Artisanal and Service Producers' Co-operatives",
            "description": "A specialised organisation of the International Co-operative Alliance, founded in 1947, "
            "generally known by its French acronym: Comité International des Coopératives de "
            "Production et de Services Industrielles et Artisanales. Its members are producers' "
            "co-operatives from construction, industrial production, general services, transport, "
            "intellectual skills, artisanal activities, health and social care.",
            "country": Country.objects.get(iso2="CH"),
            # Its secretary answers at the ICA's address and numbers (1998).
            "address": "15, route des Morillons",
            "postcode": "1218",
            "city": "Grand-Saconnex, Geneva",
            "phone": "+41 22 929 88 17",
            "fax": "+41 22 798 41 22",
            **geneva,
            "founded": 1947,
            "sectors": [s.code for s in Sector.objects.all()],
        },
    )
    union = services.organisation_create(
        actor=actor,
        is_demo=True,
        parent=cicopa,
        member_since=LISTED,
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "Co-operative Union of the Producer Co-operatives",
            "country": Country.objects.get(iso2="SK"),
            "address": "Mliekarenska 10",
            "postcode": "824 92",
            "city": "Bratislava",
            "phone": "+421 7 5212 336",
            "fax": "+421 7 5212 412",
            **_at("SK", "Bratislava"),
            "sectors": ["industrial_production", "artisanal"],
        },
    )
    # The officers of the 1998 text, and nobody else's; their terms are not given, so none is recorded.
    services.office_assign(
        actor=actor,
        organisation=cicopa,
        role=OfficeRole.PRESIDENT,
        is_demo=True,
        person_data={"full_name": "Marian Rybar", "title": "Co-operative Union of the Producer Co-operatives"},
    )
    rybar = cicopa.offices.get().person
    # The text gives the Slovak union's address and numbers as the president's: he is reached there.
    services.office_assign(actor=actor, organisation=union, role=OfficeRole.CONTACT, person=rybar)
    services.office_assign(
        actor=actor,
        organisation=cicopa,
        role=OfficeRole.SECRETARY,
        is_demo=True,
        person_data={
            "full_name": "Jan-Eirik Imbsen",
            "title": "Deputy Development Director, ICA",
            "phone": "+41 22 929 88 17",
        },
    )
    progress("ICA, CICOPA and the officers of 1998")
    members = _member_organisations(actor, cicopa, rng)
    progress(f"{len(members) + 1} member organisations")
    generate_cooperatives(cooperatives, federations=[union, *members], rng=rng)
    progress(f"{cooperatives} co-operatives")
    france = next(m for m in members if m.slug == "cg-scop")
    access_services.access_grant(actor=actor, user=users["officer"], organisation=france, role=AccessRole.OFFICER)
    coop = (
        Organisation.objects.filter(memberships__parent=france, kind=OrganisationKind.COOPERATIVE)
        .order_by("id")
        .first()
    )
    if coop is not None:
        access_services.access_grant(actor=actor, user=users["cooperative"], organisation=coop, role=AccessRole.EDITOR)
    return cicopa


def _federation_name(iso: str, country: Country, second: bool) -> str:
    """An invented national federation's name, in French, Spanish, Italian, Portuguese, German or English, with
    the country's name in that language."""
    lang = gazetteer.language(iso)
    lang = lang if lang in ("fr", "es", "it", "pt", "de") else "en"
    place = core_names.territory_name(country.iso2, lang)
    if second:
        templates = {
            "fr": "Association des Scop ({})",
            "es": "Unión de Cooperativas de Trabajo Asociado ({})",
            "it": "Lega delle cooperative di lavoro ({})",
            "pt": "União das Cooperativas de Produção ({})",
            "de": "Bund der Werkgenossenschaften ({})",
            "en": "Association of Producers' Co-operatives, {}",
        }
        return templates[lang].format(place)
    templates = {
        "fr": "Union des coopératives de production ({})",
        "es": "Federación de Cooperativas de Trabajo ({})",
        "it": "Associazione delle cooperative di produzione ({})",
        "pt": "Confederação das Cooperativas de Trabalho ({})",
        "de": "Verband der Produktivgenossenschaften ({})",
        "en": "National Federation of Producers' Co-operatives, {}",
    }
    return templates[lang].format(place)


def _member_organisations(actor: Any, cicopa: Organisation, rng: random.Random) -> list[Organisation]:
    sectors = list(Sector.objects.values_list("code", flat=True))
    made = []
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=COUNTRIES)}
    for i, iso in enumerate(COUNTRIES * 2):
        if i >= len(COUNTRIES) + SECOND_MEMBERS:
            break
        if iso == "SK" and i < len(COUNTRIES):
            continue  # the Slovak union of the 1998 text is already there
        country = countries[iso]
        second = i >= len(COUNTRIES)
        chosen = rng.sample(sectors, rng.randint(2, 5))
        if iso in NAMED and not second:
            name, acronym, slug, city = NAMED[iso]
            org = services.organisation_create(
                actor=actor,
                is_demo=True,
                parent=cicopa,
                member_since=LISTED,
                data={
                    "kind": OrganisationKind.MEMBER_ORGANISATION,
                    "name": name,
                    "acronym": acronym,
                    "slug": slug,
                    "country": country,
                    "city": city,
                    **_at(iso, city),
                    "sectors": sectors,  # a national federation of producers' co-operatives spans them all
                },
            )
            made.append(org)
            continue
        # An invented federation: in the capital, or for a country's second one in its largest other town.
        capital = gazetteer.capital(iso)
        towns = gazetteer.towns(iso)
        town = next((t for t in towns if t != capital), capital) if second else capital or (towns[0] if towns else None)
        founded = rng.randint(1920, 1995)
        org = services.organisation_create(
            actor=actor,
            is_demo=True,
            parent=cicopa,
            member_since=datetime.date(max(founded, 1947) + rng.randint(0, 20), 1, 1),
            data={
                "kind": OrganisationKind.MEMBER_ORGANISATION,
                "name": _federation_name(iso, country, second),
                "country": country,
                "city": town.name if town else "",
                **({"latitude": town.latitude, "longitude": town.longitude} if town else {}),
                "subdivision": gazetteer.subdivision(iso, town),
                "founded": founded,
                "sectors": chosen,
                "email": f"info@member-{i}.demo.invalid",
            },
        )
        services.office_assign(
            actor=actor,
            organisation=org,
            role=OfficeRole.PRESIDENT,
            is_demo=True,
            person_data={"full_name": f"{rng.choice(FIRST)} {rng.choice(LAST)}"},
            start=datetime.date(rng.randint(2018, 2024), 6, 1),
        )
        made.append(org)
    return made


GOLDEN = (5**0.5 - 1) / 2


class _Places:
    """Where a country's co-operatives are: its towns, each as likely as its population, taken in a
    low-discrepancy sequence so that even a few hundred co-operatives fill the largest towns first and in
    proportion (a random draw would leave a large town empty as often as not)."""

    def __init__(self) -> None:
        self.cumulative: dict[str, tuple[list[gazetteer.Town], list[float]]] = {}
        self.seen: dict[str, int] = {}

    def next(self, iso: str) -> gazetteer.Town | None:
        if iso not in self.cumulative:
            towns = gazetteer.towns(iso)
            self.cumulative[iso] = (towns, list(itertools.accumulate(float(t.population) for t in towns)))
        towns, sums = self.cumulative[iso]
        if not towns:
            return None
        k = self.seen.get(iso, 0)
        self.seen[iso] = k + 1
        point = ((k + 0.5) * GOLDEN % 1.0) * sums[-1]
        return towns[min(bisect.bisect_right(sums, point), len(towns) - 1)]


def generate_cooperatives(
    n: int,
    *,
    federations: list[Organisation],
    rng: random.Random | None = None,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-create `n` demo co-operatives spread over `federations` (each joins one, in its country): in a real
    town of that country, with its coordinates, named for their activity in the country's language."""
    rng = rng or random.Random(SEED)
    sectors = list(Sector.objects.order_by("position").values_list("code", flat=True))
    mtypes = ["worker"] * 6 + ["producer"] * 2 + ["multi_stakeholder", "other"]
    forms = ["worker_cooperative"] * 5 + ["cooperative_society"] * 3 + ["social_cooperative", "other"]
    through = Organisation.sectors.through
    start_id = (Organisation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    today = datetime.date.today()
    places = _Places()
    languages = {iso: gazetteer.language(iso) for iso in {f.country_id or "FR" for f in federations}}
    names: set[str] = set()  # two co-operatives of one activity in one town get different names where they can
    made = 0
    while made < n:
        with bulk_indexing():  # a batch at a time: one transaction each, indexed at its end
            size = min(batch, n - made)
            orgs, parents, org_sectors, links, sector_rows = [], [], [], [], []
            for k in range(size):
                number = start_id + made + k
                fed = federations[rng.randrange(len(federations))]
                parents.append(fed)
                iso = fed.country_id or "FR"
                sector = sectors[rng.randrange(len(sectors))]
                activities = demo_names.BY_SECTOR[sector]
                first = rng.randrange(len(activities))
                town = places.next(iso)
                town_name = town.name if town else fed.city
                mtype = mtypes[rng.randrange(len(mtypes))]
                for attempt in range(2 * len(activities)):
                    activity = activities[(first + attempt) % len(activities)]
                    name = demo_names.co_operative_name(activity, languages[iso], town_name, variant=attempt)
                    if name not in names:
                        break
                names.add(name)
                org = Organisation(
                    kind=OrganisationKind.COOPERATIVE,
                    name=name,
                    slug=f"coop-{number}",
                    country_id=iso,
                    city=town_name,
                    description=demo_names.description(activity, town_name, mtype),
                    latitude=town.latitude if town else None,
                    longitude=town.longitude if town else None,
                    subdivision=gazetteer.subdivision(iso, town) if town else fed.subdivision,
                    membership_type_id=mtype,
                    legal_form_id=rng.choice(forms),
                    founded=rng.randint(1900, 2024),
                    members_count=rng.randint(3, 400),
                    workers_count=rng.randint(3, 500),
                    counts_year=2025,
                    is_demo=True,
                )
                org.refresh_search_text([sector])
                org_sectors.append(sector)
                orgs.append(org)
            Organisation.objects.bulk_create(orgs, batch_size=1000)
            for org, parent in zip(orgs, parents, strict=True):
                links.append(
                    Membership(
                        member=org,
                        parent=parent,
                        status=MembershipStatus.ACTIVE,
                        since=datetime.date(max(org.founded or 1990, 1950), 1, 1),
                    )
                )
            sector_rows = [through(organisation_id=o.pk, sector_id=s) for o, s in zip(orgs, org_sectors, strict=True)]
            Membership.objects.bulk_create(links, batch_size=1000)
            MembershipEvent.objects.bulk_create(
                [MembershipEvent(membership=m, status=m.status, date=m.since or today) for m in links], batch_size=1000
            )
            through.objects.bulk_create(sector_rows, batch_size=1000)
            made += size
            if progress:
                progress(made)
    if federations:
        audit.record(actor=None, action="registry.demo.generate", obj=federations[0], changes={"cooperatives": n})
    refresh_statistics(["registry_organisation", "registry_organisation_sectors", "registry_membership"])
    return made
