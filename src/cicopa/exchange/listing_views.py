"""Pages of offers and needs: the directory, a listing, the form that writes one, an organisation's own listings
and their matches. Thin: parse the request, call a query or a service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from cicopa.core import audit, money, pagecache, versions
from cicopa.core import queries as core_queries
from cicopa.core.errors import EditConflict, PermissionDenied, report_errors
from cicopa.core.i18n import current_language, region_tree
from cicopa.core.names import language_name
from cicopa.exchange import listing_queries, match_queries, permissions, queries, services
from cicopa.exchange.forms import (
    EnquiryForm,
    ListingForm,
    ListingSearchForm,
    OrganisationChoiceForm,
    StatusForm,
    currency_of,
    format_quantity,
    listing_initial,
)
from cicopa.exchange.models import Direction, Listing, ListingStatus
from cicopa.registry.models import Organisation

# ---------------------------------------------------------------------------------------------------------------
# How a listing reads: in the reader's language where it has a translation, its price, its matches' reasons


def card(listing: Listing, language: str | None = None) -> dict[str, Any]:
    """What a listing's card and page show of it, for the reader of `language`."""
    language = language or current_language()
    title, description, shown_in = listing.text_in(language)
    return {
        "listing": listing,
        "title": title,
        "description": description,
        "shown_in": shown_in,
        "foreign": shown_in != language,  # no translation in the reader's language: the original, marked
        "written_in": language_name(shown_in),
        "price": price_text(listing, language),
        "quantity": quantity_text(listing, language),
    }


def quantity_text(listing: Listing, language: str) -> str:
    """ "100 kg"; a unit without a symbol after a multiplication sign, as it has no plural to write it with; or ""."""
    if listing.quantity is None:
        return ""
    number = format_quantity(listing.quantity, language)
    if listing.unit is None:
        return number
    return f"{number} {listing.unit.symbol}" if listing.unit.symbol else f"{number} \u00d7 {listing.unit.name}"


def price_text(listing: Listing, language: str) -> str:
    """ "€250.00 per piece", "€250.00", or "" when no price is given."""
    if listing.price_minor is None or not listing.currency:
        return ""
    amount = money.format_money(listing.price_minor, listing.currency, language)
    if listing.unit_id:
        return _("%(price)s per %(unit)s") % {"price": amount, "unit": listing.unit.name if listing.unit else ""}
    return amount


def reason_texts(match: match_queries.Match, names: dict[str, dict[str, str]], categories: dict[str, Any]) -> list[str]:
    """Why two listings match, each reason in the reader's words (matching.Score.reasons holds codes)."""
    out = []
    for code, value in match.score.reasons:
        if code in ("division", "section"):
            category = categories.get(value)
            label = category.label() if category else value
            out.append(
                _("Same category: %(category)s") % {"category": label}
                if code == "division"
                else _("Same section of products: %(category)s") % {"category": label}
            )
        elif code == "words":
            out.append(_("Words in common: %(words)s") % {"words": value})
        elif code == "town":
            out.append(_("Same town: %(town)s") % {"town": match.listing.city})
        elif code == "country":
            out.append(_("Same country: %(country)s") % {"country": names["country"].get(value, value)})
        elif code == "region":
            out.append(_("Same region: %(region)s") % {"region": names["region"].get(value, value)})
        elif code == "scope":
            out.append(_("Both reach across borders"))
        elif code == "dates":
            out.append(_("Dates overlap"))
        elif code == "quantity":
            out.append(_("Covers the quantity needed"))
        elif code == "part_quantity":
            out.append(_("Covers part of the quantity needed"))
    return out


def _match_rows(matches: list[match_queries.Match], language: str, lookups: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            **card(m.listing, language),
            "score": round(m.score.total),
            "reasons": reason_texts(m, lookups["names"], lookups["categories"]),
        }
        for m in matches
    ]


def _match_lookups() -> dict[str, Any]:
    return {"names": core_queries.names_by_code(), "categories": listing_queries.categories_by_code()}


def _status_actions(user: Any, listing: Listing) -> list[dict[str, str]]:
    """The status buttons `user` is offered on `listing`: the publisher's steps, or the secretariat's pause and
    close (services.listing_set_status decides)."""
    labels: dict[str, str] = {
        ListingStatus.PUBLISHED: _("Publish again") if listing.published_at else _("Publish"),
        ListingStatus.PAUSED: _("Pause"),
        ListingStatus.CLOSED: _("Close"),
    }
    steps = services.LISTING_STEPS.get(listing.status, ())
    if not permissions.can_manage_listing(user, listing):
        if not permissions.can_moderate_listing(user, listing):
            return []
        steps = tuple(s for s in steps if s in (ListingStatus.PAUSED, ListingStatus.CLOSED))
    return [{"status": s, "label": labels[s]} for s in steps if s in labels]


