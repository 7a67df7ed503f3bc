"""The library's demo data, the same every time: experiences of demo co-operatives and member organisations in
French, Spanish and English, most published, one submitted and awaiting the secretariat's review, one draft,
and a few translated into the other languages. Written directly (the demo has no authors to act as), with one
audit entry each, like the other apps' bulk demo writes."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.text import slugify

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


def load_experiences(*, progress: Callable[[str], None] = lambda s: None) -> None:
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


# --- Recommendations -----------------------------------------------------------------------------------------------
# Two recommendations of the secretariat in English, French and Spanish: one circulated to every demo member
# organisation, one to those of Europe, with responses spread over the weeks after (the same every time: the n-th
# recipient by name takes the n-th path of RESPONSE_PATHS), and follow-up dates after the circulation.

RECOMMENDATIONS: list[dict[str, Any]] = [
    {
        "reference": "R-2026-01",
        "topics": ["transfers", "legislation"],
        "issued": datetime.datetime(2026, 9, 7, 9, 0, tzinfo=datetime.UTC),
        "follow_up": datetime.date(2027, 3, 31),
        "region": None,
        "texts": {
            "en": (
                "Give workers a right of first offer when a business is sold",
                "Member organisations are invited to ask their governments for a right of first offer for employees "
                "when the owner of a small or medium-sized business sells it or retires, with a period long enough "
                "to form a worker co-operative and find its finance.\n\nThey are also invited to offer advice to "
                "the workers concerned, and to report by the follow-up date what they have done.",
            ),
            "fr": (
                "Donner aux salariés un droit de première offre lors de la cession d'une entreprise",
                "Les organisations membres sont invitées à demander à leurs gouvernements un droit de première offre "
                "pour les salariés lorsque le propriétaire d'une petite ou moyenne entreprise la cède ou part à la "
                "retraite, avec un délai suffisant pour constituer une coopérative de travail et trouver son "
                "financement.\n\nElles sont aussi invitées à conseiller les salariés concernés et à rendre compte de "
                "leurs actions avant la date de suivi.",
            ),
            "es": (
                "Dar a los trabajadores un derecho de primera oferta cuando se vende una empresa",
                "Se invita a las organizaciones miembros a pedir a sus gobiernos un derecho de primera oferta para "
                "los trabajadores cuando el propietario de una pequeña o mediana empresa la vende o se jubila, con "
                "un plazo suficiente para constituir una cooperativa de trabajo y encontrar su financiación.\n\n"
                "También se las invita a asesorar a los trabajadores afectados y a informar de lo hecho antes de la "
                "fecha de seguimiento.",
            ),
        },
    },
    {
        "reference": "R-2026-02",
        "topics": ["procurement"],
        "issued": datetime.datetime(2026, 10, 5, 9, 0, tzinfo=datetime.UTC),
        "follow_up": datetime.date(2027, 1, 31),
        "region": "150",  # Europe
        "texts": {
            "en": (
                "Open public procurement to producers' co-operatives",
                "Member organisations in Europe are invited to press for reserved contracts and social clauses in "
                "public procurement, as the European directives allow, and to train their members to bid.",
            ),
            "fr": (
                "Ouvrir les marchés publics aux coopératives de production",
                "Les organisations membres d'Europe sont invitées à défendre les marchés réservés et les clauses "
                "sociales dans la commande publique, comme les directives européennes le permettent, et à former "
                "leurs membres à répondre aux appels d'offres.",
            ),
            "es": (
                "Abrir la contratación pública a las cooperativas de producción",
                "Se invita a las organizaciones miembros de Europa a defender los contratos reservados y las "
                "cláusulas sociales en la contratación pública, como permiten las directivas europeas, y a formar a "
                "sus miembros para licitar.",
            ),
        },
    },
]

# (days after circulation, status, comment) steps; an empty path: no answer yet.
RESPONSE_PATHS: list[list[tuple[int, str, str]]] = [
    [(3, "acknowledged", ""), (20, "under_consideration", "On the agenda of our board."), (45, "adopted", "Adopted.")],
    [(5, "acknowledged", "")],
    [],
    [(10, "under_consideration", "Discussed with the ministry of labour.")],
    [(8, "acknowledged", ""), (30, "partly_adopted", "Adopted for worker buy-outs only.")],
    [],
    [(12, "not_adopted", "Our national law already provides for it in another form.")],
    [(2, "acknowledged", ""), (16, "under_consideration", "")],
    [(25, "adopted", "Adopted by our general assembly.")],
    [],
]


def load_recommendations(*, progress: Callable[[str], None] = lambda s: None) -> None:
    from cicopa.core.models import in_region
    from cicopa.knowledge.models import (
        Circulation,
        Recipient,
        Recommendation,
        RecommendationStatus,
        RecommendationText,
        Response,
    )
    from cicopa.registry.models import OrganisationStatus

    if Recommendation.objects.filter(reference__in=[r["reference"] for r in RECOMMENDATIONS]).exists():
        return
    topics = {t.code: t for t in Topic.objects.all()}
    members = Organisation.objects.filter(
        is_demo=True, kind=OrganisationKind.MEMBER_ORGANISATION, status=OrganisationStatus.ACTIVE
    ).order_by("sort_name", "id")
    answers = 0
    with transaction.atomic():
        for spec in RECOMMENDATIONS:
            issued = spec["issued"]
            rec = Recommendation.objects.create(
                reference=spec["reference"],
                status=RecommendationStatus.ISSUED,
                follow_up_date=spec["follow_up"],
                issued_at=issued,
            )
            for language, (title, text) in spec["texts"].items():
                RecommendationText.objects.create(recommendation=rec, language=language, title=title, text=text)
            rec.topics.set([topics[c] for c in spec["topics"] if c in topics])
            rec.experiences.set(list(Experience.objects.filter(status=ExperienceStatus.PUBLISHED).order_by("id")[:2]))
            audience = members.filter(in_region(spec["region"])) if spec["region"] else members
            circulated = issued + datetime.timedelta(days=1)
            orgs = list(audience)
            circulation = Circulation.objects.create(
                recommendation=rec,
                circulated_at=circulated,
                audience={"scope": "regions", "codes": [spec["region"]]} if spec["region"] else {"scope": "all"},
                added=len(orgs),
            )
            for i, org in enumerate(orgs):
                recipient = Recipient.objects.create(
                    recommendation=rec,
                    organisation=org,
                    circulation=circulation,
                    circulated_at=circulated,
                    status_changed_at=circulated,
                )
                Response.objects.create(recipient=recipient, status="received", at=circulated)
                for days, status, comment in RESPONSE_PATHS[i % len(RESPONSE_PATHS)]:
                    at = circulated + datetime.timedelta(days=days, hours=i % 7)
                    Response.objects.create(recipient=recipient, status=status, comment=comment, at=at)
                    recipient.status, recipient.status_changed_at = status, at
                    answers += 1
                recipient.save(update_fields=["status", "status_changed_at"])
            from cicopa.knowledge.recommendation_services import recommendation_item

            library.index_put(recommendation_item(rec))
            audit.record(actor=None, action="knowledge.recommendation.create", obj=rec, changes={"demo": [None, True]})
    progress(f"{len(RECOMMENDATIONS)} recommendations, {answers} responses")


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
            name = f"{slugify(spec['title'])[:80] or f'study-{i + 1}'}.pdf"
            StudyFile.objects.create(study=study, filename=name, size=len(data), data=data)
            audit.record(actor=None, action="knowledge.study.create", obj=study, changes={"demo": [None, True]})
            written.append(study.pk)
    for pk in written:  # read here, not in the background: the demo is whole when `cicopa demo` ends
        study_services.study_extract(study_id=pk)
    progress(f"{len(written)} studies")


# --- Questions ----------------------------------------------------------------------------------------------------
# Questions to the network, asked by demo co-operatives and answered by others: one with its most useful answer
# marked (so public, and in the library's search), the others open. Written directly, as the experiences are, with
# one audit entry each.

QUESTIONS: list[dict[str, Any]] = [
    {
        "country": "FR",
        "language": "fr",
        "topics": ["finance", "governance"],
        "title": "Comment associer les nouveaux salariés au capital sans les endetter ?",
        "body": "Nous sommes une Scop de 25 salariés. Les nouveaux arrivants hésitent à devenir associés car la part "
        "sociale représente deux mois de salaire. Comment avez-vous facilité leur entrée au capital ?",
        "answers": [
            (
                "ES",
                "En nuestra cooperativa la aportación se descuenta de la nómina durante tres años, sin intereses. "
                "Así nadie tiene que pedir un préstamo para hacerse socio.",
            ),
            (
                None,
                "We pay part of the annual surplus as capital shares rather than cash: after two or three years a new "
                "worker holds their share without having paid anything up front.",
            ),
        ],
        "accepted": 0,
    },
    {
        "country": "ES",
        "language": "es",
        "topics": ["social"],
        "title": "¿Qué seguro de salud ofrecen a sus socias y socios trabajadores?",
        "body": "Queremos mejorar la protección de las personas socias más allá de la seguridad social. ¿Han negociado "
        "un seguro colectivo? ¿Con una mutua o con una aseguradora?",
        "answers": [
            (
                "FR",
                "Nous avons adhéré à une mutuelle d'entreprise négociée par notre union régionale : le contrat groupé "
                "coûte un tiers de moins qu'un contrat pris seuls.",
            ),
        ],
        "accepted": None,
    },
    {
        "country": None,
        "language": "en",
        "topics": ["governance", "technology"],
        "title": "How do you run a general assembly with members in several cities?",
        "body": "Our members now work in four cities. Travelling to one place for the general assembly is costly and "
        "attendance is falling. Has anyone held a hybrid or online assembly, and how did voting work?",
        "answers": [],
        "accepted": None,
    },
]


def load_demo_questions(*, progress: Callable[[str], None] = lambda s: None) -> None:
    from cicopa.knowledge import question_services
    from cicopa.knowledge.models import Answer, Question, QuestionStatus

    if Question.objects.filter(organisation__is_demo=True).exists():
        return
    topics = {t.code: t for t in Topic.objects.all()}
    base = datetime.datetime(2025, 3, 3, 9, 0, tzinfo=datetime.UTC)
    written = 0
    with transaction.atomic():
        for i, spec in enumerate(QUESTIONS):
            org = _organisation(spec["country"], i + 1)
            if org is None or org.country_id is None:
                continue
            q = Question.objects.create(
                organisation=org,
                language=spec["language"],
                title=spec["title"],
                body=spec["body"],
                country_id=org.country_id,
            )
            q.topics.set([topics[c] for c in spec["topics"] if c in topics])
            q.sectors.set(list(org.sectors.all()[:1]))
            audit.record(actor=None, action="knowledge.question.create", obj=q, changes={"demo": [None, True]})
            answers = []
            for j, (country, body) in enumerate(spec["answers"]):
                peer = _organisation(country, i + j + 2)
                if peer is None or peer.pk == org.pk:
                    continue
                answer = Answer.objects.create(question=q, organisation=peer, body=body)
                Answer.objects.filter(pk=answer.pk).update(created_at=base + datetime.timedelta(days=i, hours=j + 3))
                audit.record(actor=None, action="knowledge.answer.create", obj=answer, changes={"demo": [None, True]})
                answers.append(answer)
            moment = base + datetime.timedelta(days=i)
            Question.objects.filter(pk=q.pk).update(created_at=moment, updated_at=moment)
            if spec["accepted"] is not None and len(answers) > spec["accepted"]:
                q.accepted_answer = answers[spec["accepted"]]
                q.status = QuestionStatus.ANSWERED
                q.answered_at = moment + datetime.timedelta(days=2)
                q.save(update_fields=["accepted_answer", "status", "answered_at"])
                audit.record(actor=None, action="knowledge.question.accept", obj=q, changes={"demo": [None, True]})
                question_services.library_sync(Question.objects.get(pk=q.pk), False)
            written += 1
    progress(f"{written} questions")


def load_demo(*, progress: Callable[[str], None] = lambda s: None) -> None:
    """The library's demo: experiences, recommendations circulated to the member organisations, studies, and
    questions to the network."""
    load_experiences(progress=progress)
    load_recommendations(progress=progress)
    load_demo_studies(progress=progress)
    load_demo_questions(progress=progress)
