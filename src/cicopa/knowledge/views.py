"""Pages of the knowledge library: the public list of experiences and an experience's page, an organisation's
own experiences with the form that writes one, and the secretariat's review queue. Thin: parse the request,
call a query or a service, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cicopa.core import queries as core_queries
from cicopa.core.errors import PermissionDenied, report_errors
from cicopa.core.i18n import current_language
from cicopa.core.names import language_name
from cicopa.knowledge import library, permissions, queries, services
from cicopa.knowledge.forms import AttachmentForm, ExperienceForm, ReturnForm, experience_initial
from cicopa.knowledge.models import Experience, LibraryKind

PAGE_SIZE = 20


def card(experience: Experience, language: str | None = None) -> dict[str, Any]:
    """What an experience's card and page show of it, for the reader of `language`."""
    language = language or current_language()
    texts, shown_in, languages = experience.text_in(language)
    return {
        "experience": experience,
        **texts,
        # the language of each part that is not the reader's (lang="" on its element), else ""
        "lang": {f: (lang if lang != language else "") for f, lang in languages.items()},
        "shown_in": shown_in,
        "foreign": shown_in != language,  # no translation in the reader's language: the original, marked
        "written_in": language_name(shown_in),
    }


def library_page(request: HttpRequest) -> HttpResponse:
    """The library: one search across experiences, studies, answered questions and recommendations."""
    filters, errors = library.parse_filters(request.GET)
    for message in errors.values():
        messages.error(request, message)
    page = library.search(filters)
    feed_topic = filters.topic[0] if len(filters.topic) == 1 else None
    return render(
        request,
        "knowledge/library.html",
        {
            "page": page,
            "filters": filters,
            "groups": _facet_groups(filters, page.facets),
            "sorts": [("relevance", _("Relevance")), ("newest", _("Newest first"))],
            "results": _results(page.hits),
            "facet_sample": library.facet_sample(),
            "query": urlencode(filters.as_query(page=1)),
            "previous": urlencode(filters.as_query(page=filters.page - 1)) if filters.page > 1 else None,
            "next": urlencode(filters.as_query(page=filters.page + 1)) if filters.page < page.pages else None,
            "can_write": bool(permissions.writing_organisation_ids(request.user)),
            "feed_topic": feed_topic,
            "feed_topic_name": library.topic_names().get(feed_topic, "") if feed_topic else "",
        },
    )


def _results(hits: list[library.Hit]) -> list[dict[str, Any]]:
    """The hits with what their cards name in the reader's language."""
    kinds = dict(LibraryKind.choices)
    topics = library.topic_names()
    countries = core_queries.names_by_code()["country"]
    out = []
    for hit in hits:
        places = [countries.get(c, c) for c in hit.countries]
        out.append(
            {
                "card": hit.card,
                "excerpt": hit.excerpt,
                "year": hit.year,
                "kind_label": kinds.get(hit.kind, hit.kind),
                "places": ", ".join(places[:3]) + (" …" if len(places) > 3 else ""),
                "topic_names": [topics[t] for t in hit.topics if t in topics],
                "written_in": language_name(hit.card.original_language) if hit.card.original_language else "",
            }
        )
    return out


def _facet_groups(filters: library.LibraryFilters, facets: dict[str, Any]) -> list[dict[str, Any]]:
    """The facets as the page lists them: each value a link that adds it to the search, or takes it away."""
    groups = []
    for name in library.FACETS:
        chosen = getattr(filters, name)
        values = []
        for code, label, count in facets.get(name, []):
            selected = code in chosen
            changed = tuple(v for v in chosen if v != code) if selected else (*chosen, code)
            url = "?" + urlencode(filters.as_query(**{name: changed, "page": 1}))
            values.append({"value": code, "label": label, "count": count, "selected": selected, "url": url})
        if values:
            groups.append({"name": name, "title": library.FILTER_LABELS[name], "values": values})
    return groups


def _visible(request: HttpRequest, pk: int) -> Experience:
    experience = queries.experience_for(request.user, pk)
    if experience is None:
        raise Http404
    return experience


def experience(request: HttpRequest, pk: int) -> HttpResponse:
    exp = _visible(request, pk)
    user = request.user
    return render(
        request,
        "knowledge/experience.html",
        {
            **card(exp),
            "org": exp.organisation,
            "manages": permissions.can_manage_experience(user, exp),
            "can_edit": permissions.can_edit_experience(user, exp),
            "can_review": permissions.can_review_experiences(user) and exp.status == "submitted",
            "attachment_form": AttachmentForm() if permissions.can_edit_experience(user, exp) else None,
            "return_form": ReturnForm(),
        },
    )


