"""Forms of the listing pages. They read what a person typed (a price as "250,00" in French through core.money, a
quantity, a date) and check its shape; the services decide whether it may be saved, and their errors are shown
beside the fields."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import get_decimal_symbol, get_group_symbol, get_territory_currencies
from django import forms
from django.utils.translation import gettext_lazy as _

from cicopa.core import formats, money
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.names import language_name
from cicopa.exchange.listing_queries import SORTS, CategoryGroup
from cicopa.exchange.models import Direction, ListingKind, ListingStatus, Scope

# ---------------------------------------------------------------------------------------------------------------
# Quantities and amounts as people type them

_NUMBER_CHARS = re.compile(r"^[0-9.,]+$")


class NumberError(ValueError):
    pass


def parse_number(text: str, language: str) -> Decimal:
    """A number as a reader of `language` types it: "1 250,5" or "1250.5" in French, "1.250,5" in Spanish,
    "1,250.5" in English. Spaces are thousands separators; of "," and ".", the language's decimal sign is a decimal
    point, and so is the other one unless it groups thousands ("1.250" in Spanish is a thousand two hundred and
    fifty, "12.5" a decimal number)."""
    s = "".join(ch for ch in str(text) if not ch.isspace() and ch not in "'\u2019")  # Swiss: 1'250
    if not s or not _NUMBER_CHARS.match(s) or not any(ch.isdigit() for ch in s):
        raise NumberError(text)
    decimal_sign, group_sign = get_decimal_symbol(language), get_group_symbol(language)
    separators = [(i, ch) for i, ch in enumerate(s) if ch in ".,"]
    if not separators:
        whole, fraction = s, ""
    else:
        last_at, last = separators[-1]
        tail = s[last_at + 1 :]
        grouping = last != decimal_sign and (
            sum(1 for _i, ch in separators if ch == last) > 1 or (last == group_sign and len(tail) == 3)
        )
        if grouping:
            whole, fraction, group = s, "", last
        else:
            whole, fraction, group = s[:last_at], tail, "." if last == "," else ","
        groups = whole.split(group)
        # Thousands come in threes after the first group: "1.250.000", never "1.2.3" or "12,50,0".
        if any("." in g or "," in g for g in groups) or (
            len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:]))
        ):
            raise NumberError(text)
        whole = "".join(groups)
    try:
        return Decimal(f"{whole or '0'}.{fraction or '0'}")
    except InvalidOperation as exc:  # pragma: no cover - the characters were checked above
        raise NumberError(text) from exc


def format_quantity(quantity: Decimal, language: str) -> str:
    return formats.format_number(quantity.normalize(), language)


def currency_of(country: str | None) -> str:
    """The currency a country uses today ("" when unknown)."""
    if not country:
        return ""
    codes = [code for code in get_territory_currencies(country) if money.is_known_currency(code)]
    return codes[0] if codes else ""


def price_initial(minor: int, currency: str, language: str) -> str:
    """A price as its form shows it: major units with the currency's decimals, as the reader writes them."""
    return formats.format_number(
        money.minor_to_decimal(minor, currency), language, digits=money.currency_digits(currency)
    )


# ---------------------------------------------------------------------------------------------------------------
# The directory's filters


def category_choices(groups: list[CategoryGroup], *, whole_section: Any) -> list[Any]:
    """A CPC select's choices: one group per section, the section itself first, then its divisions."""
    return [
        (
            group.section.label(),
            [(group.section.code, whole_section % {"section": group.section.label()})]
            + [(d.code, d.label()) for d in group.divisions],
        )
        for group in groups
    ]


class ListingSearchForm(forms.Form):
    """The directory's search and filters (every one optional; a value it does not know is an error, shown)."""

    q = forms.CharField(label=_("Search offers and needs"), max_length=200, required=False)
    direction = forms.ChoiceField(
        label=_("Offers or needs"),
        required=False,
        choices=[("", _("Offers and needs")), (Direction.OFFER, _("Offers")), (Direction.NEED, _("Needs"))],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    region = forms.ChoiceField(label=_("Region"), required=False)
    country = forms.ChoiceField(label=_("Country"), required=False)
    scope = forms.ChoiceField(label=_("Delivery scope"), required=False)
    organisation = forms.SlugField(required=False, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("best match, or newest first")),
            ("newest", _("newest first")),
            ("ending", _("ending soonest")),
            ("title", _("title, A to Z")),
        ],
    )
    page = forms.IntegerField(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)

    def __init__(
        self,
        *args: Any,
        categories: list[CategoryGroup],
        sectors: Any,
        countries: Any,
        regions: Any = (),
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", _("All regions"))] + [(r.m49, r.label) for r in regions]  # type: ignore[attr-defined]
        self.fields["kind"].choices = [("", _("All kinds")), *ListingKind.choices]  # type: ignore[attr-defined]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("All categories")),
            *category_choices(categories, whole_section=_("%(section)s — all divisions")),
        ]
        self.fields["sector"].choices = [("", _("All sectors"))] + [(s.code, s.name) for s in sectors]  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("All countries"))] + [(c.iso2, c.name) for c in countries]  # type: ignore[attr-defined]
        self.fields["scope"].choices = [("", _("Any scope")), *Scope.choices]  # type: ignore[attr-defined]
        for name in ("kind", "category", "sector", "region", "country", "scope", "direction", "sort"):
            self.fields[name].widget.attrs["autocomplete"] = "off"
        assert set(dict(self.fields["sort"].choices)) == {"", *SORTS}  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        """The filters that could be read (a wrong one left out, the rest kept)."""
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors}


