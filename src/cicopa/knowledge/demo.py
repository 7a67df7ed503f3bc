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


_load_experiences = load_demo


def load_demo(*, progress: Callable[[str], None] = lambda s: None) -> None:  # type: ignore[no-redef]
    _load_experiences(progress=progress)
    load_demo_questions(progress=progress)
