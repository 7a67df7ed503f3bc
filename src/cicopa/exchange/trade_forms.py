"""Forms of the trade pages (enquiries, orders, invoices, the invoice import). They read what was typed into the
shapes the services take — amounts typed in the reader's language become minor units through core.money — and
leave every rule to the services, whose errors the views put back beside the fields."""

from __future__ import annotations

import codecs
import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cicopa.core import formats, money
from cicopa.exchange.models import MAX_QUANTITY, Unit

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _quantity_field(**kwargs: Any) -> forms.DecimalField:
    """A quantity as the reader writes it (1,5 in French), up to three decimals."""
    return forms.DecimalField(
        label=_("quantity"),
        min_value=Decimal("0.001"),
        max_value=MAX_QUANTITY,
        decimal_places=3,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 10}),
        **kwargs,
    )


def _unit_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Unit.objects.all(), required=False, label=_("unit"), empty_label=_("none (a number of items)")
    )


def _price_field(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12}),
    )


def _currency_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("currency"), choices=())


def minor_from_text(form: forms.Form, field: str, currency: str) -> int | None:
    """The amount typed in `field`, in minor units of `currency`, read in the reader's language; None (and the
    error on the field) when it cannot be read."""
    text = form.cleaned_data.get(field) or ""
    if not text or not currency:
        return None
    try:
        return money.parse_money(text, currency)
    except ValueError as exc:
        form.add_error(field, str(exc))
        return None


