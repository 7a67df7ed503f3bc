"""Every write of the library's questions and answers: asked, changed, answered, an answer marked the most useful
(or no longer), closed, and turned by the secretariat into a published experience. Each function checks who may
do it, validates everything at once, saves, records the step in the audit log, tells whom it concerns and keeps
the library's search in step (a question is public, and searched, once it has a most useful answer), in one
transaction. Pages, the API and the demo come through here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cicopa.core import audit, formats, notifications, versions
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Sector
from cicopa.knowledge import library
from cicopa.knowledge import question_permissions as rules
from cicopa.knowledge import services as experiences
from cicopa.knowledge.models import Answer, Experience, LibraryKind, Question, QuestionStatus, Topic
from cicopa.registry.models import Organisation

QUESTION_FIELDS = ("language", "title", "body", "country", "sectors", "topics")
EXPERIENCE_TEXT_LIMIT = 10_000


def question_snapshot(question: Question) -> dict[str, Any]:
    data = audit.snapshot(question, ["language", "title", "body", "status"])
    data["country"] = question.country_id
    data["accepted_answer"] = question.accepted_answer_id
    if question.pk:
        data["sectors"] = sorted(question.sectors.values_list("code", flat=True))
        data["topics"] = sorted(question.topics.values_list("code", flat=True))
    return data


def question_version(question: Question) -> str:
    return versions.version(question_snapshot(question))


def _text(value: Any, one_line: bool) -> str:
    text = value if isinstance(value, str) else ""
    return " ".join(text.split()) if one_line else text.strip()


def _clean(question: Question, data: Mapping[str, Any]) -> tuple[list[Sector] | None, list[Topic] | None]:
    """Apply `data` to `question`, checking every field at once; the sectors and topics to set (None:
    unchanged)."""
    unknown = set(data) - set(QUESTION_FIELDS)
    if unknown:
        raise ValidationError({f[:40]: _("This field cannot be changed here.") for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    for field in ("title", "body"):
        if field in data:
            if data[field] is not None and not isinstance(data[field], str):
                errors.setdefault(field, []).append(_("Give a text."))
            setattr(question, field, _text(data[field], field == "title"))
    if "language" in data:
        if data["language"] not in CONTENT_LANGUAGES:
            errors.setdefault("language", []).append(_("Choose English, French or Spanish."))
        else:
            question.language = str(data["language"])
    if not question.title:
        errors.setdefault("title", []).append(_("Write the question in a line."))
    if not question.body:
        errors.setdefault("body", []).append(
            _("Say more about the question: the situation, what you tried, what you would like to know.")
        )
    if "country" in data:
        value = data["country"]
        code = value.upper()[:2] if isinstance(value, str) else ""
        country = Country.objects.filter(iso2=code).first() if len(code) == 2 else None
        if country is None:
            errors.setdefault("country", []).append(
                _("Unknown country “%(value)s”.") % {"value": str(value)[:20]} if value else _("Choose a country.")
            )
        else:
            question.country = country
    sectors = experiences._codes(Sector, data["sectors"], "sectors", errors) if "sectors" in data else None
    topics = experiences._codes(Topic, data["topics"], "topics", errors) if "topics" in data else None
    try:
        question.full_clean(exclude=["organisation", "author", "country", "accepted_answer", "experience"])
    except DjangoValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return sectors, topics


def _locked(question: Question) -> Question:
    return Question.objects.select_for_update(of=("self",)).select_related("organisation", "author").get(pk=question.pk)


def library_sync(question: Question, was_public: bool) -> None:
    """Keep the library's one search in step: a public question (one with a most useful answer) is indexed with
    its answers; one that stops being public leaves the index."""
    if question.is_public:
        library.index_put(question_item(question))
    elif was_public:
        library.index_remove(LibraryKind.QUESTION, question.pk)


def question_item(question: Question) -> library.LibraryItem:
    """What the library's search keeps of an answered question: the question, every answer and who gave it."""
    assert question.answered_at is not None
    answers = list(question.answers.select_related("organisation").order_by("created_at", "id"))
    return library.LibraryItem(
        kind=LibraryKind.QUESTION,
        object_id=question.pk,
        language=question.language,
        titles={question.language: question.title},
        texts=[
            question.body,
            question.organisation.name,
            *(a.body for a in answers),
            *(a.organisation.name for a in answers if a.organisation),
        ],
        published_at=question.answered_at,
        topics=sorted(question.topics.values_list("code", flat=True)),
        countries=[question.country_id],
        sectors=sorted(question.sectors.values_list("code", flat=True)),
        year=question.answered_at.year,
    )


