from __future__ import annotations

import codecs
from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cicopa.core import names as core_names
from cicopa.core import queries as core_queries
from cicopa.core import subdivisions
from cicopa.core.models import Country, Sector
from cicopa.registry.fields import PROFILE_FIELDS, SECRETARIAT_FIELDS
from cicopa.registry.import_formats import CICOPA_COLUMNS
from cicopa.registry.models import (
    AccessRole,
    ImportMapping,
    MembershipStatus,
    OfficeRole,
    Organisation,
    OrganisationKind,
)


def _with_model_ranges(field: Any, **kwargs: Any) -> Any:
    """A model field's form field that knows the model's own range (latitude -90..90, a year 1800..2100):
    the form reports it with the other fields' problems, and the browser checks it before sending (min/max)."""
    for validator in field.validators:
        if isinstance(validator, MinValueValidator):
            kwargs.setdefault("min_value", validator.limit_value)
        elif isinstance(validator, MaxValueValidator):
            kwargs.setdefault("max_value", validator.limit_value)
    return field.formfield(**kwargs)


def subdivision_choices(country: str | None, current: str = "") -> list[tuple[str, str]]:
    """The options of the subdivision select for a country: none, then its subdivisions by name in the reader's
    language, labelled with their parent or type where that helps choose. A `current` value that is not of the
    country (the country was changed in a browser without JavaScript) stays first, named with its country, for
    the service's message to be about something the reader sees."""
    options = subdivisions.subdivisions(country)
    if not country:
        empty = gettext("— choose the country first —")
    elif not options:
        empty = gettext("— none: ISO 3166-2 lists no subdivisions of this country —")
    else:
        empty = gettext("— none —")
    choices = [("", empty)]
    current = (current or "").strip().upper()
    if current and not subdivisions.is_valid(current, country):
        other = subdivisions.country_of(current)
        choices.append(
            (current, f"{subdivisions.label(current)} ({core_names.territory_name(other)})" if other else current)
        )
    return choices + [(s.code, s.label) for s in options]


def subdivision_field(country: str | None, current: str = "") -> forms.CharField:
    """The subdivision of an organisation as its form asks for it: a select of the country's subdivisions. The
    form takes any code (its shape only); the service says what is wrong with one that is not of the country."""
    model_field = Organisation._meta.get_field("subdivision")
    return forms.CharField(
        label=model_field.verbose_name,
        help_text=model_field.help_text,
        required=False,
        widget=forms.Select(choices=subdivision_choices(country, current)),
    )


class SubdivisionForm(forms.Form):
    """The organisation form's subdivision field alone, for a country: what the page swaps in when the country
    changes (htmx)."""

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["subdivision"] = subdivision_field(country, self.initial.get("subdivision", ""))


class OrganisationForm(forms.ModelForm):
    sectors = forms.ModelMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("sectors")
    )

    class Meta:
        model = Organisation
        fields = (*PROFILE_FIELDS, "sectors", "kind", "status")
        formfield_callback = _with_model_ranges
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "address": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, secretariat: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = Country.objects.order_by(core_queries.by_country_name())  # type: ignore[attr-defined]
        if not secretariat:
            for name in SECRETARIAT_FIELDS:
                self.fields.pop(name, None)
        # The subdivisions of the country chosen; when it changes, the page asks for the new country's (htmx).
        self.fields["subdivision"] = subdivision_field(self._raw("country"), self._raw("subdivision"))
        self.fields["country"].widget.attrs.update(
            {
                "hx-get": reverse("registry:subdivision_field"),
                "hx-trigger": "change",
                "hx-target": "#subdivision-field",
                "hx-swap": "outerHTML",
                "hx-include": "#id_subdivision",
            }
        )

    def _raw(self, name: str) -> str:
        """A field's value as sent, else as the form starts (read before any bound field is made, as the
        subdivision's is replaced)."""
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return str(getattr(value, "pk", value) or "").strip().upper()

    def _post_clean(self) -> None:
        # Model validation runs in the service, which reports errors back to this form.
        pass


class ImportForm(forms.Form):
    FORMAT_CHOICES = (
        ("cicopa", _("CICOPA columns")),
        ("essglobal", _("ESSGlobal open-data CSV")),
        ("columns", _("Any columns: map them in the next step")),
    )
    file = forms.FileField(label=_("CSV or XLSX file"))
    format = forms.ChoiceField(choices=FORMAT_CHOICES, label=_("format"))
    mapping = forms.ModelChoiceField(
        queryset=ImportMapping.objects.all(),
        required=False,
        to_field_name="name",
        label=_("saved column mapping"),
        empty_label=_("none: propose one from the file's headers"),
        help_text=_("For any columns: how an earlier file of the same layout was read."),
    )

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
            # UTF-16 text, which the import reads, has a NUL in every other byte of Latin letters.
            if not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) and b"\x00" in f.read(4096):
                raise forms.ValidationError(_("This file is named .csv but holds binary data."))
            f.seek(0)
        else:
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f


