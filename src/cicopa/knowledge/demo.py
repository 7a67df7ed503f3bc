"""The library's demo data, the same every time: experiences of demo co-operatives and member organisations in
French, Spanish and English, most published, one submitted and awaiting the secretariat's review, one draft,
and a few translated into the other languages. Written directly (the demo has no authors to act as), with one
audit entry each, like the other apps' bulk demo writes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction

from cicopa.core import audit
from cicopa.knowledge import library, services
from cicopa.knowledge.models import Experience, ExperienceStatus, ExperienceTranslation, Topic
from cicopa.registry.models import Organisation, OrganisationKind

# (country, language, status, year, topics, texts, translations)
EXPERIENCES: list[dict[str, Any]] = [
    {
        "country": "FR",
        "language": "fr",
        "status": ExperienceStatus.PUBLISHED,
        "year": 2019,
        "topics": ["transfers", "finance"],
        "title": "Reprise d'une imprimerie par ses salariés",
        "summary": "Quand le fondateur est parti à la retraite, les 38 salariés ont repris l'imprimerie en Scop.",
        "problem": "Le fondateur partait à la retraite sans successeur ; un groupe concurrent proposait de racheter "
        "l'entreprise pour en fermer le site.",
        "actions": "Les salariés ont constitué une Scop avec l'appui de l'union régionale, apporté deux mois de "
        "salaire chacun et obtenu un prêt participatif.",
        "results": "L'imprimerie emploie aujourd'hui 41 personnes et a investi dans une presse numérique.",
        "figures": "Emplois maintenus: 38\nEmplois en 2024: 41\nCapital souscrit par les salariés: 240 000 €",
        "lessons": "Préparer la transmission trois ans à l'avance ; former les futurs associés à la gestion.",
        "contact": "contact@imprimerie-scop.example",
        "translations": {
            "es": {
                "title": "Recuperación de una imprenta por sus trabajadores",
                "summary": "Al jubilarse el fundador, los 38 trabajadores recuperaron la imprenta como cooperativa.",
                "problem": "El fundador se jubilaba sin sucesor y un grupo competidor quería comprarla para cerrarla.",
                "actions": "Los trabajadores crearon una cooperativa con el apoyo de la unión regional.",
                "results": "La imprenta emplea hoy a 41 personas.",
                "lessons": "Preparar la transmisión con tres años de antelación.",
            }
        },
    },
    {
        "country": "ES",
        "language": "es",
        "status": ExperienceStatus.PUBLISHED,
        "year": 2021,
        "topics": ["social", "women"],
        "title": "Una cooperativa de cuidados a domicilio dirigida por mujeres",
        "summary": "Trabajadoras del cuidado dejaron la economía informal y crearon su propia cooperativa.",
        "problem": "Las cuidadoras trabajaban sin contrato ni protección social, con horarios impuestos.",
        "actions": "Con la federación regional formaron una cooperativa de trabajo asociado y negociaron "
        "contratos con el ayuntamiento.",
        "results": "Setenta socias con contrato y seguridad social; el servicio llega a 400 familias.",
        "figures": "Socias: 70\nFamilias atendidas: 400",
        "lessons": "La formación en gestión fue tan importante como la financiación inicial.",
        "contact": "info@cuidados-coop.example",
        "translations": {
            "en": {
                "title": "A home-care co-operative run by women",
                "summary": "Care workers left the informal economy and set up their own co-operative.",
                "problem": "Care workers had no contracts or social protection.",
                "actions": "With the regional federation they formed a worker co-operative.",
                "results": "Seventy members with contracts; 400 families served.",
                "lessons": "Management training mattered as much as start-up finance.",
            },
            "fr": {
                "title": "Une coopérative d'aide à domicile dirigée par des femmes",
                "summary": "Des aides à domicile ont quitté l'économie informelle pour créer leur coopérative.",
                "problem": "Les aides à domicile travaillaient sans contrat ni protection sociale.",
                "actions": "Avec la fédération régionale, elles ont créé une coopérative de travail.",
                "results": "Soixante-dix associées sous contrat ; 400 familles accompagnées.",
                "lessons": "La formation à la gestion a compté autant que le financement.",
            },
        },
    },
    {
        "country": None,
        "language": "en",
        "status": ExperienceStatus.PUBLISHED,
        "year": 2022,
        "topics": ["procurement", "networks"],
        "title": "Winning public contracts as a consortium of small co-operatives",
        "summary": "Five building co-operatives bid together for a municipal renovation programme.",
        "problem": "Each co-operative was too small to meet the turnover thresholds of public tenders.",
        "actions": "They formed a second-level co-operative that bids on their behalf and shares the work.",
        "results": "Three contracts won in two years, worth more than their combined turnover before.",
        "figures": "Contracts won: 3\nMember co-operatives: 5",
        "lessons": "Agree on how work and risk are shared before the first bid, not after.",
        "contact": "",
        "translations": {},
    },
    {
        "country": "FR",
        "language": "fr",
        "status": ExperienceStatus.SUBMITTED,
        "year": 2024,
        "topics": ["training", "youth"],
        "title": "Former les jeunes associés à la gouvernance coopérative",
        "summary": "Un parcours de formation pour que les nouveaux associés prennent part aux décisions.",
        "problem": "Les jeunes salariés devenaient associés sans comprendre le fonctionnement de l'assemblée.",
        "actions": "Un parcours de six demi-journées, animé par des associés plus anciens.",
        "results": "La participation aux assemblées générales est passée de 55 % à 80 %.",
        "figures": "Participation avant: 55 %\nParticipation après: 80 %",
        "lessons": "",
        "contact": "",
        "translations": {},
    },
    {
        "country": "ES",
        "language": "es",
        "status": ExperienceStatus.DRAFT,
        "year": 2025,
        "topics": ["technology"],
        "title": "Digitalizar la gestión de una cooperativa de transporte",
        "summary": "",
        "problem": "Las reservas se llevaban en papel y se perdían servicios.",
        "actions": "",
        "results": "",
        "figures": "",
        "lessons": "",
        "contact": "",
        "translations": {},
    },
]


def _organisation(country: str | None, index: int) -> Organisation | None:
    qs = Organisation.objects.filter(is_demo=True, kind=OrganisationKind.COOPERATIVE).order_by("id")
    if country:
        qs = qs.filter(country_id=country)
    else:
        qs = qs.exclude(country_id__in=["FR", "ES"]).exclude(country__isnull=True)
    return qs[index:].first() or qs.first()


def load_demo(*, progress: Callable[[str], None] = lambda s: None) -> None:
    if Experience.objects.filter(organisation__is_demo=True).exists():
        return
    topics = {t.code: t for t in Topic.objects.all()}
    written = 0
    base = datetime.datetime(2025, 1, 15, 10, 0, tzinfo=datetime.UTC)
    with transaction.atomic():
        for i, spec in enumerate(EXPERIENCES):
            org = _organisation(spec["country"], i)
            if org is None or org.country_id is None:
                continue
            exp = Experience.objects.create(
                organisation=org,
                author=None,
                language=spec["language"],
                country_id=org.country_id,
                year=spec["year"],
                status=spec["status"],
                submitted_at=base + datetime.timedelta(days=i) if spec["status"] != ExperienceStatus.DRAFT else None,
                published_at=(
                    base + datetime.timedelta(days=i, hours=2) if spec["status"] == ExperienceStatus.PUBLISHED else None
                ),
                **{
                    f: spec[f]
                    for f in ("title", "summary", "problem", "actions", "results", "figures", "lessons", "contact")
                },
            )
            exp.topics.set([topics[c] for c in spec["topics"] if c in topics])
            exp.sectors.set(list(org.sectors.all()[:2]))
            for language, texts in spec["translations"].items():
                ExperienceTranslation.objects.create(experience=exp, language=language, **texts)
            audit.record(actor=None, action="knowledge.experience.create", obj=exp, changes={"demo": [None, True]})
            if exp.status == ExperienceStatus.PUBLISHED:
                library.index_put(services.experience_item(exp))
            written += 1
    progress(f"{written} experiences")


# --- Studies ------------------------------------------------------------------------------------------------------
# CICOPA's own text "What is CICOPA?" (1998), published by the secretariat, and three short studies of member
# organisations in French, Spanish and English, each with a PDF made here (core/pdf.py) whose text is read as an
# uploaded study's is.

SEED = "what-is-cicopa-1998.txt"

STUDIES: list[dict[str, Any]] = [
    {
        "country": "FR",
        "language": "fr",
        "status": ExperienceStatus.PUBLISHED,
        "year": 2023,
        "topics": ["transfers", "finance"],
        "countries": ["FR"],
        "title": "La transmission d'entreprises aux salariés en coopérative : dix ans de reprises",
        "authors": "Claire Dubois\nMarc Lefèvre",
        "abstract": "Une étude de 120 reprises d'entreprises par leurs salariés en Scop entre 2013 et 2023 : "
        "taux de survie, financement, accompagnement.",
        "body": [
            "Entre 2013 et 2023, 120 entreprises ont été reprises par leurs salariés sous forme de société "
            "coopérative et participative. Cette étude suit leur devenir.",
            "Le taux de survie à cinq ans des entreprises reprises atteint 78 %, contre 61 % pour l'ensemble des "
            "entreprises créées la même année. La préparation de la transmission et la formation des futurs "
            "associés expliquent l'essentiel de cet écart.",
            "Le financement repose sur l'apport des salariés, le prêt participatif et, de plus en plus, sur les "
            "fonds de garantie du mouvement coopératif.",
        ],
    },
    {
        "country": "ES",
        "language": "es",
        "status": ExperienceStatus.PUBLISHED,
        "year": 2022,
        "topics": ["social", "women"],
        "countries": ["ES"],
        "title": "Las cooperativas de trabajo en los servicios de cuidados",
        "authors": "Lucía Fernández",
        "abstract": "Cómo las cooperativas de trabajo asociado mejoran las condiciones laborales en el sector de los "
        "cuidados a domicilio.",
        "body": [
            "El sector de los cuidados a domicilio emplea sobre todo a mujeres, a menudo en la economía informal.",
            "Las cooperativas de trabajo asociado estudiadas ofrecen contratos estables, formación continua y "
            "participación en las decisiones. La rotación del personal es la mitad que en las empresas privadas.",
        ],
    },
    {
        "country": None,
        "language": "en",
        "status": ExperienceStatus.SUBMITTED,
        "year": 2024,
        "topics": ["procurement", "networks"],
        "countries": [],
        "title": "Consortia of small co-operatives in public procurement",
        "authors": "Samuel Okoye, Hannah Berg",
        "abstract": "A survey of second-level co-operatives formed to bid for public contracts.",
        "body": [
            "Small worker co-operatives rarely meet the turnover thresholds of public tenders on their own.",
            "Second-level co-operatives bid on behalf of their members and share the work: the survey found 42 "
            "of them in 11 countries, most in construction and cleaning services.",
        ],
    },
]


def _seed_study() -> dict[str, Any]:
    from pathlib import Path

    lines = (Path(__file__).parent / "data" / SEED).read_text(encoding="utf-8").splitlines()
    paragraphs = [line.strip() for line in lines[2:] if line.strip()]
    return {
        "country": "",
        "language": "en",
        "status": ExperienceStatus.PUBLISHED,
        "year": 1998,
        "topics": ["networks", "governance"],
        "countries": [],
        "title": "What is CICOPA?",
        "authors": "CICOPA",
        "abstract": "CICOPA, the International Organisation of Industrial, Artisanal and Service Producers' "
        "Co-operatives, presented by itself in 1998: its members, the producers' co-operatives of the world, "
        "and its work within the International Co-operative Alliance.",
        "body": paragraphs,
        "footer": lines[0].strip(),
    }


def study_pdf(spec: dict[str, Any]) -> bytes:
    """A demo study's PDF: its title, its authors and year, and its text."""
    from cicopa.core import pdf

    return pdf.render(
        pdf.Document(
            title=spec["title"],
            subtitle=f"{', '.join(spec['authors'].replace(chr(10), ', ').split(', '))} · {spec['year']}",
            notes=spec["body"],
            footer=spec.get("footer", ""),
            language=spec["language"],
            author=spec["authors"].split("\n")[0],
        )
    )