def _safe_next(request: HttpRequest, url: str, default: str) -> str:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=False):
        return url
    return default


def _visible_listing(request: HttpRequest, pk: int) -> Listing:
    """The listing, or a 404 for those who may not see it (a draft is nobody's business but its publisher's)."""
    try:
        listing = listing_queries.listing_for_page(pk)
    except Listing.DoesNotExist:
        raise Http404 from None
    if not permissions.can_see_listing(request.user, listing):
        raise Http404
    return listing


# ---------------------------------------------------------------------------------------------------------------
# The directory


def _search(request: HttpRequest, form: ListingSearchForm) -> Any:
    """The directory's search. Best match and newest first read the full-text index (exchange.queries: bounded
    work at any size); the two other orders and one publisher's listings are a plain filter of the open listings
    (listing_queries), which the index's orders do not give."""
    values = form.values()
    names = ("direction", "kind", "category", "sector", "country", "scope")
    sort = values.get("sort") or ""
    if sort in ("", "relevance", "newest") and not values.get("organisation"):
        chosen: dict[str, Any] = {name: (values[name],) for name in names if values.get(name)}
        filters = queries.ListingFilters(**chosen, region=values.get("region") or "", status=(ListingStatus.PUBLISHED,))
        return queries.search_listings(
            request.user,
            q=values.get("q") or "",
            filters=filters,
            page=values.get("page") or 1,
            sort=sort,
            facets=True,
        )
    return listing_queries.search_listings(
        request.user,
        q=values.get("q") or "",
        filters=listing_queries.ListingFilters(**{name: values.get(name) or "" for name in (*names, "organisation")}),
        page=values.get("page") or 1,
        sort=sort,
    )


# The facets shown as links that add a filter, each with its count (the index path counts them).
FACET_FILTERS = {
    "direction": "direction",
    "kind": "kind",
    "section": "category",
    "scope": "scope",
    "country": "country",
}


def _facet_links(page: Any, query: Any) -> list[dict[str, Any]]:
    facets = getattr(page, "facets", None)
    if not facets:
        return []
    out = []
    labels = {
        "direction": _("Offer or need"),
        "kind": _("Kind"),
        "section": _("Category"),
        "scope": _("Delivery scope"),
        "country": _("Country"),
    }
    for name, values in facets.groups.items():
        field = FACET_FILTERS.get(name)
        if not field or query.get(field) or len(values) < 2:
            continue  # a filter in use, or nothing to choose between
        links = []
        for value, label, count in values[:8]:
            params = query.copy()
            params[field] = value
            links.append({"label": label, "count": count, "query": params.urlencode()})
        out.append({"name": labels[name], "links": links})
    return out


@require_GET
# The results alone for htmx's requests, the whole page otherwise (and for its history restores).
@pagecache.public(vary=("HX-Request", "HX-History-Restore-Request"))
def listings(request: HttpRequest) -> HttpResponse:
    form = ListingSearchForm(
        request.GET or None,
        categories=listing_queries.category_groups(),
        sectors=core_queries.sectors(),
        countries=core_queries.countries(),
        regions=region_tree(core_queries.regions()),
    )
    form.is_valid()
    page = _search(request, form)
    language = current_language()
    query = request.GET.copy()
    query.pop("page", None)
    for key in form.errors:
        query.pop(key, None)
    for key in [k for k, v in query.items() if not v]:
        query.pop(key)  # links to other pages go without the empty fields of the form
    publisher = None
    if form.values().get("organisation"):
        publisher = Organisation.objects.filter(slug=form.values()["organisation"]).only("name", "slug").first()
    context = {
        "form": form,
        "page": page,
        "cards": [card(listing, language) for listing in page.items],
        "query": query.urlencode(),
        "publisher": publisher,
        "filtered": any(
            form.values().get(k) for k in ("q", "direction", "kind", "category", "sector", "region", "country", "scope")
        ),
        "facets": _facet_links(page, query),
        "can_publish": bool(permissions.trading_organisation_ids(request.user)),
    }
    fragment = request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request")
    return render(request, "exchange/_listing_results.html" if fragment else "exchange/listings.html", context)


