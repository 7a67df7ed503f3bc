"""A question's way: asked by a co-operative, answered by peers, the most useful answer marked (and changed, or
withdrawn), closed, and turned by the secretariat into a published experience; the illegal steps refused with a
message and nothing changed; the audit entries; the notifications, each in its recipient's language."""

import pytest

from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry, Notification
from cicopa.knowledge import question_services as services
from cicopa.knowledge.models import Experience, ExperienceStatus, Question, QuestionStatus

pytestmark = pytest.mark.django_db


def question_data(**overrides):
    data = {
        "language": "fr",
        "title": "Comment financer la reprise par les salariés ?",
        "body": "Notre gérant part à la retraite. Quels prêts avez-vous obtenus ?",
        "topics": ["transfers", "finance"],
        "sectors": ["construction"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def asked(trade, charlie):
    return services.question_ask(actor=charlie, organisation=trade["menuiserie"], data=question_data())


@pytest.fixture
def answered(asked, trade, erika, bob):
    first = services.answer_post(
        actor=erika, question=asked, organisation=trade["constructora"], body="Pedimos un préstamo participativo."
    )
    second = services.answer_post(
        actor=bob, question=asked, organisation=trade["cgscop"], body="L'union régionale apporte une garantie."
    )
    return asked, first, second


def actions(obj, kind="knowledge.question"):
    return list(
        AuditEntry.objects.filter(object_type=kind, object_id=str(obj.pk))
        .order_by("id")
        .values_list("action", flat=True)
    )


def test_ask_answer_accept_change_and_close(answered, charlie, erika, bob):
    q, first, second = answered
    assert q.status == QuestionStatus.OPEN and q.country_id == "FR" and q.author == charlie
    assert sorted(q.topics.values_list("code", flat=True)) == ["finance", "transfers"]
    assert not Question.objects.get(pk=q.pk).is_public
    q = services.answer_accept(actor=charlie, question=q, answer=first)
    assert q.status == QuestionStatus.ANSWERED and q.accepted_answer == first and q.is_public
    answered_at = q.answered_at
    q = services.answer_accept(actor=charlie, question=q, answer=second)  # the asker changes their mind
    assert q.accepted_answer == second and q.answered_at == answered_at
    q = services.answer_unaccept(actor=charlie, question=q)
    assert q.status == QuestionStatus.OPEN and q.accepted_answer is None and not q.is_public
    q = services.answer_accept(actor=charlie, question=q, answer=first)
    q = services.question_close(actor=charlie, question=q)
    assert q.status == QuestionStatus.CLOSED and q.is_public  # closed with a most useful answer: still public
    assert actions(q) == [
        "knowledge.question.create",
        "knowledge.question.accept",
        "knowledge.question.accept",
        "knowledge.question.unaccept",
        "knowledge.question.accept",
        "knowledge.question.close",
    ]
    assert actions(first, "knowledge.answer") == ["knowledge.answer.create"]


def test_notifications_in_each_recipients_language(answered, charlie, erika):
    q, first, _second = answered
    # charlie reads French and erika Spanish (the `trade` fixture): each is told in their language, which the
    # links show (the texts' translations are in the catalogues)
    to_asker = Notification.objects.filter(user=charlie, kind="knowledge.answer").order_by("id")
    assert to_asker.count() == 2
    note = to_asker.first()
    assert "Comment financer la reprise par les salariés ?" in note.subject
    assert "Constructora Cooperativa de Valencia" in note.body and "préstamo participativo" in note.body
    assert note.url == f"/fr/library/questions/{q.pk}/#answer-{first.pk}"
    services.answer_accept(actor=charlie, question=q, answer=first)
    note = Notification.objects.get(user=erika, kind="knowledge.answer_accepted")
    assert note.url == f"/es/library/questions/{q.pk}/#answer-{first.pk}"
    assert "Menuiserie Coopérative de Lyon" in note.body


def test_the_asker_is_not_told_of_their_own_answer(asked, charlie, trade):
    services.answer_post(
        actor=charlie, question=asked, organisation=trade["menuiserie"], body="Précision : 20 salariés."
    )
    assert not Notification.objects.filter(user=charlie).exists()


def test_only_the_asker_side_marks_the_most_useful_answer(answered, trade, erika, alice, dave, charlie):
    q, first, _second = answered
    for who in (erika, alice, dave):  # an answerer, the secretariat, someone without a role
        with pytest.raises(PermissionDenied):
            services.answer_accept(actor=who, question=q, answer=first)
    other = services.question_ask(
        actor=erika, organisation=trade["constructora"], data=question_data(language="es", title="¿Otra?", topics=[])
    )
    theirs = services.answer_post(actor=charlie, question=other, organisation=trade["menuiserie"], body="Oui.")
    with pytest.raises(ValidationError) as refused:  # an answer of another question
        services.answer_accept(actor=charlie, question=q, answer=theirs)
    assert "answer" in refused.value.message_dict
    with pytest.raises(PermissionDenied):  # charlie may not accept on erika's question
        services.answer_accept(actor=charlie, question=other, answer=theirs)
    assert Question.objects.get(pk=q.pk).accepted_answer is None
    assert Question.objects.get(pk=other.pk).accepted_answer is None


def test_a_closed_question_takes_no_answer(asked, trade, charlie, erika, alice):
    services.question_close(actor=alice, question=asked)  # the secretariat may close it
    with pytest.raises(ValidationError) as refused:
        services.answer_post(actor=erika, question=asked, organisation=trade["constructora"], body="Tarde.")
    assert "closed" in str(refused.value.message_dict["status"])
    with pytest.raises(ValidationError):
        services.question_close(actor=charlie, question=asked)
    with pytest.raises(ValidationError):
        services.question_update(actor=charlie, question=asked, data={"title": "Autre"})
    assert not asked.answers.exists()


def test_who_may_ask_and_answer(trade, charlie, dave, erika, bob):
    with pytest.raises(PermissionDenied):  # dave writes for no organisation
        services.question_ask(actor=dave, organisation=trade["menuiserie"], data=question_data())
    with pytest.raises(PermissionDenied):  # charlie does not write for the Spanish co-operative
        services.question_ask(actor=charlie, organisation=trade["constructora"], data=question_data())
    q = services.question_ask(actor=bob, organisation=trade["menuiserie"], data=question_data())  # its federation
    with pytest.raises(PermissionDenied):
        services.answer_post(actor=dave, question=q, organisation=None, body="Moi")
    with pytest.raises(PermissionDenied):  # erika may not answer in the name of the French co-operative
        services.answer_post(actor=erika, question=q, organisation=trade["menuiserie"], body="Yo")
    with pytest.raises(ValidationError) as refused:  # only the secretariat answers for no organisation
        services.answer_post(actor=erika, question=q, organisation=None, body="Yo")
    assert "organisation" in refused.value.message_dict
    assert not q.answers.exists()


def test_secretariat_answers_as_itself(asked, alice):
    answer = services.answer_post(actor=alice, question=asked, organisation=None, body="Voyez le guide de la reprise.")
    assert answer.organisation is None


def test_editing_a_question_and_an_answer(answered, charlie, bob, erika):
    q, first, _second = answered
    with pytest.raises(PermissionDenied) as refused:  # answered: only its author may still change it
        services.question_update(actor=bob, question=q, data={"title": "Autre titre"})
    assert "only the person who asked" in str(refused.value)
    q = services.question_update(actor=charlie, question=q, data={"body": "Plus de détails : 20 salariés."})
    assert q.body == "Plus de détails : 20 salariés."
    with pytest.raises(PermissionDenied):
        services.answer_update(actor=charlie, answer=first, body="Changé")
    changed = services.answer_update(actor=erika, answer=first, body="Un préstamo y una garantía.")
    assert changed.edited_at is not None and changed.body == "Un préstamo y una garantía."
    assert actions(first, "knowledge.answer") == ["knowledge.answer.create", "knowledge.answer.update"]


def test_bad_input_is_refused_by_field_and_changes_nothing(trade, charlie, asked, erika):
    cases = [
        ({"body": "  "}, "body"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"topics": ["no-such-topic"]}, "topics"),
        ({"topics": "finance"}, "topics"),
        ({"language": "de"}, "language"),
        ({"country": "XX"}, "country"),
        ({"status": "answered"}, "status"),
        ({"body": "ok\x00"}, "body"),
    ]
    for change, field in cases:
        with pytest.raises(ValidationError) as refused:
            services.question_ask(actor=charlie, organisation=trade["menuiserie"], data=question_data(**change))
        assert field in refused.value.message_dict, change
    assert Question.objects.count() == 1
    with pytest.raises(ValidationError) as refused:
        services.question_ask(actor=charlie, organisation=trade["menuiserie"], data=question_data(topics=["nope"]))
    assert refused.value.message_dict["topics"] == ["Unknown code “nope”."]
    for body in ("", "   ", None, "x" * 10_001, 42):
        with pytest.raises(ValidationError) as refused:
            services.answer_post(actor=erika, question=asked, organisation=trade["constructora"], body=body)
        assert "body" in refused.value.message_dict
    assert not asked.answers.exists()


def test_unicode_survives(trade, erika):
    q = services.question_ask(
        actor=erika,
        organisation=trade["constructora"],
        data=question_data(language="es", title="¿Cómo repartir el excedente? 協同組合 🌱", body="Ñandú — «comillas»"),
    )
    q = Question.objects.get(pk=q.pk)
    assert q.title == "¿Cómo repartir el excedente? 協同組合 🌱" and q.body == "Ñandú — «comillas»"


def test_turned_into_a_published_experience_once(answered, charlie, alice, bob):
    q, first, second = answered
    services.answer_accept(actor=charlie, question=q, answer=second)
    with pytest.raises(PermissionDenied):
        services.question_to_experience(actor=charlie, question=q)
    with pytest.raises(PermissionDenied):
        services.question_to_experience(actor=bob, question=q)
    exp = services.question_to_experience(actor=alice, question=q)
    exp = Experience.objects.get(pk=exp.pk)
    assert exp.status == ExperienceStatus.PUBLISHED and exp.published_at is not None
    assert exp.organisation == q.organisation and exp.language == "fr" and exp.country_id == "FR"
    assert exp.title == q.title and exp.problem == q.body
    # the most useful answer is what was done, the others the results, each under its organisation's name
    assert "Confédération générale des Scop" in exp.actions and second.body in exp.actions
    assert "Constructora Cooperativa de Valencia" in exp.results and first.body in exp.results
    assert sorted(exp.topics.values_list("code", flat=True)) == ["finance", "transfers"]
    assert list(exp.sectors.values_list("code", flat=True)) == ["construction"]
    assert Question.objects.get(pk=q.pk).experience == exp
    assert "knowledge.question.to_experience" in actions(q)
    assert Notification.objects.filter(user=charlie, kind="knowledge.question_experience").exists()
    assert not Notification.objects.filter(user=alice).exists()  # not told of the steps she took herself
    with pytest.raises(ValidationError) as refused:
        services.question_to_experience(actor=alice, question=q)
    assert "experience" in refused.value.message_dict
    assert Experience.objects.count() == 1


def test_a_question_without_answers_is_no_experience(asked, alice):
    with pytest.raises(ValidationError):
        services.question_to_experience(actor=alice, question=asked)
    assert not Experience.objects.exists()
