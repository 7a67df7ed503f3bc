"""Pages of recommendations: the public list and a recommendation's page (with, for the officers of a recipient
organisation, its response and the form that records the next step), the secretariat's form, issuing and
circulation, and the adoption dashboard with its downloads. Thin: parse the request, call a query or a service,
render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cicopa.core import charts, exports, formats, worldmap
from cicopa.core.errors import PermissionDenied, report_errors
from cicopa.core.i18n import chart_texts, current_language
from cicopa.core.names import language_name
from cicopa.knowledge import recommendation_permissions as permissions
from cicopa.knowledge import recommendation_queries as queries
from cicopa.knowledge import recommendation_responses as responses
from cicopa.knowledge import recommendation_services as services
from cicopa.knowledge.models import Recipient, Recommendation, Response, ResponseStatus
from cicopa.knowledge.recommendation_forms import (
    CirculateForm,
    RecommendationForm,
    ResponseForm,
    recommendation_initial,
)
from cicopa.knowledge.views import card, document_download, upload_bytes


def _visible(request: HttpRequest, pk: int) -> Recommendation:
    rec = queries.recommendation_for(request.user, pk)
    if rec is None:
        raise Http404
    return rec


def recommendations(request: HttpRequest) -> HttpResponse:
    manages = permissions.can_manage_recommendations(request.user)
    qs = queries.with_details(permissions.visible_recommendations(request.user)).order_by("status", "-issued_at", "-id")
    language = current_language()
    mine = permissions.responding_organisation_ids(request.user)
    awaited = set(
        Recipient.objects.filter(organisation_id__in=mine, status=ResponseStatus.RECEIVED).values_list(
            "recommendation_id", flat=True
        )
        if mine
        else []
    )
    return render(
        request,
        "knowledge/recommendation_list.html",
        {"items": [(r, r.text(language), r.pk in awaited) for r in qs], "manages": manages},
    )


def recommendation(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    user = request.user
    language = current_language()
    shown = rec.text(language)
    own = []
    for r in queries.own_recipients(user, rec):
        form = ResponseForm(prefix=f"org{r.organisation_id}")
        own.append({"recipient": r, "history": list(r.responses.all()), "form": form})
    return render(
        request,
        "knowledge/recommendation.html",
        {
            "rec": rec,
            "shown": shown,
            "experiences": [card(e, language) for e in rec.experiences.all()],
            "studies": list(rec.studies.all()),
            "own": own,
            "manages": permissions.can_manage_recommendations(user),
            "sees_adoption": permissions.can_see_adoption(user, rec),
            "circulations": list(rec.circulations.all()) if permissions.can_manage_recommendations(user) else [],
            "recipient_count": rec.recipients.count(),
            "other_languages": [
                (language_name(t.language), t) for t in rec.texts.all() if shown is None or t.language != shown.language
            ],
        },
    )


def _manager(request: HttpRequest) -> None:
    if not permissions.can_manage_recommendations(request.user):
        raise PermissionDenied(_("Only the secretariat writes, issues and circulates recommendations."))


@login_required
def recommendation_new(request: HttpRequest) -> HttpResponse:
    _manager(request)
    form = RecommendationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rec = services.recommendation_create(actor=request.user, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(
                request, _("The recommendation is saved as a draft. Issue it when its three texts are ready.")
            )
            return redirect(rec)
    return render(request, "knowledge/recommendation_form.html", {"form": form, "rec": None})


@login_required
def recommendation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    rec = _visible(request, pk)
    form = RecommendationForm(request.POST or None, initial=recommendation_initial(rec))
    if request.method == "POST" and form.is_valid():
        try:
            services.recommendation_update(actor=request.user, recommendation=rec, data=form.service_data())
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("The recommendation is saved."))
            return redirect(rec)
    return render(request, "knowledge/recommendation_form.html", {"form": form, "rec": rec})


@require_POST
@login_required
def recommendation_issue(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    try:
        services.recommendation_issue(actor=request.user, recommendation=rec)
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The recommendation is issued: everyone can read it. Circulate it now."))
    return redirect(rec)


@login_required
def recommendation_circulate(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    rec = _visible(request, pk)
    form = CirculateForm(request.POST or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        scope, codes = form.audience()
        try:
            if request.POST.get("confirm"):
                circulation = services.recommendation_circulate(
                    actor=request.user, recommendation=rec, scope=scope, codes=codes
                )
                messages.success(
                    request,
                    _("The recommendation is sent to %(n)s more member organisations.")
                    % {"n": formats.format_number(circulation.added)},
                )
                return redirect(rec)
            reached, new = services.audience_count(rec, scope, codes)
            preview = {"reached": reached, "new": new}
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    form.add_error(None, error)
    return render(
        request,
        "knowledge/recommendation_circulate.html",
        {"rec": rec, "form": form, "preview": preview, "issued": rec.is_issued},
    )


@require_POST
@login_required
def recommendation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    rec = _visible(request, pk)
    org_id = str(request.POST.get("organisation", ""))
    recipient = (
        Recipient.objects.filter(recommendation=rec, organisation_id=int(org_id)).first()
        if org_id.isdigit() and len(org_id) < 18
        else None
    )
    if recipient is None:
        raise Http404
    if not permissions.can_respond_for(request.user, recipient):
        raise PermissionDenied(_("You may not record the response of this organisation."))
    form = ResponseForm(request.POST, request.FILES, prefix=f"org{recipient.organisation_id}")
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect(rec)
    upload = form.cleaned_data.get("file")
    data = upload_bytes(upload) if upload is not None else None
    try:
        responses.response_record(
            actor=request.user,
            recipient=recipient,
            status=form.cleaned_data["status"],
            comment=form.cleaned_data["comment"],
            evidence_url=form.cleaned_data["evidence_url"],
            filename=upload.name if upload is not None else "",
            data=data,
        )
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("Your organisation's response is recorded."))
    return redirect(reverse("knowledge:recommendation", args=[rec.pk]) + "#our-response")


@login_required
def recommendation_evidence(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    """A document given as evidence: to the secretariat, the recipient's officers and those who see the adoption."""
    rec = _visible(request, pk)
    found = Response.objects.filter(pk=response_id, recipient__recommendation=rec).exclude(evidence_filename="").first()
    if found is None:
        raise Http404
    if not (
        permissions.can_see_adoption(request.user, rec) or permissions.can_respond_for(request.user, found.recipient)
    ):
        raise Http404
    return document_download(found.evidence_data or b"", found.evidence_filename, found.evidence_media_type)