# ---------------------------------------------------------------------------------------------------------------
# A listing


@require_GET
@pagecache.public
def listing(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_listing(request, pk)
    language = current_language()
    user = request.user
    manages = permissions.can_manage_listing(user, item)
    context: dict[str, Any] = {
        **card(item, language),
        "org": item.organisation,
        "versions": [
            {"language": code, "name": language_name(code), "title": t, "description": d, "original": o}
            for code, t, d, o in [(item.language, item.title, item.description, True)]
            + [(tr.language, tr.title, tr.description, False) for tr in item.translations.all()]
        ],
        "manages": manages,
        "status_actions": _status_actions(user, item),
        "can_edit": manages and item.status != ListingStatus.CLOSED,
        "matches": [],
        "enquiry_form": None,
    }
    if manages and item.status == ListingStatus.PUBLISHED:
        context["matches"] = _match_rows(match_queries.matches_for(item, limit=10), language, _match_lookups())
    if not manages and item.status == ListingStatus.PUBLISHED:
        traders = [o for o in listing_queries.trading_organisations(user) if o.pk != item.organisation_id]
        if traders:
            context["enquiry_form"] = EnquiryForm(organisations=traders)
        context["trades"] = bool(traders)
    return render(request, "exchange/listing.html", context)


def _form(request: HttpRequest, *, initial: dict[str, Any] | None = None) -> ListingForm:
    return ListingForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        categories=listing_queries.category_groups(),
        sectors=core_queries.sectors(),
        countries=core_queries.countries(),
        units=listing_queries.units(),
        language=current_language(),
    )