def attachment(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    exp = _visible(request, pk)
    found = exp.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise Http404
    return document_download(found.content, found.filename, found.media_type)


def document_download(data: bytes | memoryview, filename: str, media_type: str) -> HttpResponse:
    """An uploaded document (an attachment, a study's PDF, a response's evidence) served as a download, never shown
    inline, so that none runs in the site's origin; its name as given, accents and all, offered too (RFC 6266)."""
    response = HttpResponse(bytes(data), content_type=media_type)
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "") or "attachment"
    response["Content-Disposition"] = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def upload_bytes(upload: Any) -> bytes:
    """An uploaded file's bytes; past the upload limit, bytes enough for the service to refuse it with its message
    (the file itself is not read into memory)."""
    if upload.size > settings.CICOPA_MAX_UPLOAD_BYTES:
        return b"\0" * (settings.CICOPA_MAX_UPLOAD_BYTES + 1)
    return bytes(upload.read())


@login_required
def my_experiences(request: HttpRequest) -> HttpResponse:
    qs = queries.with_details(permissions.managed_experiences(request.user)).order_by("-updated_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "knowledge/my_experiences.html",
        {
            "page": page,
            "cards": [card(e) for e in page.object_list],
            "can_write": bool(permissions.writing_organisation_ids(request.user))
            or permissions.can_review_experiences(request.user),
        },
    )


def _organisations(request: HttpRequest) -> list[Any]:
    return list(permissions.writing_organisations(request.user))


@login_required
def experience_new(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request)
    if not organisations:
        raise PermissionDenied(_("You do not write for any organisation."))
    chosen = next((o.pk for o in organisations if o.slug == request.GET.get("organisation")), None)
    form = ExperienceForm(
        request.POST or None,
        organisations=organisations,
        initial={"language": current_language(), "year": timezone.localdate().year, "organisation": chosen},
    )
    if request.method == "POST" and form.is_valid():
        org = next(o for o in organisations if o.pk == form.cleaned_data["organisation"])
        try:
            exp = services.experience_create(actor=request.user, organisation=org, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("The experience is saved as a draft. Submit it when it is ready."))
            return redirect(exp)
    return render(request, "knowledge/experience_form.html", {"form": form, "experience": None})


@login_required
def experience_edit(request: HttpRequest, pk: int) -> HttpResponse:
    exp = _visible(request, pk)
    if not permissions.can_edit_experience(request.user, exp):
        raise PermissionDenied(_("You may not edit this experience."))
    form = ExperienceForm(request.POST or None, organisations=[exp.organisation], initial=experience_initial(exp))
    form.fields["organisation"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.experience_update(actor=request.user, experience=exp, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("The experience is saved."))
            return redirect(exp)
    return render(request, "knowledge/experience_form.html", {"form": form, "experience": exp})


@require_POST
@login_required
def experience_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Submit, publish or return, from the experience's page or the review queue."""
    exp = _visible(request, pk)
    try:
        if step == "submit":
            services.experience_submit(actor=request.user, experience=exp)
            messages.success(request, _("The experience is submitted: the secretariat will review it."))
        elif step == "publish":
            services.experience_publish(actor=request.user, experience=exp)
            messages.success(request, _("The experience is published."))
        elif step == "return":
            services.experience_return(actor=request.user, experience=exp, comment=request.POST.get("comment", ""))
            messages.success(request, _("The experience is returned to its authors with your comment."))
        else:
            raise Http404
    except ValidationError as exc:
        report_errors(request, exc)
    if request.POST.get("next") == "review" and permissions.can_review_experiences(request.user):
        return redirect("knowledge:review")
    return redirect(exp)


@require_POST
@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    exp = _visible(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a file to attach."))
        return redirect(exp)
    upload = form.cleaned_data["file"]
    try:
        services.experience_attach(actor=request.user, experience=exp, filename=upload.name, data=upload_bytes(upload))
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The file is attached."))
    return redirect(exp)


@require_POST
@login_required
def attachment_remove(request: HttpRequest, pk: int, attachment_id: int) -> HttpResponse:
    exp = _visible(request, pk)
    try:
        services.experience_detach(actor=request.user, experience=exp, attachment_id=attachment_id)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The attachment is removed."))
    return redirect(exp)


@login_required
def review(request: HttpRequest) -> HttpResponse:
    if not permissions.can_review_experiences(request.user):
        raise PermissionDenied(_("Only the secretariat reviews experiences."))
    return render(
        request,
        "knowledge/review.html",
        {"cards": [card(e) for e in queries.review_queue()], "return_form": ReturnForm()},
    )


def profile_section(request: HttpRequest, organisation: Any) -> dict[str, Any] | None:
    """An organisation's profile: its newest published experiences (nothing when it has none and the reader cannot
    write for it)."""
    found = list(queries.published_experiences().filter(organisation=organisation)[:6])
    can_write = permissions.can_write_for(request.user, organisation)
    if not found and not can_write:
        return None
    language = current_language()
    return {
        "cards": [card(e, language) for e in found[:5]],
        "more": len(found) > 5,
        "can_write": can_write,
        "write_url": reverse("knowledge:experience_new") + "?organisation=" + organisation.slug,
    }


def account_panel(request: HttpRequest) -> dict[str, Any]:
    user = request.user
    return {
        "writes": bool(permissions.writing_organisation_ids(user)),
        "reviews": permissions.can_review_experiences(user),
    }
