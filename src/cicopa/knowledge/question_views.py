"""Pages of the library's questions and answers: the list, the form that asks, a question's page with its answers
and the form that answers, and the asker's and the secretariat's steps. Thin: parse the request, call a query or
a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cicopa.core import queries as core_queries
from cicopa.core.errors import PermissionDenied, report_errors
from cicopa.core.i18n import current_language
from cicopa.core.names import language_name
from cicopa.core.roles import is_authenticated, is_secretariat
from cicopa.knowledge import question_permissions as rules
from cicopa.knowledge import question_queries as queries
from cicopa.knowledge import question_services as services
from cicopa.knowledge.models import Answer, Question, Topic
from cicopa.knowledge.permissions import writing_organisations
from cicopa.knowledge.question_forms import AnswerForm, QuestionForm, question_initial

PAGE_SIZE = 20


def questions(request: HttpRequest) -> HttpResponse:
    filters = queries.parse_filters(request.GET)
    page = Paginator(queries.questions(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/question_list.html",
        {
            "page": page,
            "filters": filters,
            "topics": Topic.objects.all(),
            "countries": core_queries.countries(),
            "sectors": core_queries.sectors(),
            "query": "&".join(f"{k}={v}" for k, v in filters.as_query().items()),
            "can_ask": rules.can_ask(request.user),
            "signed_in": is_authenticated(request.user),
            "language": current_language(),
        },
    )


def _visible(request: HttpRequest, pk: int) -> Question:
    found = queries.question_for(request.user, pk)
    if found is None:
        raise Http404
    return found


def _answer_form(request: HttpRequest, data: Any = None) -> AnswerForm:
    return AnswerForm(
        data, organisations=rules.answering_organisations(request.user), secretariat=is_secretariat(request.user)
    )


def _page(request: HttpRequest, q: Question, answer_form: AnswerForm | None = None, status: int = 200) -> HttpResponse:
    user = request.user
    can_answer = rules.can_answer(user, q)
    return render(
        request,
        "knowledge/question.html",
        {
            "question": q,
            "answers": queries.answers_in_order(q),
            "foreign": q.language != current_language(),
            "written_in": language_name(q.language),
            "can_edit": rules.can_edit_question(user, q),
            "can_accept": rules.can_accept(user, q),
            "can_close": rules.can_close(user, q),
            "can_make_experience": rules.can_make_experience(user)
            and q.experience_id is None
            and bool(q.answers.all()),
            "user_id": getattr(user, "pk", None),
            "answer_form": (answer_form or _answer_form(request)) if can_answer else None,
        },
        status=status,
    )


def question(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _visible(request, pk))


@login_required
def question_new(request: HttpRequest) -> HttpResponse:
    organisations = list(writing_organisations(request.user))
    if not organisations:
        raise PermissionDenied(_("You do not write for any organisation."))
    form = QuestionForm(request.POST or None, organisations=organisations, initial={"language": current_language()})
    if request.method == "POST" and form.is_valid():
        org = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        try:
            q = services.question_ask(actor=request.user, organisation=org, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("Your question is asked: the network's people can answer it now."))
            return redirect(q)
    return render(request, "knowledge/question_form.html", {"form": form, "question": None})


@login_required
def question_edit(request: HttpRequest, pk: int) -> HttpResponse:
    q = _visible(request, pk)
    if not rules.can_edit_question(request.user, q):
        raise PermissionDenied(_("You may not change this question."))
    form = QuestionForm(request.POST or None, organisations=[q.organisation], initial=question_initial(q))
    form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(actor=request.user, question=q, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("The question is saved."))
            return redirect(q)
    return render(request, "knowledge/question_form.html", {"form": form, "question": q})


@require_POST
@login_required
def answer_add(request: HttpRequest, pk: int) -> HttpResponse:
    q = _visible(request, pk)
    if not rules.can_answer(request.user, q):
        if q.status == "closed":
            messages.error(request, _("This question is closed: it takes no more answers."))
            return redirect(q)
        raise PermissionDenied(_("Only people who write for an organisation of the network may answer."))
    form = _answer_form(request, request.POST)
    if form.is_valid():
        org_id = form.cleaned_data["organisation"]
        org = next((o for o in rules.answering_organisations(request.user) if o.pk == org_id), None)
        try:
            answer = services.answer_post(
                actor=request.user, question=q, organisation=org, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your answer is posted. Thank you."))
            return redirect(answer.get_absolute_url())
    return _page(request, queries.question_for(request.user, pk) or q, form, status=422)


def _answer(q: Question, answer_id: int) -> Answer:
    found = next((a for a in q.answers.all() if a.pk == answer_id), None)
    if found is None:
        raise Http404
    return found


@login_required
def answer_edit(request: HttpRequest, pk: int, answer_id: int) -> HttpResponse:
    q = _visible(request, pk)
    answer = _answer(q, answer_id)
    if not rules.can_edit_answer(request.user, answer):
        raise PermissionDenied(_("Only its author may change an answer."))
    form = AnswerForm(request.POST or None, organisations=[], secretariat=True, initial={"body": answer.body})
    del form.fields["organisation"]
    if request.method == "POST" and form.is_valid():
        try:
            services.answer_update(actor=request.user, answer=answer, body=form.cleaned_data["body"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Your answer is saved."))
            return redirect(answer.get_absolute_url())
    return render(request, "knowledge/question_answer_form.html", {"form": form, "question": q, "answer": answer})


@require_POST
@login_required
def question_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Mark the most useful answer (or withdraw the mark), close, or turn into an experience."""
    q = _visible(request, pk)
    try:
        if step == "accept":
            answer_id = request.POST.get("answer", "")
            answer = _answer(q, int(answer_id)) if answer_id.isdigit() and len(answer_id) < 19 else None
            if answer is None:
                raise Http404
            services.answer_accept(actor=request.user, question=q, answer=answer)
            messages.success(request, _("The answer is marked as the most useful: the question is answered."))
        elif step == "unaccept":
            services.answer_unaccept(actor=request.user, question=q)
            messages.success(request, _("No answer is marked as the most useful any more: the question is open again."))
        elif step == "close":
            services.question_close(actor=request.user, question=q)
            messages.success(request, _("The question is closed: it takes no more answers."))
        elif step == "experience":
            exp = services.question_to_experience(actor=request.user, question=q)
            messages.success(request, _("The question and its answers are published as an experience."))
            return redirect(exp)
        else:
            raise Http404
    except ValidationError as exc:
        report_errors(request, exc)
    return redirect(q)