@transaction.atomic
def question_ask(*, actor: Any, organisation: Organisation, data: Mapping[str, Any]) -> Question:
    """`actor` asks the network a question for `organisation`. Its country is the organisation's unless given."""
    if not rules.can_write_for(actor, organisation):
        raise PermissionDenied(_("You may not ask questions for this organisation."))
    question = Question(organisation=organisation, author=actor if getattr(actor, "pk", None) else None)
    data = dict(data)
    if organisation.country_id and not data.get("country"):
        data.pop("country", None)
        question.country_id = organisation.country_id
    elif "country" not in data:
        data["country"] = None
    sectors, topics = _clean(question, data)
    question.save()
    if sectors is not None:
        question.sectors.set(sectors)
    if topics is not None:
        question.topics.set(topics)
    audit.record(
        actor=actor,
        action="knowledge.question.create",
        obj=question,
        changes=audit.diff({}, question_snapshot(question)),
    )
    return question


@transaction.atomic
def question_update(
    *, actor: Any, question: Question, data: Mapping[str, Any], based_on: str | None = None
) -> Question:
    q = _locked(question)
    if not rules.can_edit_question(actor, q):
        if q.status == QuestionStatus.CLOSED:
            raise ValidationError({"status": [_("A closed question cannot be changed.")]})
        if rules.is_asker_side(actor, q):
            raise PermissionDenied(_("Once a question has answers, only the person who asked it may change it."))
        raise PermissionDenied(_("You may not change this question."))
    before = question_snapshot(q)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(_("Someone changed this question since you opened it."), current=versions.version(before))
    data = dict(data)
    if "country" in data and not data["country"] and q.organisation.country_id:
        data["country"] = q.organisation.country_id  # as asked: empty is the organisation's country
    sectors, topics = _clean(q, data)
    q.save()
    if sectors is not None:
        q.sectors.set(sectors)
    if topics is not None:
        q.topics.set(topics)
    audit.record(
        actor=actor, action="knowledge.question.update", obj=q, changes=audit.diff(before, question_snapshot(q))
    )
    library_sync(q, q.is_public)
    return q


def _answer_body(value: Any) -> str:
    body = _text(value, False)
    if not body:
        raise ValidationError({"body": [_("Write your answer.")]})
    if len(body) > 10_000:
        raise ValidationError(
            {"body": [_("An answer has at most %(n)s characters.") % {"n": formats.format_number(10_000)}]}
        )
    return body


def _askers(q: Question) -> list[Any]:
    """Whom news of the question concerns: its author, or else the asking organisation's people."""
    from cicopa.registry.models import OrganisationAccess

    if q.author_id:
        return [q.author]
    return [a.user for a in OrganisationAccess.objects.filter(organisation=q.organisation).select_related("user")]