class ColumnsForm(forms.Form):
    """How each column of a file of any layout is read: one choice per column (`column-<n>`), the kind of rows
    without one, and a name to keep the mapping under."""

    kind = forms.ChoiceField(choices=OrganisationKind.choices, label=_("kind of organisations in rows without a kind"))
    save_as = forms.CharField(
        required=False,
        max_length=100,
        label=_("keep this mapping as"),
        help_text=_("A name, to read the next file of this layout the same way. Leave empty not to keep it."),
    )

    def __init__(self, *args: Any, columns: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("leave out"))] + [(c, column_label(c)) for c in CICOPA_COLUMNS]
        for n, column in enumerate(columns):
            self.fields[f"column-{n}"] = forms.ChoiceField(
                choices=choices, required=False, label=_("Read “%(column)s” as") % {"column": column}
            )

    def mapping(self) -> dict[str, str]:
        return {column: self.cleaned_data.get(f"column-{n}") or "" for n, column in enumerate(self.columns)}

    def rows(self) -> list[tuple[str, Any]]:
        return [(column, self[f"column-{n}"]) for n, column in enumerate(self.columns)]


def column_label(column: str) -> str:
    """A column of the cicopa format as the mapping offers it: the field's name, and the column's."""
    names = {"identifier": _("identifier in the imported file"), "sectors": _("sectors")}
    field = Organisation._meta.get_field(column.removesuffix("_id")) if column not in names else None
    name = names.get(column) or (str(field.verbose_name) if isinstance(field, models.Field) else column)
    return f"{name} ({column})"


class DateInput(forms.DateInput):
    input_type = "date"


class MembershipStatusForm(forms.Form):
    """A change of one membership's status, with its date and a note for the record."""

    status = forms.ChoiceField(choices=MembershipStatus.choices, label=_("new status"))
    date = forms.DateField(label=_("from"), required=False, widget=DateInput, help_text=_("Today if left empty."))
    note = forms.CharField(label=_("note"), max_length=300, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class MembershipAddForm(forms.Form):
    """An existing organisation joins: its slug (from the search), status and date."""

    member = forms.SlugField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[(s, MembershipStatus(s).label) for s in (MembershipStatus.ACTIVE, MembershipStatus.APPLICANT)],
        label=_("as"),
    )
    since = forms.DateField(label=_("since"), required=False, widget=DateInput, help_text=_("Today if left empty."))


class OfficeForm(forms.Form):
    """Someone takes an office in the organisation: a person it already had as an officer, or a new one."""

    role = forms.ChoiceField(choices=OfficeRole.choices, label=_("office"))
    person = forms.TypedChoiceField(
        label=_("someone who already held an office here"), coerce=int, required=False, empty_value=None
    )
    full_name = forms.CharField(label=_("or a new person: full name"), max_length=200, required=False)
    title = forms.CharField(label=_("title or position"), max_length=200, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("telephone"), max_length=40, required=False)
    start = forms.DateField(label=_("term starts"), required=False, widget=DateInput)
    end = forms.DateField(label=_("term ends"), required=False, widget=DateInput)

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if people:
            self.fields["person"].choices = [("", _("— a new person —")), *people]  # type: ignore[attr-defined]
        else:
            del self.fields["person"]
            self.fields["full_name"].label = _("full name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("person") and not data.get("full_name"):
            self.add_error("full_name", _("Give the officer's name, or choose someone who already held an office."))
        return data


class PersonForm(forms.Form):
    """The details of someone who holds an office."""

    full_name = forms.CharField(label=_("full name"), max_length=200)
    title = forms.CharField(label=_("title or position"), max_length=200, required=False)
    email = forms.EmailField(label=_("e-mail"), required=False)
    phone = forms.CharField(label=_("telephone"), max_length=40, required=False)


class OfficeEndForm(forms.Form):
    end = forms.DateField(label=_("term ends"), required=False, widget=DateInput, help_text=_("Today if left empty."))


class AccessInviteForm(forms.Form):
    """Someone, by e-mail address, gets access to the organisation (officers only from the secretariat)."""

    email = forms.EmailField(label=_("e-mail address"))
    role = forms.ChoiceField(choices=AccessRole.choices, label=_("role"), initial=AccessRole.EDITOR, required=False)

    def __init__(self, *args: Any, secretariat: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not secretariat:
            self.fields["role"].choices = [(AccessRole.EDITOR, AccessRole.EDITOR.label)]  # type: ignore[attr-defined]
            self.fields["role"].widget = forms.HiddenInput()

    def clean_role(self) -> str:
        return self.cleaned_data["role"] or AccessRole.EDITOR


class InvitationPasswordForm(forms.Form):
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("The same password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", _("The two passwords differ."))
        return data
