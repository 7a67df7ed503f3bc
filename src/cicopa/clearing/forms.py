"""The clearing house's forms: what a page reads before a service checks it again."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cicopa.core import money


class CycleForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"))
    cutoff = forms.DateField(
        label=_("Cut-off date"),
        help_text=_("Invoices issued on or before this date are cleared."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"currency": "EUR", "cutoff": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["currency"].choices = money.currency_choices()  # type: ignore[attr-defined]


class ParticipationForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("accept", "accept"), ("revoke", "revoke")], widget=forms.HiddenInput)
    agree = forms.BooleanField(label=_("We have read the clearing terms and accept them."), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "accept" and not data.get("agree"):
            self.add_error("agree", _("Tick the box to accept the terms."))
        return data