@transaction.atomic
def answer_post(*, actor: Any, question: Question, organisation: Organisation | None, body: Any) -> Answer:
    """`actor` answers for `organisation` (None: the secretariat as itself); the asker is told."""
    q = _locked(question)
    if not rules.can_ask(actor):
        raise PermissionDenied(_("Only people who write for an organisation of the network may answer."))
    if q.status == QuestionStatus.CLOSED:
        raise ValidationError({"status": [_("This question is closed: it takes no more answers.")]})
    if organisation is None and not rules.can_answer_for(actor, None):
        raise ValidationError({"organisation": [_("Say which organisation you answer for.")]})
    if not rules.can_answer_for(actor, organisation):
        raise PermissionDenied(_("You may not answer for this organisation."))
    answer = Answer(question=q, organisation=organisation, author=actor, body=_answer_body(body))
    try:
        answer.full_clean(exclude=["question", "organisation", "author"])
    except DjangoValidationError as exc:
        raise ValidationError({"body": [m for ms in exc.message_dict.values() for m in ms]}) from exc
    answer.save()
    q.save(update_fields=["updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.answer.create",
        obj=answer,
        changes={"question": [None, q.pk], "organisation": [None, organisation.pk if organisation else None]},
    )
    for user in _askers(q):
        if user.pk == getattr(actor, "pk", None):
            continue
        notifications.notify(
            user=user,
            kind="knowledge.answer",
            actor=actor,
            subject=gettext_lazy("New answer to your question “%(title)s”"),
            body_template="knowledge/email/answer.txt",
            context={"title": q.title, "who": organisation.name if organisation else "", "body": answer.body},
            url=answer.get_absolute_url(),
        )
    library_sync(q, q.is_public)
    return answer


@transaction.atomic
def answer_update(*, actor: Any, answer: Answer, body: Any) -> Answer:
    q = _locked(answer.question)
    found = q.answers.select_for_update().get(pk=answer.pk)
    if not rules.can_edit_answer(actor, found):
        if q.status == QuestionStatus.CLOSED and getattr(actor, "pk", None) == found.author_id:
            raise ValidationError({"status": [_("This question is closed: its answers can no longer change.")]})
        raise PermissionDenied(_("Only its author may change an answer."))
    before = found.body
    found.body = _answer_body(body)
    found.edited_at = timezone.now()
    found.save(update_fields=["body", "edited_at"])
    audit.record(actor=actor, action="knowledge.answer.update", obj=found, changes={"body": [before, found.body]})
    library_sync(q, q.is_public)
    return found


@transaction.atomic
def answer_accept(*, actor: Any, question: Question, answer: Answer) -> Question:
    """The asker's side marks `answer` as the most useful (in place of another one, if any): the question is
    answered, and public."""
    q = _locked(question)
    if not rules.can_accept(actor, q):
        raise PermissionDenied(_("Only those who asked the question mark the most useful answer."))
    if answer.question_id != q.pk:
        raise ValidationError({"answer": [_("This answer is not one of this question's.")]})
    if q.accepted_answer_id == answer.pk:
        return q
    was_public = q.is_public
    before = {"accepted_answer": q.accepted_answer_id, "status": q.status}
    q.accepted_answer = answer
    q.answered_at = q.answered_at or timezone.now()
    if q.status == QuestionStatus.OPEN:
        q.status = QuestionStatus.ANSWERED
    q.save(update_fields=["accepted_answer", "answered_at", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.question.accept",
        obj=q,
        changes=audit.diff(before, {"accepted_answer": q.accepted_answer_id, "status": q.status}),
    )
    if answer.author_id and answer.author_id != getattr(actor, "pk", None):
        notifications.notify(
            user=answer.author,
            kind="knowledge.answer_accepted",
            actor=actor,
            subject=gettext_lazy("Your answer to “%(title)s” was marked the most useful"),
            body_template="knowledge/email/answer_accepted.txt",
            context={"title": q.title, "asker": q.organisation.name},
            url=answer.get_absolute_url(),
        )
    library_sync(q, was_public)
    return q


@transaction.atomic
def answer_unaccept(*, actor: Any, question: Question) -> Question:
    """The asker's side withdraws its mark: the question is open again, and no longer public."""
    q = _locked(question)
    if not rules.can_accept(actor, q):
        raise PermissionDenied(_("Only those who asked the question mark the most useful answer."))
    if q.accepted_answer_id is None:
        raise ValidationError({"answer": [_("No answer of this question is marked the most useful.")]})
    before = {"accepted_answer": q.accepted_answer_id, "status": q.status}
    q.accepted_answer = None
    q.answered_at = None
    if q.status == QuestionStatus.ANSWERED:
        q.status = QuestionStatus.OPEN
    q.save(update_fields=["accepted_answer", "answered_at", "status", "updated_at"])
    audit.record(
        actor=actor,
        action="knowledge.question.unaccept",
        obj=q,
        changes=audit.diff(before, {"accepted_answer": None, "status": q.status}),
    )
    library_sync(q, True)
    return q


@transaction.atomic
def question_close(*, actor: Any, question: Question) -> Question:
    """No more answers: the asker's side or the secretariat closes it. A question with a most useful answer
    stays public."""
    q = _locked(question)
    if q.status == QuestionStatus.CLOSED:
        raise ValidationError({"status": [_("This question is closed already.")]})
    if not rules.can_close(actor, q):
        raise PermissionDenied(_("Only those who asked the question, or the secretariat, close it."))
    before = q.status
    q.status = QuestionStatus.CLOSED
    q.closed_at = timezone.now()
    q.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record(actor=actor, action="knowledge.question.close", obj=q, changes={"status": [before, q.status]})
    return q


def _quoted(answers: list[Answer], limit: int) -> str:
    """Answers, each under the name of whom it came from, within `limit` characters (the rest cut, marked)."""
    parts = []
    for a in answers:
        who = a.organisation.name if a.organisation else _("The CICOPA secretariat")
        parts.append(_("%(who)s answered:") % {"who": who} + "\n" + a.body)
    text = "\n\n".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@transaction.atomic
def question_to_experience(*, actor: Any, question: Question) -> Experience:
    """The secretariat turns a question and its answers into a published experience of the asking
    organisation: the question is the problem, the most useful answer (else the first) what was done, the
    others the results. Once only."""
    q = _locked(question)
    if not rules.can_make_experience(actor):
        raise PermissionDenied(_("Only the secretariat turns a question into an experience."))
    if q.experience_id is not None:
        raise ValidationError({"experience": [_("This question is an experience already.")]})
    answers = list(q.answers.select_related("organisation").order_by("created_at", "id"))
    if not answers:
        raise ValidationError({"experience": [_("A question without answers cannot become an experience.")]})
    first = next((a for a in answers if a.pk == q.accepted_answer_id), answers[0])
    others = [a for a in answers if a.pk != first.pk]
    with translation.override(q.language):  # the experience reads in the question's language throughout
        data = {
            "language": q.language,
            "title": q.title,
            "summary": _("A question asked to the network by %(asker)s, with the answers of its peers.")
            % {"asker": q.organisation.name},
            "problem": q.body,
            "actions": _quoted([first], EXPERIENCE_TEXT_LIMIT),
            "results": _quoted(others, EXPERIENCE_TEXT_LIMIT),
            "lessons": "",
            "country": q.country_id,
            "year": q.created_at.year,
            "topics": list(q.topics.values_list("code", flat=True)),
            "sectors": list(q.sectors.values_list("code", flat=True)),
        }
    exp = experiences.experience_create(actor=actor, organisation=q.organisation, data=data)
    experiences.experience_submit(actor=actor, experience=exp)
    exp = experiences.experience_publish(actor=actor, experience=exp)
    q.experience = exp
    q.save(update_fields=["experience", "updated_at"])
    audit.record(actor=actor, action="knowledge.question.to_experience", obj=q, changes={"experience": [None, exp.pk]})
    for user in _askers(q):
        notifications.notify(
            user=user,
            kind="knowledge.question_experience",
            actor=actor,
            subject=gettext_lazy("Your question “%(title)s” is now an experience of the library"),
            body_template="knowledge/email/question_experience.txt",
            context={"title": q.title},
            url=exp.get_absolute_url(),
        )
    return exp