@login_required
def listing_new(request: HttpRequest) -> HttpResponse:
    organisations = listing_queries.trading_organisations(request.user)
    if not organisations:
        raise PermissionDenied(_("You do not act for any organisation."))
    slug = request.POST.get("organisation") or request.GET.get("organisation") or ""
    organisation = next((o for o in organisations if o.slug == slug), None)
    if slug and organisation is None:
        raise PermissionDenied(_("You may not publish listings for this organisation."))
    if organisation is None and len(organisations) == 1:
        organisation = organisations[0]
    if organisation is None:
        # Several organisations and none chosen: which one publishes?
        choice = OrganisationChoiceForm(organisations=organisations, initial={"organisation": slug})
        return render(request, "exchange/listing_form.html", {"choose": choice, "listing": None})
    form = _form(
        request,
        initial={
            "direction": request.GET.get("direction") if request.GET.get("direction") in Direction.values else "",
            "language": current_language(),
            "country": organisation.country_id,
            "city": organisation.city,
            "currency": currency_of(organisation.country_id),
            "scope": "national",
            "kind": "goods",
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            item = services.listing_create(
                actor=request.user,
                organisation=organisation,
                data=form.service_data(),
                publish="publish" in request.POST,
            )
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(
                request,
                _("Your listing is published.") if item.is_open else _("Your listing is saved as a draft."),
            )
            return redirect(item)
    return render(request, "exchange/listing_form.html", {"form": form, "organisation": organisation, "listing": None})


@login_required
def listing_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_listing(request, pk)
    if not permissions.can_manage_listing(request.user, item):
        raise PermissionDenied(_("You may not edit this listing."))
    if item.status == ListingStatus.CLOSED:
        messages.error(request, _("A closed listing cannot be changed."))
        return redirect(item)
    form = _form(request, initial=listing_initial(item, current_language()))
    # The listing as the editor first saw it travels with the form: a save never undoes, unseen, what someone
    # else of the organisation saved meanwhile.
    started = versions.editing_state(request.POST.get("editing_from")) if request.method == "POST" else None
    started = started or services.listing_snapshot(item)
    changed_meanwhile: list[str] = []
    if request.method == "POST" and form.is_valid():
        publish = "publish" in request.POST and item.status != ListingStatus.PUBLISHED
        try:
            with transaction.atomic():  # saved and published together, or neither
                item = services.listing_update(
                    actor=request.user, listing=item, data=form.service_data(), based_on=versions.version(started)
                )
                if publish:
                    item = services.listing_set_status(actor=request.user, listing=item, status=ListingStatus.PUBLISHED)
        except EditConflict:
            now = services.listing_snapshot(Listing.objects.get(pk=item.pk))
            changed_meanwhile = _changed_fields(form, started, now)
            started = now  # saving again, after seeing what changed, is a choice made knowingly
        except ValidationError as exc:
            form.add_service_errors(exc.message_dict)
        else:
            messages.success(request, _("Your listing is published.") if publish else _("Your changes were saved."))
            return redirect(item)
    context = {
        "form": form,
        "organisation": item.organisation,
        "listing": item,
        "editing_from": versions.editing_token(started),
        "changed_meanwhile": changed_meanwhile,
    }
    return render(request, "exchange/listing_form.html", context)


def _changed_fields(form: ListingForm, before: dict[str, Any], now: dict[str, Any]) -> list[str]:
    """The labels of the listing's fields that changed between two snapshots, in the form's order."""
    changed = {key.removesuffix("_id").removesuffix("_minor") for key in audit.diff(before, now)}
    labels = [str(field.label) for name, field in form.fields.items() if name in changed]
    if "translations" in changed:
        labels.append(str(_("Translations")))
    if "status" in changed:
        labels.append(str(_("Status")))
    return labels


@login_required
@require_POST
def listing_status(request: HttpRequest, pk: int) -> HttpResponse:
    item = _visible_listing(request, pk)
    form = StatusForm(request.POST)
    back = _safe_next(request, request.POST.get("next", ""), item.get_absolute_url())
    if not form.is_valid():
        messages.error(request, _("Choose what to do with the listing."))
        return redirect(back)
    try:
        item = services.listing_set_status(actor=request.user, listing=item, status=form.cleaned_data["status"])
    except ValidationError as exc:
        report_errors(request, exc)
    else:
        done: dict[str, str] = {
            ListingStatus.PUBLISHED: _("The listing is published."),
            ListingStatus.PAUSED: _(
                "The listing is paused: nobody but your organisation sees it until you publish it again."
            ),
            ListingStatus.CLOSED: _("The listing is closed."),
        }
        messages.success(request, done.get(item.status, _("Your changes were saved.")))
    return redirect(back)


# ---------------------------------------------------------------------------------------------------------------
# Our listings, and their matches


@login_required
def my_listings(request: HttpRequest) -> HttpResponse:
    organisations = listing_queries.trading_organisations(request.user)
    ids = [o.pk for o in organisations]
    paginator = Paginator(listing_queries.listings_of(ids), 50)
    page = paginator.get_page(request.GET.get("page"))
    language = current_language()
    rows = [
        {
            **card(item, language),
            "actions": _status_actions(request.user, item),
            "editable": item.status != ListingStatus.CLOSED,
        }
        for item in page.object_list
    ]
    context = {
        "organisations": organisations,
        "several": len(organisations) > 1,
        "rows": rows,
        "page": page,
        "counts": _counts(ids),
    }
    return render(request, "exchange/my_listings.html", context)


def _counts(ids: list[int] | set[int]) -> list[dict[str, Any]]:
    """How many listings of these organisations are in each status, in the order of the statuses."""
    found = listing_queries.status_counts(ids) if ids else {}
    return [{"status": s, "label": label, "n": found[s]} for s, label in ListingStatus.choices if found.get(s)]


@login_required
def matches(request: HttpRequest) -> HttpResponse:
    organisations = listing_queries.trading_organisations(request.user)
    language = current_language()
    lookups = _match_lookups()
    groups = [
        {**card(own, language), "matches": _match_rows(found, language, lookups)}
        for own, found in match_queries.matches_of_organisation([o.pk for o in organisations])
    ]
    return render(
        request,
        "exchange/matches.html",
        {"groups": groups, "organisations": organisations, "several": len(organisations) > 1},
    )


# ---------------------------------------------------------------------------------------------------------------
# What the exchange adds to shared pages (core.extensions)


def account_panel(request: HttpRequest) -> dict[str, Any]:
    """The account page's exchange panel: links to the trade of the organisations the user acts for."""
    ids = permissions.trading_organisation_ids(request.user)
    return {"organisations": len(ids), "counts": _counts(ids)}


def profile_section(request: HttpRequest, organisation: Organisation) -> dict[str, Any] | None:
    """An organisation's profile: its open offers and needs (nothing when it has none and the reader cannot
    publish for it)."""
    found, total = listing_queries.open_listings_of(organisation)
    can_publish = permissions.can_act_for(request.user, organisation)
    if not found and not can_publish:
        return None
    language = current_language()
    return {
        "cards": [card(item, language) for item in found],
        "total": total,
        "can_publish": can_publish,
        "all_url": reverse("exchange:listings") + "?organisation=" + organisation.slug,
        "publish_url": reverse("exchange:listing_new") + "?organisation=" + organisation.slug,
    }
