from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cicopa.core import subdivisions
from cicopa.core.models import MembershipType, Sector
from cicopa.registry.models import OrganisationKind
from cicopa.statistics.models import MEASURES


class LineForm(forms.Form):
    """One line of a return. Checks across lines and against last year are the service's."""

    sector = forms.ModelChoiceField(Sector.objects.all(), label=_("sector"), required=False)
    membership_type = forms.ModelChoiceField(MembershipType.objects.all(), label=_("membership type"), required=False)
    currency = forms.CharField(label=_("currency"), max_length=3, required=False)
    source = forms.CharField(label=_("source"), max_length=300, required=False)
    estimated = forms.MultipleChoiceField(
        label=_("estimates"), choices=MEASURES, required=False, widget=forms.CheckboxSelectMultiple
    )
    explanation = forms.CharField(label=_("explanation of large changes"), max_length=500, required=False)

    def __init__(self, *args: Any, reporter: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = reporter.country_id if reporter is not None else None
        if subdivisions.has_subdivisions(country):
            # A line of the whole country, or of one of its subdivisions (ISO 3166-2) when a return gives a sector
            # by region. A co-operative's line without one is of the co-operative's own subdivision (the service).
            own = reporter.subdivision if reporter.kind == OrganisationKind.COOPERATIVE else ""
            blank = (
                _("Not given: %(name)s, the co-operative's own") % {"name": subdivisions.label(own)}
                if subdivisions.is_valid(own, country)
                else _("Not given / whole country")
            )
            choices = [("", blank), *((s.code, s.label) for s in subdivisions.subdivisions(country))]
            self.fields["subdivision"] = forms.ChoiceField(label=_("subdivision"), choices=choices, required=False)
        for name, label in MEASURES:
            self.fields[name] = forms.DecimalField(
                label=label, required=False, min_value=0, decimal_places=2 if name == "turnover" else 0
            )

    def subdivision_label(self) -> str:
        """The name of the subdivision the line started from, in the reader's language ('' for none)."""
        code = (self.initial or {}).get("subdivision") or ""
        return subdivisions.label(code) if code else ""

    def service_data(self) -> dict[str, Any] | None:
        """The line as the service takes it, or None for a blank row."""
        data = self.cleaned_data
        if not data.get("sector") and not data.get("membership_type"):
            return None
        out = {k: v for k, v in data.items() if k not in ("sector", "membership_type")}
        out["sector"] = data["sector"].code if data.get("sector") else ""
        out["membership_type"] = data["membership_type"].code if data.get("membership_type") else ""
        return out


# One blank line at most, and only when there is no line to start from: more are added one click at a time.
LineFormSet = forms.formset_factory(LineForm, extra=1, max_num=200)


class NewReturnForm(forms.Form):
    reporter = forms.ChoiceField(label=_("reporting organisation"))
    year = forms.IntegerField(label=_("year"))

    def __init__(self, *args: Any, reporters: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reporter"].choices = reporters  # type: ignore[attr-defined]
