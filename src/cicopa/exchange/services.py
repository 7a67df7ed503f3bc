"""Every write of the exchange's listings: offers and needs, published, changed, paused, closed, and expired
when their dates have passed. Each function checks who may do it, validates everything at once, saves, records the
step in the audit log and tells whom it concerns, in one transaction. Pages, the API, the back office and scheduled
tasks all come through here.

Enquiries, their messages and orders are written by `trade_services.py`, invoices by `invoice_services.py`; what
the three share (reading the values they are given, whether someone may trade for an organisation) is in
`service_inputs.py`."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cicopa.core import audit, versions
from cicopa.core.errors import EditConflict, PermissionDenied, ValidationError
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.models import Country, Sector
from cicopa.exchange import notices, permissions, search
from cicopa.exchange.models import (
    Category,
    Direction,
    Listing,
    ListingKind,
    ListingStatus,
    ListingTranslation,
    Scope,
    Unit,
)
from cicopa.exchange.service_inputs import (
    check_trading_party,
    clean_amount,
    clean_choice,
    clean_currency,
    clean_date,
    clean_decimal,
    clean_reference,
)
from cicopa.registry.models import Organisation

LISTING_FIELDS = (
    "direction",
    "kind",
    "language",
    "title",
    "description",
    "category",
    "sector",
    "quantity",
    "unit",
    "price_minor",
    "currency",
    "country",
    "city",
    "scope",
    "valid_from",
    "valid_until",
)
# What the publisher may do to its listing's status, from which status.
LISTING_STEPS: dict[str, tuple[str, ...]] = {
    ListingStatus.DRAFT: (ListingStatus.PUBLISHED, ListingStatus.CLOSED),
    ListingStatus.PUBLISHED: (ListingStatus.PAUSED, ListingStatus.CLOSED),
    ListingStatus.PAUSED: (ListingStatus.PUBLISHED, ListingStatus.CLOSED),
    ListingStatus.EXPIRED: (ListingStatus.PUBLISHED, ListingStatus.CLOSED),  # after its dates are moved on
    ListingStatus.CLOSED: (),
}


def listing_snapshot(listing: Listing) -> dict[str, Any]:
    """The listing's state as its audit entries and its version see it (a form carries it, see core.versions)."""
    return _snapshot_listing(listing)


def listing_version(listing: Listing) -> str:
    """The listing's version: its ETag in the API, and what listing_update's `based_on` names."""
    return versions.version(_snapshot_listing(listing))


def _snapshot_listing(listing: Listing) -> dict[str, Any]:
    data = audit.snapshot(
        listing,
        [f + "_id" if f in {"category", "sector", "unit", "country"} else f for f in (*LISTING_FIELDS, "status")],
    )
    data["translations"] = (
        {t.language: [t.title, t.description] for t in listing.translations.all().order_by("language")}
        if listing.pk
        else {}
    )
    return data