# ---------------------------------------------------------------------------------------------------------------
# A listing


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")


def translation_field(language: str, part: str) -> str:
    return f"tr_{language}_{part}"


class ListingForm(forms.Form):
    """An offer or a need as its publisher writes it, with its translations into the other languages."""

    direction = forms.ChoiceField(label=_("Offer or need"), choices=Direction.choices, widget=forms.RadioSelect)
    kind = forms.ChoiceField(label=_("Kind"), choices=ListingKind.choices)
    language = forms.ChoiceField(label=_("Written in"), help_text=_("The language of the title and description below."))
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), max_length=5_000, required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    category = forms.ChoiceField(
        label=_("Category (UN CPC)"),
        help_text=_("Matching compares categories, so choose the closest division."),
    )
    sector = forms.ChoiceField(label=_("Sector"), required=False)
    quantity = forms.CharField(label=_("Quantity"), max_length=30, required=False)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    price = forms.CharField(
        label=_("Price per unit"),
        max_length=30,
        required=False,
        help_text=_("Leave empty for “price on request”."),
    )
    currency = forms.ChoiceField(label=_("Currency"), required=False)
    country = forms.ChoiceField(label=_("Country"))
    city = forms.CharField(label=_("City"), max_length=120, required=False)
    scope = forms.ChoiceField(
        label=_("Delivery scope"),
        choices=Scope.choices,
        help_text=_("How far an offer delivers, or from how far a need accepts partners."),
    )
    valid_from = forms.DateField(
        label=_("Valid from"), required=False, widget=DateInput, help_text=_("Today if left empty.")
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=DateInput, help_text=_("Leave empty for no end date.")
    )

    def __init__(
        self,
        *args: Any,
        categories: list[CategoryGroup],
        sectors: Any,
        countries: Any,
        units: Any,
        language: str,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.reader_language = language
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            (code, language_name(code).capitalize()) for code in CONTENT_LANGUAGES
        ]
        self.fields["category"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a category")),
            *category_choices(categories, whole_section=_("%(section)s (the section as a whole)")),
        ]
        self.fields["sector"].choices = [("", "—")] + [(s.code, s.name) for s in sectors]  # type: ignore[attr-defined]
        self.fields["country"].choices = [("", _("Choose a country"))] + [(c.iso2, c.name) for c in countries]  # type: ignore[attr-defined]
        self.fields["unit"].choices = [("", "—")] + [  # type: ignore[attr-defined]
            (u.code, f"{u.name} ({u.symbol})" if u.symbol else u.name) for u in units
        ]
        self.fields["currency"].choices = [("", "—"), *money.currency_choices()]  # type: ignore[attr-defined]
        self.fields["quantity"].widget.attrs["inputmode"] = "decimal"
        self.fields["price"].widget.attrs["inputmode"] = "decimal"
        self.fields["language"].widget.attrs["data-written-in"] = ""  # site.js: the translations follow it
        for code in CONTENT_LANGUAGES:
            name = language_name(code)
            self.fields[translation_field(code, "title")] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name}, max_length=200, required=False
            )
            self.fields[translation_field(code, "description")] = forms.CharField(
                label=_("Description in %(language)s") % {"language": name},
                max_length=5_000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
            )
            for part in ("title", "description"):
                self.fields[translation_field(code, part)].widget.attrs["lang"] = code

    def translation_blocks(self) -> list[dict[str, Any]]:
        """Per language: its name, its two fields, whether it is the language written in (then hidden), whether it
        holds anything (then open)."""
        written_in = self["language"].value() or self.reader_language
        blocks = []
        for code in CONTENT_LANGUAGES:
            title, description = self[translation_field(code, "title")], self[translation_field(code, "description")]
            blocks.append(
                {
                    "language": code,
                    "name": language_name(code),
                    "title": title,
                    "description": description,
                    "hidden": code == written_in and not (title.value() or description.value() or title.errors),
                    "open": bool(title.value() or description.value() or title.errors or description.errors),
                }
            )
        return blocks

    def clean_quantity(self) -> str:
        text = self.cleaned_data.get("quantity") or ""
        if not text.strip():
            return ""
        try:
            number = parse_number(text, self.reader_language)
        except NumberError:
            raise forms.ValidationError(
                _("Enter a number such as %(example)s.")
                % {"example": format_quantity(Decimal("12.5"), self.reader_language)}
            ) from None
        return str(number)  # the service says whether it is too large or has too many decimals

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        price = (data.get("price") or "").strip()
        currency = data.get("currency") or ""
        data["price_minor"] = None
        if price:
            if not currency:
                if "currency" not in self.errors:
                    self.add_error("currency", _("Give the currency of the price."))
            else:
                try:
                    data["price_minor"] = money.parse_money(price, currency, self.reader_language)
                except ValueError as exc:
                    self.add_error("price", str(exc))
        written_in = data.get("language")
        for code in CONTENT_LANGUAGES:
            if code == written_in and (
                data.get(translation_field(code, "title")) or data.get(translation_field(code, "description"))
            ):
                self.add_error(
                    translation_field(code, "title"),
                    _(
                        "The listing is written in this language: leave its translation empty, or choose another "
                        "language above."
                    ),
                )
        return data

    def service_data(self) -> dict[str, Any]:
        """The listing's fields as services.LISTING_FIELDS names them, with its translations."""
        d = self.cleaned_data
        data = {
            name: d.get(name)
            for name in ("direction", "kind", "language", "title", "description", "category", "sector", "unit")
        }
        data.update(
            quantity=d.get("quantity") or None,
            price_minor=d.get("price_minor"),
            currency=d.get("currency") or "",
            country=d.get("country"),
            city=d.get("city") or "",
            scope=d.get("scope"),
            valid_from=d.get("valid_from"),
            valid_until=d.get("valid_until"),
        )
        data["translations"] = {
            code: {
                "title": d.get(translation_field(code, "title")) or "",
                "description": d.get(translation_field(code, "description")) or "",
            }
            for code in CONTENT_LANGUAGES
            if code != d.get("language")
        }
        return data

    # Where a service's error about a field of its own is shown on this form.
    SERVICE_FIELDS = {
        "price_minor": "price",
        **{f"translations.{c}": translation_field(c, "title") for c in CONTENT_LANGUAGES},
    }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for key, messages in errors.items():
            name = self.SERVICE_FIELDS.get(key, key)
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def listing_initial(listing: Any, language: str) -> dict[str, Any]:
    """A saved listing as its edit form starts: the price in major units as the reader writes them."""
    initial: dict[str, Any] = {
        "direction": listing.direction,
        "kind": listing.kind,
        "language": listing.language,
        "title": listing.title,
        "description": listing.description,
        "category": listing.category_id,
        "sector": listing.sector_id or "",
        "quantity": format_quantity(listing.quantity, language) if listing.quantity is not None else "",
        "unit": listing.unit_id or "",
        "price": price_initial(listing.price_minor, listing.currency, language)
        if listing.price_minor is not None and listing.currency
        else "",
        "currency": listing.currency,
        "country": listing.country_id,
        "city": listing.city,
        "scope": listing.scope,
        "valid_from": listing.valid_from,
        "valid_until": listing.valid_until,
    }
    for tr in listing.translations.all():
        initial[translation_field(tr.language, "title")] = tr.title
        initial[translation_field(tr.language, "description")] = tr.description
    return initial


class OrganisationChoiceForm(forms.Form):
    """Which of the organisations the user acts for a new listing is published by."""

    organisation = forms.ChoiceField(label=_("Publish for"))

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]  # type: ignore[attr-defined]


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ListingStatus.choices)
    next = forms.CharField(required=False, max_length=500)


class EnquiryForm(forms.Form):
    """The first message about a listing, sent to exchange:enquire: the message, and for someone who acts for
    several organisations, which one writes (by id, as the enquiry pages read it)."""

    organisation = forms.ChoiceField(label=_("Send for"))
    body = forms.CharField(
        label=_("Your message"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Only the publisher's people and yours will read it."),
    )

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"].choices = [(str(o.pk), o.name) for o in organisations]  # type: ignore[attr-defined]
        else:
            del self.fields["organisation"]