def _study_organisation(country: str | None) -> Organisation | None:
    if country == "":
        return None  # the secretariat's own
    kinds = [OrganisationKind.MEMBER_ORGANISATION, OrganisationKind.COOPERATIVE]
    for kind in kinds:
        qs = Organisation.objects.filter(is_demo=True, kind=kind).order_by("id")
        qs = qs.filter(country_id=country) if country else qs.exclude(country_id__in=["FR", "ES"])
        found = qs.exclude(country__isnull=True).first()
        if found is not None:
            return found
    return None


def load_demo_studies(*, progress: Callable[[str], None] = lambda s: None) -> None:
    from cicopa.core.models import Country
    from cicopa.knowledge import study_services
    from cicopa.knowledge.models import Study, StudyFile

    if Study.objects.filter(title="What is CICOPA?", year=1998).exists():
        return
    topics = {t.code: t for t in Topic.objects.all()}
    base = datetime.datetime(2025, 2, 3, 9, 0, tzinfo=datetime.UTC)
    written = []
    with transaction.atomic():
        for i, spec in enumerate([_seed_study(), *STUDIES]):
            org = _study_organisation(spec["country"])
            if org is None and spec["country"] != "":
                continue
            published = spec["status"] == ExperienceStatus.PUBLISHED
            study = Study.objects.create(
                organisation=org,
                author=None,
                language=spec["language"],
                title=spec["title"],
                authors=spec["authors"],
                year=spec["year"],
                abstract=spec["abstract"],
                status=spec["status"],
                submitted_at=base + datetime.timedelta(days=i),
                published_at=base + datetime.timedelta(days=i, hours=3) if published else None,
            )
            study.topics.set([topics[c] for c in spec["topics"] if c in topics])
            countries = spec["countries"] or ([org.country_id] if org is not None and org.country_id else [])
            study.countries.set(Country.objects.filter(iso2__in=countries))
            data = study_pdf(spec)
            StudyFile.objects.create(study=study, filename=f"study-{i + 1}.pdf", size=len(data), data=data)
            audit.record(actor=None, action="knowledge.study.create", obj=study, changes={"demo": [None, True]})
            written.append(study.pk)
    for pk in written:  # read here, not in the background: the demo is whole when `cicopa demo` ends
        study_services.study_extract(study_id=pk)
    progress(f"{len(written)} studies")
