from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from cicopa.core.i18n import name_field
from cicopa.core.models import Country, Sector
from cicopa.registry.models import Organisation
from cicopa.registry.services import PROFILE_FIELDS, SECRETARIAT_FIELDS


class OrganisationForm(forms.ModelForm):
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("sectors")
    )

    class Meta:
        model = Organisation
        fields = (*PROFILE_FIELDS, "sectors", "kind", "status")
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, secretariat: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by(name_field())  # type: ignore[attr-defined]
        if not secretariat:
            for name in SECRETARIAT_FIELDS:
                self.fields.pop(name, None)

    def _post_clean(self) -> None:
        # Model validation runs in the service, which reports errors back to this form.
        pass


class ImportForm(forms.Form):
    FORMAT_CHOICES = (("cicopa", _("CICOPA columns")), ("essglobal", _("ESSGlobal open-data CSV")))
    file = forms.FileField(label=_("CSV or XLSX file"))
    format = forms.ChoiceField(choices=FORMAT_CHOICES, label=_("format"))

    def clean_file(self) -> Any:
        f = self.cleaned_data["file"]
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
            if b"\x00" in f.read(4096):
                raise forms.ValidationError(_("This file is named .csv but holds binary data."))
            f.seek(0)
        else:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f