class OrganisationChoice(forms.ChoiceField):
    """Which of their organisations someone acts for: only shown when they act for several."""

    def __init__(self, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(choices=[(str(o.pk), o.name) for o in organisations], **kwargs)


# ---------------------------------------------------------------------------------------------------------------
# Enquiries


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("message"),
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class EnquiryForm(MessageForm):
    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"] = OrganisationChoice(organisations, label=_("write for"))
            self.order_fields(["organisation", "body"])


# ---------------------------------------------------------------------------------------------------------------
# Orders


class TermsForm(forms.Form):
    """Terms of an order: quantity, unit, price per unit in major units as typed, currency, delivery date, note."""

    quantity = _quantity_field()
    unit = _unit_field()
    unit_price = _price_field(_("price per unit"))
    currency = _currency_field()
    delivery_date = forms.DateField(label=_("delivery date"), required=False, widget=DATE)
    note = forms.CharField(
        label=_("note"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Anything the other party should know about these terms (at most 500 characters)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = money.currency_choices()  # type: ignore[attr-defined]
        self.fields["unit_price"].help_text = _("As you write it, such as %(example)s.") % {
            "example": formats.format_number(Decimal("1234.5"), digits=2)
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        data["unit_price_minor"] = minor_from_text(self, "unit_price", data.get("currency") or "")
        return data

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        unit = data.get("unit")
        delivery = data.get("delivery_date")
        return {
            "quantity": str(data["quantity"]),
            "unit": unit.pk if unit else "",
            "unit_price_minor": data.get("unit_price_minor"),
            "currency": data.get("currency") or "",
            "delivery_date": delivery.isoformat() if delivery else "",
            "note": data.get("note") or "",
        }


class OrderForm(TermsForm):
    """A new order from a listing: the terms, what is ordered, and for whom when the user acts for several."""

    description = forms.CharField(label=_("what is ordered"), max_length=300)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if len(organisations) > 1:
            self.fields["organisation"] = OrganisationChoice(organisations, label=_("order for"))
        self.order_fields(["organisation", "description"])

    def service_data(self) -> dict[str, Any]:
        return {**super().service_data(), "description": self.cleaned_data.get("description", "")}


class InvoiceOrderForm(forms.Form):
    """The dates of an invoice issued for a delivered order (both may be left as they are)."""

    issue_date = forms.DateField(label=_("issue date"), required=False, widget=DATE)
    due_date = forms.DateField(label=_("due date"), required=False, widget=DATE)

    def service_data(self) -> dict[str, Any]:
        return {k: v.isoformat() for k, v in self.cleaned_data.items() if isinstance(v, datetime.date)}


# ---------------------------------------------------------------------------------------------------------------
# Invoices


class InvoiceStepForm(forms.Form):
    reason = forms.CharField(
        label=_("reason for the dispute"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvoiceForm(forms.Form):
    """The head of an invoice entered by hand: seller (when the user acts for several), buyer found by a search,
    the seller's own number, dates, currency and notes. Its lines are an InvoiceLineFormSet."""

    buyer_search = forms.CharField(
        label=_("find the buyer"),
        required=False,
        max_length=100,
        help_text=_("A part of its name, its acronym or its address name (slug); then choose it below."),
    )
    buyer = forms.ChoiceField(label=_("buyer"), choices=(), required=False)
    external_number = forms.CharField(
        label=_("your own invoice number"),
        max_length=60,
        required=False,
        help_text=_("The number on your own invoice, if you issued one off the platform."),
    )
    issue_date = forms.DateField(label=_("issue date"), required=False, widget=DATE)
    due_date = forms.DateField(
        label=_("due date"), required=False, widget=DATE, help_text=_("Thirty days after the issue date if left empty.")
    )
    currency = _currency_field()
    notes = forms.CharField(
        label=_("notes"), max_length=2_000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self, *args: Any, sellers: list[Any], buyers: list[Any], searched: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if len(sellers) > 1:
            self.fields["seller"] = OrganisationChoice(sellers, label=_("seller"))
            self.order_fields(["seller"])
        choices = [(str(o.pk), f"{o.name} ({o.country.name if o.country_id else '—'})") for o in buyers]
        empty = _("choose among those found") if buyers else _("search for the buyer first")
        if searched and not buyers:
            empty = _("no organisation found: search again")
        self.fields["buyer"].choices = [("", empty), *choices]  # type: ignore[attr-defined]
        self.fields["currency"].choices = money.currency_choices()  # type: ignore[attr-defined]

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "external_number": data.get("external_number") or "",
            "issue_date": data["issue_date"].isoformat() if data.get("issue_date") else "",
            "due_date": data["due_date"].isoformat() if data.get("due_date") else "",
            "currency": data.get("currency") or "",
            "notes": data.get("notes") or "",
        }


class InvoiceLineForm(forms.Form):
    description = forms.CharField(label=_("description"), max_length=300, required=False)
    quantity = _quantity_field(required=False)
    unit = _unit_field()
    unit_price = _price_field(_("price per unit"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_price"].required = False

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(data.get(f) for f in ("description", "quantity", "unit_price"))

    def service_data(self, currency: str) -> dict[str, Any] | None:
        """The line as the service takes it, its price in minor units of `currency`; None for a blank line."""
        if self.is_blank():
            return None
        data = self.cleaned_data
        unit = data.get("unit")
        return {
            "description": data.get("description") or "",
            "quantity": str(data["quantity"]) if data.get("quantity") else "",
            "unit": unit.pk if unit else "",
            "unit_price_minor": minor_from_text(self, "unit_price", currency),
        }


InvoiceLineFormSet = forms.formset_factory(InvoiceLineForm, extra=1, max_num=200)


# ---------------------------------------------------------------------------------------------------------------
# Invoice import


def checked_upload(f: Any) -> Any:
    """An uploaded CSV or XLSX file, refused when too large or not what its name says."""
    if f.size > settings.CICOPA_MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)s MB.") % {"mb": settings.CICOPA_MAX_UPLOAD_BYTES // (1024 * 1024)}
        )
    name = f.name.lower()
    head = f.read(4)
    f.seek(0)
    if name.endswith(".xlsx"):
        if head != b"PK\x03\x04":
            raise forms.ValidationError(_("This file is named .xlsx but is not an XLSX workbook."))
    elif name.endswith((".csv", ".txt")):
        if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in f.read(4096):
            raise forms.ValidationError(_("This file is named .csv but holds binary data."))
        f.seek(0)
    else:
        raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
    return f


class InvoiceImportForm(forms.Form):
    """The file, and the seller whose invoices it holds: one of the user's organisations, or for the secretariat
    any organisation by its address name (or none, when the file has a seller column)."""

    file = forms.FileField(label=_("CSV or XLSX file"))

    def __init__(self, *args: Any, sellers: list[Any] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if sellers is None:  # the secretariat
            self.fields["seller"] = forms.SlugField(
                label=_("seller"),
                required=False,
                max_length=120,
                help_text=_(
                    "The address name of the organisation that issued the invoices (the last part of the address "
                    "of its profile); leave it empty when the file has a seller column."
                ),
            )
        else:
            self.fields["seller"] = OrganisationChoice(sellers, label=_("seller"))
        self.order_fields(["seller", "file"])

    def clean_file(self) -> Any:
        return checked_upload(self.cleaned_data["file"])
