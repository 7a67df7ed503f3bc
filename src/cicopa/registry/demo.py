"""Demo data: ICA, CICOPA and the people and addresses of the 1998 text, plus a generated federation.

Generated records are deterministic (fixed random seed) and marked `is_demo`.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from cicopa.core import audit, worldmap
from cicopa.core.db import refresh_statistics
from cicopa.core.models import Country, Sector
from cicopa.registry import services
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
ROOTS = {
    "fr": ("Coopérative", "Scop", "Atelier coopératif"),
    "es": ("Cooperativa", "Sociedad Cooperativa", "Cooperativa de Trabajo"),
    "it": ("Cooperativa", "Società Cooperativa", "Cooperativa Sociale"),
    "pt": ("Cooperativa", "Cooperativa de Trabalho", "Cooperativa"),
    "de": ("Genossenschaft", "eG", "Werkgenossenschaft"),
    "en": ("Co-operative", "Workers' Co-operative", "Co-op"),
}
LANG = {
    "FR": "fr",
    "BE": "fr",
    "SN": "fr",
    "CM": "fr",
    "MA": "fr",
    "ES": "es",
    "AR": "es",
    "CO": "es",
    "MX": "es",
    "UY": "es",
    "CL": "es",
    "PE": "es",
    "BO": "es",
    "IT": "it",
    "PT": "pt",
    "BR": "pt",
    "DE": "de",
}
SECTOR_WORDS = {
    "construction": ("Builders", "Joinery", "Carpentry", "Roofing", "Stonemasons", "Renovation"),
    "industrial_production": ("Metalworks", "Textiles", "Glassworks", "Printing", "Machine Tools", "Foundry"),
    "general_services": ("Cleaning", "Catering", "Facility Services", "Bookkeeping", "Laundry", "Security"),
    "transport": ("Taxi", "Couriers", "Haulage", "Cycle Logistics", "Bus Services", "Removals"),
    "intellectual_skills": ("Architects", "Engineers", "Software", "Translators", "Consultancy", "Design Studio"),
    "artisanal": ("Potters", "Weavers", "Leatherworks", "Woodcraft", "Jewellers", "Bakery"),
    "health": ("Health Centre", "Pharmacy", "Physiotherapy", "Dental Care", "Nursing", "Clinic"),
    "social_care": ("Home Care", "Childcare", "Elder Care", "Inclusion Services", "Community Care", "Youth Work"),
    "other": ("Fisheries", "Forestry", "Farm Workers", "Recycling", "Energy", "Media"),
}
PLACES = (
    "North",
    "South",
    "East",
    "West",
    "Central",
    "Valley",
    "River",
    "Harbour",
    "Hill",
    "Lake",
    "Union",
    "Solidarity",
    "Horizon",
    "Aurora",
    "Phoenix",
    "Liberty",
    "Equity",
    "Harmony",
    "Unity",
    "Pioneer",
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


@transaction.atomic
def load_demo(*, cooperatives: int = 3000, progress: Callable[[str], None] = lambda s: None) -> Organisation:
    """Create the demo federation in an empty registry; returns CICOPA."""
    rng = random.Random(SEED)
    users = _demo_users()
    actor = users["secretariat"]
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
            "latitude": 46.2325,
            "longitude": 6.1225,
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
            "address": "15, route des Morillons",
            "postcode": "1218",
            "city": "Grand-Saconnex, Geneva",
            "latitude": 46.2325,
            "longitude": 6.1225,
            "founded": 1947,
            "sectors": [s.code for s in Sector.objects.all()],
        },
    )
    union = services.organisation_create(
        actor=actor,
        is_demo=True,
        parent=cicopa,
        member_since=datetime.date(1961, 1, 1),
        data={
            "kind": OrganisationKind.MEMBER_ORGANISATION,
            "name": "Co-operative Union of the Producer Co-operatives",
            "country": Country.objects.get(iso2="SK"),
            "address": "Mliekarenska 10",
            "postcode": "824 92",
            "city": "Bratislava",
            "phone": "+421 7 5212 336",
            "fax": "+421 7 5212 412",
            "latitude": 48.158,
            "longitude": 17.140,
            "sectors": ["industrial_production", "artisanal"],
        },
    )
    services.office_assign(
        actor=actor,
        organisation=cicopa,
        role=OfficeRole.PRESIDENT,
        is_demo=True,
        person_data={"full_name": "Marian Rybar", "title": "Co-operative Union of the Producer Co-operatives"},
        start=datetime.date(1997, 1, 1),
    )
    rybar = cicopa.offices.get().person
    services.office_assign(
        actor=actor, organisation=union, role=OfficeRole.PRESIDENT, person=rybar, start=datetime.date(1995, 1, 1)
    )
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
        start=datetime.date(1996, 1, 1),
    )
    progress("ICA, CICOPA and the officers of 1998")
    members = _member_organisations(actor, cicopa, union, rng)
    progress(f"{len(members) + 1} member organisations")
    generate_cooperatives(cooperatives, federations=[union, *members], rng=rng)
    progress(f"{cooperatives} co-operatives")
    france = next(m for m in members if m.slug == "cg-scop")
    services.access_grant(actor=actor, user=users["officer"], organisation=france, role=AccessRole.OFFICER)
    coop = (
        Organisation.objects.filter(memberships__parent=france, kind=OrganisationKind.COOPERATIVE)
        .order_by("id")
        .first()
    )
    if coop is not None:
        services.access_grant(actor=actor, user=users["cooperative"], organisation=coop, role=AccessRole.EDITOR)
    services.office_assign(
        actor=actor,
        organisation=france,
        role=OfficeRole.CONTACT,
        is_demo=True,
        person_data={"full_name": "Camille Lefèvre", "email": "contact@cgscop.demo.invalid"},
    )
    return cicopa


def _member_organisations(
    actor: Any, cicopa: Organisation, union: Organisation, rng: random.Random
) -> list[Organisation]:
    sectors = list(Sector.objects.values_list("code", flat=True))
    labels = worldmap.label_points()
    made = []
    named = {
        "FR": ("Confédération générale des Scop et des Scic", "CG Scop", "cg-scop", "Paris"),
        "ES": ("Confederación Española de Cooperativas de Trabajo Asociado", "COCETA", "coceta", "Madrid"),
        "IT": ("Federazione Nazionale delle Cooperative di Produzione e Lavoro", "Federlavoro", "federlavoro", "Roma"),
        "GB": ("Co-operatives UK Worker Co-operative Council", "CUK-WCC", "cuk-wcc", "Manchester"),
        "PL": ("Związek Lustracyjny Spółdzielni Pracy", "ZLSP", "zlsp", "Warszawa"),
    }
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=COUNTRIES)}
    for i, iso in enumerate(COUNTRIES * 2):
        if i >= len(COUNTRIES) + SECOND_MEMBERS:
            break
        if iso == "SK" and i < len(COUNTRIES):
            continue  # the Slovak union of the 1998 text is already there
        country = countries[iso]
        second = i >= len(COUNTRIES)
        if iso in named and not second:
            name, acronym, slug, city = named[iso]
        else:
            lang = LANG.get(iso, "en")
            label = {
                "fr": f"Union des coopératives de production ({country.name_fr})",
                "es": f"Federación de Cooperativas de Trabajo ({country.name_es})",
                "it": f"Associazione delle cooperative di produzione ({country.name_en})",
                "pt": f"Confederação das Cooperativas de Trabalho ({country.name_en})",
                "de": f"Verband der Produktivgenossenschaften ({country.name_en})",
            }.get(
                lang,
                f"{'Association' if second else 'National Federation'} of Producers' Co-operatives, {country.name_en}",
            )
            if second:
                label = {
                    "fr": f"Association des Scop ({country.name_fr})",
                    "es": f"Unión de Cooperativas de Trabajo Asociado ({country.name_es})",
                    "it": f"Lega delle cooperative di lavoro ({country.name_en})",
                    "pt": f"União das Cooperativas de Produção ({country.name_en})",
                    "de": f"Bund der Werkgenossenschaften ({country.name_en})",
                }.get(lang, label)
            name, acronym, slug, city = label, "", None, ""
        lat, lon = labels.get(iso, (0.0, 0.0))
        founded = rng.randint(1920, 1995)
        org = services.organisation_create(
            actor=actor,
            is_demo=True,
            parent=cicopa,
            member_since=datetime.date(max(founded, 1947) + rng.randint(0, 20), 1, 1),
            data={
                "kind": OrganisationKind.MEMBER_ORGANISATION,
                "name": name,
                "acronym": acronym,
                **({"slug": slug} if slug else {}),
                "country": country,
                "city": city,
                "latitude": round(lat + rng.uniform(-1, 1), 4),
                "longitude": round(lon + rng.uniform(-1, 1), 4),
                "founded": founded,
                "sectors": rng.sample(sectors, rng.randint(2, 5)),
                "email": f"info@{(slug or 'member-' + str(i))}.demo.invalid",
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


def generate_cooperatives(
    n: int,
    *,
    federations: list[Organisation],
    rng: random.Random | None = None,
    batch: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Bulk-create `n` demo co-operatives spread over `federations` (each joins one, in its country)."""
    rng = rng or random.Random(SEED)
    labels = worldmap.label_points()
    sectors = list(Sector.objects.order_by("position").values_list("code", flat=True))
    mtypes = ["worker"] * 6 + ["producer"] * 2 + ["multi_stakeholder", "other"]
    forms = ["worker_cooperative"] * 5 + ["cooperative_society"] * 3 + ["social_cooperative", "other"]
    through = Organisation.sectors.through
    start_id = (Organisation.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    today = datetime.date.today()
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
                lang = LANG.get(iso, "en")
                root = rng.choice(ROOTS[lang])
                word = rng.choice(SECTOR_WORDS[sector])
                place = rng.choice(PLACES)
                name = f"{root} {place} {word}" if lang != "en" else f"{place} {word} {root}"
                lat, lon = labels.get(iso, (0.0, 0.0))
                has_geo = rng.random() < 0.85
                org = Organisation(
                    kind=OrganisationKind.COOPERATIVE,
                    name=f"{name} {number}",
                    slug=f"coop-{number}",
                    country_id=iso,
                    city=f"{place} City" if lang == "en" else place,
                    description=f"A {word.lower()} co-operative owned by its {mtypes[number % len(mtypes)]} members.",
                    latitude=round(lat + rng.uniform(-2, 2), 4) if has_geo else None,
                    longitude=round(lon + rng.uniform(-2, 2), 4) if has_geo else None,
                    membership_type_id=mtypes[rng.randrange(len(mtypes))],
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