def _clean_listing(listing: Listing, data: Mapping[str, Any]) -> None:
    """Apply `data` to `listing`, checking every field at once; raises ValidationError with all problems."""
    unknown = set(data) - set(LISTING_FIELDS) - {"translations"}
    if unknown:
        raise ValidationError({f: _("This field cannot be changed here.") for f in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    values = {
        f: getattr(listing, f + "_id" if f in {"category", "sector", "unit", "country"} else f) for f in LISTING_FIELDS
    }
    values.update(data)
    listing.direction = clean_choice(values["direction"], Direction, "direction", errors)
    listing.kind = clean_choice(values["kind"], ListingKind, "kind", errors)
    listing.scope = clean_choice(values["scope"] or Scope.NATIONAL, Scope, "scope", errors)
    if values["language"] not in CONTENT_LANGUAGES:
        errors.setdefault("language", []).append(_("Choose English, French or Spanish."))
    listing.language = str(values["language"] or "")
    listing.title = " ".join(str(values["title"] or "").split())
    listing.description = str(values["description"] or "").strip()
    listing.city = " ".join(str(values["city"] or "").split())
    category = clean_reference(Category, values["category"], "category", _("Unknown category “%(value)s”."), errors)
    if category is None and "category" not in errors:
        errors["category"] = [_("Choose a category.")]
    else:
        listing.category = category
    listing.sector = clean_reference(Sector, values["sector"], "sector", _("Unknown sector “%(value)s”."), errors)
    country = clean_reference(Country, values["country"], "country", _("Unknown country “%(value)s”."), errors)
    if country is None and "country" not in errors:
        errors["country"] = [_("Choose a country.")]
    else:
        listing.country = country
    listing.unit = clean_reference(Unit, values["unit"], "unit", _("Unknown unit “%(value)s”."), errors)
    listing.quantity = clean_decimal(values["quantity"], "quantity", errors)
    if listing.quantity is not None and listing.unit is None and "unit" not in errors:
        errors["unit"] = [_("Give the unit of the quantity.")]
    listing.price_minor = clean_amount(values["price_minor"], "price_minor", errors)
    listing.currency = clean_currency(values["currency"], "currency", errors)
    if listing.price_minor is not None and not listing.currency and "currency" not in errors:
        errors["currency"] = [_("Give the currency of the price.")]
    if listing.price_minor is None:
        listing.currency = listing.currency if listing.currency else ""
    listing.valid_from = clean_date(values["valid_from"], "valid_from", errors) or timezone.localdate()
    listing.valid_until = clean_date(values["valid_until"], "valid_until", errors)
    if listing.valid_until and listing.valid_until < listing.valid_from:
        errors.setdefault("valid_until", []).append(_("A listing cannot end before it starts."))
    if not listing.title:
        errors.setdefault("title", []).append(_("Give the listing a title."))
    try:
        listing.clean_fields(exclude=[f for f in ("organisation", "category", "country") if f not in errors])
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(m for m in messages if m not in errors.get(field, []))
    translations = data.get("translations")
    if translations is not None:
        _check_translations(listing, translations, errors)
    if errors:
        raise ValidationError(errors)


def _check_translations(listing: Listing, translations: Any, errors: dict[str, list[str]]) -> None:
    if not isinstance(translations, Mapping):
        errors.setdefault("translations", []).append(_("Give translations by language."))
        return
    for language, text in translations.items():
        if language not in CONTENT_LANGUAGES or language == listing.language:
            errors.setdefault("translations", []).append(
                _("A translation is into English, French or Spanish, other than the language written in.")
            )
            continue
        if not isinstance(text, Mapping):
            errors.setdefault("translations", []).append(_("Give a title and a description."))
            continue
        row = ListingTranslation(
            listing=listing,
            language=language,
            title=" ".join(str(text.get("title") or "").split()),
            description=str(text.get("description") or "").strip(),
        )
        if not row.title and not row.description:
            continue  # an empty translation: none
        if not row.title:
            errors.setdefault(f"translations.{language}", []).append(_("A translation needs a title."))
        try:
            row.clean_fields(exclude=["listing"])
        except ValidationError as exc:
            for messages in exc.message_dict.values():
                errors.setdefault(f"translations.{language}", []).extend(messages)


def _save_translations(listing: Listing, translations: Mapping[str, Any] | None) -> None:
    if translations is None:
        return
    for language in CONTENT_LANGUAGES:
        text = translations.get(language)
        title = " ".join(str((text or {}).get("title") or "").split())
        description = str((text or {}).get("description") or "").strip()
        if language == listing.language or not (title or description):
            ListingTranslation.objects.filter(listing=listing, language=language).delete()
        else:
            ListingTranslation.objects.update_or_create(
                listing=listing, language=language, defaults={"title": title, "description": description}
            )


def _publishable(listing: Listing) -> None:
    today = timezone.localdate()
    if listing.valid_until is not None and listing.valid_until < today:
        raise ValidationError({"valid_until": _("This listing's validity has ended: move its dates on first.")})


@transaction.atomic
def listing_create(
    *, actor: Any, organisation: Organisation, data: Mapping[str, Any], publish: bool = False
) -> Listing:
    """A new offer or need of `organisation`, as a draft or published at once."""
    check_trading_party(actor, organisation, _("You may not publish listings for this organisation."))
    listing = Listing(organisation=organisation, created_by=actor if getattr(actor, "pk", None) else None)
    defaults = {"country": organisation.country_id, "city": organisation.city, "scope": Scope.NATIONAL}
    _clean_listing(listing, {**{k: v for k, v in defaults.items() if k not in data}, **data})
    if publish:
        _publishable(listing)
        listing.status = ListingStatus.PUBLISHED
        listing.published_at = timezone.now()
    search.fill_columns(listing, data.get("translations"))
    listing.save()
    _save_translations(listing, data.get("translations"))
    audit.record(
        actor=actor,
        action="exchange.listing.create",
        obj=listing,
        changes=audit.diff({}, _snapshot_listing(listing)),
    )
    if listing.status == ListingStatus.PUBLISHED:
        notices.listing_published(listing, actor=actor)
    return listing


@transaction.atomic
def listing_update(*, actor: Any, listing: Listing, data: Mapping[str, Any], based_on: str | None = None) -> Listing:
    """Change a listing. Only the fields in `data` change. With `based_on` (the version the editor read, see
    listing_version), a listing changed since by someone else is not overwritten: EditConflict instead."""
    if not permissions.can_manage_listing(actor, listing):
        raise PermissionDenied(_("You may not edit this listing."))
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    if listing.status == ListingStatus.CLOSED:
        raise ValidationError({"status": _("A closed listing cannot be changed.")})
    before = _snapshot_listing(listing)
    if based_on is not None and based_on != versions.version(before):
        raise EditConflict(
            _("Someone else changed this listing after you opened it; your changes were not saved."),
            current=versions.version(before),
        )
    _clean_listing(listing, data)
    translations = data.get("translations")
    if translations is None:
        translations = {
            t.language: {"title": t.title, "description": t.description} for t in listing.translations.all()
        }
    search.fill_columns(listing, translations)
    listing.save()
    _save_translations(listing, data.get("translations"))
    changes = audit.diff(before, _snapshot_listing(listing))
    if changes:
        audit.record(actor=actor, action="exchange.listing.update", obj=listing, changes=changes)
    return listing


@transaction.atomic
def listing_set_status(*, actor: Any, listing: Listing, status: str) -> Listing:
    """Publish, pause, reopen or close a listing (the secretariat may pause or close any)."""
    listing = Listing.objects.select_for_update().get(pk=listing.pk)
    publisher = permissions.can_manage_listing(actor, listing)
    if not publisher and not (
        permissions.can_moderate_listing(actor, listing) and status in (ListingStatus.PAUSED, ListingStatus.CLOSED)
    ):
        raise PermissionDenied(_("You may not change this listing."))
    if status not in LISTING_STEPS.get(listing.status, ()):
        raise ValidationError(
            {
                "status": _("A listing that is %(current)s cannot become %(new)s.")
                % {"current": listing.get_status_display().lower(), "new": _status_label(ListingStatus, status)}
            }
        )
    if status == ListingStatus.PUBLISHED:
        _publishable(listing)
    before = listing.status
    listing.status = status
    first_publication = status == ListingStatus.PUBLISHED and listing.published_at is None
    if status == ListingStatus.PUBLISHED:
        listing.published_at = listing.published_at or timezone.now()
    search.fill_columns(listing, None)
    listing.save()
    audit.record(actor=actor, action="exchange.listing.status", obj=listing, changes={"status": [before, status]})
    if first_publication:
        notices.listing_published(listing, actor=actor)
    return listing


def _status_label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value)).lower()


def expire_listings(*, today: datetime.date | None = None) -> int:
    """Published and paused listings whose validity ended before `today` become expired (a scheduled task)."""
    today = today or timezone.localdate()
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                Listing.objects.select_for_update()
                .filter(status__in=(ListingStatus.PUBLISHED, ListingStatus.PAUSED), valid_until__lt=today)
                .order_by("pk")[:500]
            )
            if not batch:
                return expired
            for listing in batch:
                previous = listing.status
                listing.status = ListingStatus.EXPIRED
                search.fill_columns(listing, None)
                listing.save(update_fields=["status", "search_tags", "updated_at"])
                audit.record(
                    actor=None,
                    action="exchange.listing.expire",
                    obj=listing,
                    changes={"status": [previous, ListingStatus.EXPIRED]},
                )
            expired += len(batch)