# --- The adoption dashboard ---------------------------------------------------------------------------------------

DOWNLOAD_COLUMNS = ("organisation", "country", "region", "status", "date", "comment", "evidence")


def _percent(v: float) -> str:
    return formats.format_number(v * 100, digits=0, trim=True) + " %"


def _count(v: float) -> str:
    return formats.format_number(v, digits=0, trim=True)


def adoption_rows(figures: queries.Adoption, request: HttpRequest | None = None) -> list[dict[str, Any]]:
    """One row per recipient, as the downloads write it."""
    out = []
    for row in figures.rows:
        evidence = row["evidence_url"]
        if row["evidence_file"] is not None and not evidence:
            path = row["evidence_file"].get_evidence_url()
            evidence = request.build_absolute_uri(path) if request is not None else path
        out.append(
            {
                "organisation": row["organisation"],
                "country": row["country"],
                "region": row["region"],
                "status": row["status_label"],
                "date": row["date"].isoformat(),
                "comment": row["comment"],
                "evidence": evidence,
            }
        )
    return out


@login_required
@exports.download
def recommendation_adoption(request: HttpRequest, pk: int) -> HttpResponseBase:
    rec = _visible(request, pk)
    if not permissions.can_see_adoption(request.user, rec):
        raise PermissionDenied(_("The adoption of recommendations is for the secretariat and member organisations."))
    figures = queries.adoption(rec)
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        return exports.table_response(
            adoption_rows(figures, request), DOWNLOAD_COLUMNS, fmt, f"adoption-{rec.reference}"
        )
    labels = dict(ResponseStatus.choices)
    status_chart = charts.bar_chart(
        [charts.Bar(row["label"], row["count"]) for row in figures.by_status],
        title=_("Responses by status"),
        description=_("How many member organisations are at each status; the same figures are in the table."),
        value_label=_("Organisations"),
        texts=chart_texts(),
        number_format=_count,
    )
    answered_share = [
        charts.Bar(g["name"], g["answered"] / g["total"] * 100 if g["total"] else 0) for g in figures.by_region
    ]
    region_chart = charts.bar_chart(
        answered_share,
        title=_("Share that answered, by region"),
        description=_("The share of the recipients of each region that have answered; the table has the counts."),
        value_label=_("Answered (%)"),
        texts=chart_texts(),
        number_format=lambda v: formats.format_number(v, digits=0, trim=True) + " %",
    )
    country_names = {row["country_code"]: row["country"] for row in figures.rows}

    def map_label(iso: str, _value: float) -> str:
        entry = figures.by_country[iso]
        parts = ", ".join(f"{labels[s]}: {n}" for s, n in entry["counts"].items() if n)
        return f"{country_names.get(iso, iso)} — {parts}"

    map_svg = worldmap.render_map(
        markers=[],
        shading={iso: max(e["answered"] / e["total"], 0.001) for iso, e in figures.by_country.items()},
        shading_label=map_label,
        title=_("Responses by country"),
        description=_(
            "Countries of the recipients, shaded by the share of their member organisations that have answered; "
            "darker means more have answered. The table below has every response."
        ),
    )
    return render(
        request,
        "knowledge/recommendation_adoption.html",
        {
            "rec": rec,
            "shown": rec.text(current_language()),
            "figures": figures,
            "statuses": [(s, labels[s]) for s in queries.STATUSES],
            "status_chart": status_chart,
            "region_chart": region_chart,
            "map_svg": map_svg,
            "over_time": [{**p, "segments": _segments(p)} for p in figures.over_time],
            "answered": figures.total - len(figures.not_answered),
        },
    )


def _segments(period: dict[str, Any]) -> list[dict[str, Any]]:
    """A period's stacked bar: one segment per status, in percent of the width."""
    out, x = [], 0.0
    for status, n in period["counts"].items():
        if n and period["total"]:
            width = n / period["total"] * 100
            out.append({"status": status, "x": f"{x:.2f}", "width": f"{width:.2f}"})
            x += width
    return out


def adoption_figures(figures: queries.Adoption) -> dict[str, Any]:
    """The dashboard's figures as the API gives them."""
    return {
        "total": figures.total,
        "by_status": [{k: v for k, v in row.items() if k != "label"} for row in figures.by_status],
        "by_region": [
            {"region": g["code"], "name": g["name"], "total": g["total"], "counts": g["counts"]}
            for g in figures.by_region
        ],
        "period": figures.period,
        "over_time": [
            {"date": p["date"].isoformat(), "total": p["total"], "counts": p["counts"]} for p in figures.over_time
        ],
        "by_country": {
            iso: {"total": e["total"], "answered": e["answered"], "counts": dict(e["counts"])}
            for iso, e in figures.by_country.items()
        },
        "not_answered": [
            {"organisation": r.organisation.slug, "name": r.organisation.name, "country": r.organisation.country_id}
            for r in figures.not_answered
        ],
    }
