"""Pages of the library's studies: a study's page (with an excerpt of its text around the words searched for),
its PDF, the studies of the organisations one writes for with the form that adds one, and the secretariat's
queue of studies to review. Thin: parse the request, call a query or a service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cicopa.core.errors import PermissionDenied, form_errors, report_errors
from cicopa.core.fulltext import TextQuery
from cicopa.core.i18n import current_language
from cicopa.core.names import language_name
from cicopa.knowledge import permissions, study_queries, study_services
from cicopa.knowledge.excerpts import excerpt
from cicopa.knowledge.forms import ReturnForm
from cicopa.knowledge.models import Extraction, Study, StudyFile
from cicopa.knowledge.study_forms import SECRETARIAT, StudyFileForm, StudyForm, study_initial
from cicopa.knowledge.views import document_download, upload_bytes

PAGE_SIZE = 20
MAX_QUERY = 200


def _visible(request: HttpRequest, pk: int) -> Study:
    study = study_queries.study_for(request.user, pk)
    if study is None:
        raise Http404
    return study


def study(request: HttpRequest, pk: int) -> HttpResponse:
    s = _visible(request, pk)
    user = request.user
    q = " ".join(str(request.GET.get("q") or "")[:MAX_QUERY].split())
    can_edit = permissions.can_edit_study(user, s)
    return render(
        request,
        "knowledge/study.html",
        {
            "study": s,
            "file": study_queries.file_of(s),
            "q": q,
            "excerpt": excerpt(s.text, TextQuery.parse(q).terms) if q and s.text else [],
            "unreadable": s.extraction == Extraction.UNREADABLE,
            "reading": s.extraction == Extraction.PENDING,
            "foreign": s.language != current_language(),
            "written_in": language_name(s.language),
            "manages": permissions.can_manage_study(user, s),
            "can_edit": can_edit,
            "can_review": permissions.can_review_studies(user) and s.status in ("submitted", "draft"),
            "can_return": permissions.can_review_studies(user) and s.status == "submitted",
            "file_form": StudyFileForm() if can_edit else None,
            "return_form": ReturnForm(),
        },
    )


def study_file(request: HttpRequest, pk: int) -> HttpResponse:
    """The study's PDF, to those who may see the study, as a download (never shown in the site's origin)."""
    s = _visible(request, pk)
    found = StudyFile.objects.filter(study_id=s.pk).first()
    if found is None:
        raise Http404
    return document_download(found.data, found.filename, "application/pdf")


@login_required
def my_studies(request: HttpRequest) -> HttpResponse:
    page = Paginator(study_queries.managed(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/study_mine.html",
        {"page": page, "studies": page.object_list, "can_add": permissions.can_add_study(request.user)},
    )


def _form(request: HttpRequest, s: Study | None) -> StudyForm:
    secretariat = permissions.can_review_studies(request.user)
    organisations = list(permissions.writing_organisations(request.user)) if s is None else []
    if s is not None and s.organisation is not None:
        organisations = [s.organisation]
    form = StudyForm(
        request.POST or None,
        request.FILES or None,
        organisations=organisations,
        secretariat=secretariat and (s is None or s.organisation is None),
        with_file=s is None,
        initial=study_initial(s, current_language()),
    )
    if s is not None:
        form.fields["organisation"].disabled = True
    return form


@login_required
def study_new(request: HttpRequest) -> HttpResponse:
    if not permissions.can_add_study(request.user):
        raise PermissionDenied(_("You do not write for any organisation."))
    form = _form(request, None)
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["organisation"]
        org = None
        if chosen != SECRETARIAT:
            org = next((o for o in permissions.writing_organisations(request.user) if str(o.pk) == chosen), None)
        if org is None and chosen == SECRETARIAT and not permissions.can_review_studies(request.user):
            form.add_error("organisation", _("Choose the organisation that publishes the study."))
        else:
            try:
                s = study_services.study_create(actor=request.user, organisation=org, data=form.service_data())
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                upload = form.cleaned_data.get("file")
                if upload is not None:
                    try:
                        study_services.study_upload_file(
                            actor=request.user, study=s, filename=upload.name, data=upload_bytes(upload)
                        )
                    except ValidationError as exc:
                        report_errors(request, exc)
                        messages.warning(request, _("The study is saved as a draft without its PDF: upload it here."))
                        return redirect(s)
                messages.success(request, _("The study is saved as a draft. Submit it when it is ready."))
                return redirect(s)
    return render(request, "knowledge/study_form.html", {"form": form, "study": None})


@login_required
def study_edit(request: HttpRequest, pk: int) -> HttpResponse:
    s = _visible(request, pk)
    if not permissions.can_edit_study(request.user, s):
        raise PermissionDenied(_("You may not edit this study."))
    form = _form(request, s)
    if request.method == "POST" and form.is_valid():
        try:
            study_services.study_update(actor=request.user, study=s, data=form.service_data())
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The study is saved."))
            return redirect(s)
    return render(request, "knowledge/study_form.html", {"form": form, "study": s})


@require_POST
@login_required
def study_upload(request: HttpRequest, pk: int) -> HttpResponse:
    s = _visible(request, pk)
    form = StudyFileForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the study's PDF."))
        return redirect(s)
    upload = form.cleaned_data["file"]
    try:
        study_services.study_upload_file(actor=request.user, study=s, filename=upload.name, data=upload_bytes(upload))
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The PDF is uploaded; its text is being read."))
    return redirect(s)


@require_POST
@login_required
def study_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Submit, publish or return, from the study's page or the review queue."""
    s = _visible(request, pk)
    try:
        if step == "submit":
            study_services.study_submit(actor=request.user, study=s)
            messages.success(request, _("The study is submitted: the secretariat will review it."))
        elif step == "publish":
            study_services.study_publish(actor=request.user, study=s)
            messages.success(request, _("The study is published."))
        elif step == "return":
            study_services.study_return(actor=request.user, study=s, comment=request.POST.get("comment", ""))
            messages.success(request, _("The study is returned to its authors with your comment."))
        else:
            raise Http404
    except ValidationError as exc:
        report_errors(request, exc)
    if request.POST.get("next") == "review" and permissions.can_review_studies(request.user):
        return redirect("knowledge:study_review")
    return redirect(s)


@login_required
def study_review(request: HttpRequest) -> HttpResponse:
    if not permissions.can_review_studies(request.user):
        raise PermissionDenied(_("Only the secretariat reviews studies."))
    return render(
        request,
        "knowledge/study_review.html",
        {"studies": list(study_queries.review_queue()), "return_form": ReturnForm()},
    )
