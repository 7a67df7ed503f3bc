"""Who may do what with the library's questions and answers. Every signed-in person reads the questions and their
answers as soon as they are asked; the public reads a question only once its asker has marked the most useful
answer (PUBLIC_QUESTION), and gets a 404 otherwise. An organisation's people ask for it; whoever writes for an
organisation, and the secretariat, answers; the asker's side (the author and the asking organisation's people)
marks the most useful answer; the secretariat turns a question into an experience."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from cicopa.core.roles import is_authenticated, is_secretariat
from cicopa.knowledge.models import Answer, Question, QuestionStatus
from cicopa.knowledge.permissions import can_write_for, writing_organisation_ids

PUBLIC_QUESTION = Q(accepted_answer__isnull=False)


def can_ask(user: Any) -> bool:
    return is_authenticated(user) and (is_secretariat(user) or bool(writing_organisation_ids(user)))


def is_asker_side(user: Any, question: Question) -> bool:
    """The question's author and the people who write for the asking organisation (the secretariat's own role
    does not make it the asker)."""
    if not is_authenticated(user):
        return False
    return question.author_id == user.pk or question.organisation_id in writing_organisation_ids(user)


def can_edit_question(user: Any, question: Question) -> bool:
    """Its asker's side while no one has answered; then only its author, to make it clearer."""
    if question.status == QuestionStatus.CLOSED or not is_authenticated(user):
        return False
    if question.author_id == user.pk:
        return True
    return is_asker_side(user, question) and not question.answers.exists()


def can_answer(user: Any, question: Question) -> bool:
    return question.status != QuestionStatus.CLOSED and can_ask(user)


def can_edit_answer(user: Any, answer: Answer) -> bool:
    return is_authenticated(user) and answer.author_id == user.pk and answer.question.status != QuestionStatus.CLOSED


def can_accept(user: Any, question: Question) -> bool:
    return is_asker_side(user, question)


def can_close(user: Any, question: Question) -> bool:
    return question.status != QuestionStatus.CLOSED and (is_secretariat(user) or is_asker_side(user, question))


def can_make_experience(user: Any) -> bool:
    return is_secretariat(user)


def answering_organisations(user: Any) -> list[Any]:
    """Whom `user` may answer for: the organisations they belong to first (an officer's own federation before its
    member co-operatives), each group by name; for the secretariat, none of its own: it answers as itself."""
    from cicopa.registry.models import Organisation, OrganisationAccess

    if not is_authenticated(user):
        return []
    own = set(OrganisationAccess.objects.filter(user=user).values_list("organisation_id", flat=True))
    found = Organisation.objects.filter(pk__in=writing_organisation_ids(user)).order_by("name")
    return sorted(found, key=lambda o: o.pk not in own)


def can_answer_for(user: Any, organisation: Any) -> bool:
    if organisation is None:
        return is_secretariat(user)
    return can_write_for(user, organisation)


def visible_questions(user: Any) -> QuerySet[Question]:
    if is_authenticated(user):
        return Question.objects.all()
    return Question.objects.filter(PUBLIC_QUESTION)
