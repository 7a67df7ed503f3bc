"""Page forms of the knowledge library: they read the input's shape; the services have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from cicopa.core import queries as core_queries
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.names import language_name
from cicopa.knowledge.models import LANGUAGE_CHOICES, TEXT_FIELDS, Experience, Topic

TEXTAREA_ROWS = {"summary": 3, "problem": 6, "actions": 6, "results": 5, "lessons": 5}


def set_choices(form: forms.Form, name: str, options: list[tuple[Any, str]]) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    field.choices = options


def fill_choices(form: forms.Form, organisations: list[tuple[Any, str]] | None = None) -> None:
    """The choices of the library's usual fields that `form` has, in the reader's language: the organisations one
    writes for (given), a country (or none: the organisation's), countries, topics and sectors."""
    makers: dict[str, Any] = {
        "organisation": lambda: organisations or [],
        "country": lambda: [("", "—")] + [(c.iso2, c.name) for c in core_queries.countries()],
        "countries": lambda: [(c.iso2, c.name) for c in core_queries.countries()],
        "topics": lambda: [(t.code, t.name) for t in Topic.objects.all()],
        "sectors": lambda: [(s.code, s.name) for s in core_queries.sectors()],
    }
    for name, make in makers.items():
        if name in form.fields:
            set_choices(form, name, make())


def translation_field(language: str, part: str) -> str:
    return f"tr_{language}_{part}"


class ExperienceForm(forms.Form):
    """An experience as its authors write it, with its translations into the other content languages."""

    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    language = forms.ChoiceField(
        label=_("Written in"),
        choices=LANGUAGE_CHOICES,
        widget=forms.Select(attrs={"data-written-in": ""}),  # site.js: the translations follow it
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), max_length=1_000, required=False, widget=forms.Textarea)
    problem = forms.CharField(
        label=_("The problem"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea,
        help_text=_("What situation did the co-operative face? Needed before submitting."),
    )
    actions = forms.CharField(
        label=_("What was done"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea,
        help_text=_("Needed before submitting."),
    )
    results = forms.CharField(label=_("Results"), max_length=10_000, required=False, widget=forms.Textarea)
    figures = forms.CharField(
        label=_("Figures"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: one figure a line, as “label: value” (for example “Jobs kept: 45”)."),
    )
    lessons = forms.CharField(label=_("Lessons learnt"), max_length=10_000, required=False, widget=forms.Textarea)
    contact = forms.CharField(
        label=_("Contact"),
        max_length=300,
        required=False,
        help_text=_("Who readers may ask about this experience (a name, an e-mail address)."),
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, help_text=_("Leave empty for the organisation's country.")
    )
    year = forms.IntegerField(label=_("Year"), min_value=1844, max_value=2100)
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    sectors = forms.MultipleChoiceField(label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_choices(self, [(o.pk, o.name) for o in organisations])
        for name, rows in TEXTAREA_ROWS.items():
            self.fields[name].widget.attrs["rows"] = rows
        for code in CONTENT_LANGUAGES:
            for part in TEXT_FIELDS:
                base = self.fields[part]
                field = forms.CharField(
                    # Each named with its language, as a screen reader reads it out of its block.
                    label=gettext("%(field)s, in %(language)s")
                    % {"field": base.label, "language": language_name(code)},
                    max_length=base.max_length,  # type: ignore[attr-defined]
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 3}) if part != "title" else forms.TextInput(),
                )
                field.widget.attrs["lang"] = code
                self.fields[translation_field(code, part)] = field

    def translation_blocks(self) -> list[dict[str, Any]]:
        """Per language: its name and fields, whether it holds anything or an error (then open), and whether it is
        the language written in with nothing in it (then hidden: a translation is into the other languages)."""
        written_in = self["language"].value()
        blocks = []
        for code in CONTENT_LANGUAGES:
            fields = [self[translation_field(code, p)] for p in TEXT_FIELDS]
            used = any(f.value() or f.errors for f in fields)
            blocks.append(
                {
                    "language": code,
                    "name": language_name(code),
                    "fields": fields,
                    "open": used,
                    "hidden": code == written_in and not used,
                }
            )
        return blocks

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {f: d.get(f) for f in ("language", *TEXT_FIELDS, "figures", "contact", "year")}
        data["country"] = d.get("country") or None
        data["topics"] = list(d.get("topics") or [])
        data["sectors"] = list(d.get("sectors") or [])
        data["translations"] = {
            code: {p: d.get(translation_field(code, p)) or "" for p in TEXT_FIELDS}
            for code in CONTENT_LANGUAGES  # the original's own language too: the service refuses what is in it
        }
        return data

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            name = field
            if field.startswith("translations."):
                parts = field.split(".")
                name = translation_field(parts[1], parts[2] if len(parts) > 2 else "title")
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


def experience_initial(experience: Experience) -> dict[str, Any]:
    initial: dict[str, Any] = {
        f: getattr(experience, f) for f in ("language", *TEXT_FIELDS, "figures", "contact", "year")
    }
    initial["organisation"] = experience.organisation_id
    initial["country"] = experience.country_id
    initial["topics"] = [t.code for t in experience.topics.all()]
    initial["sectors"] = [s.code for s in experience.sectors.all()]
    for tr in experience.translations.all():
        for part in TEXT_FIELDS:
            initial[translation_field(tr.language, part)] = getattr(tr, part)
    return initial


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label=_("Attach a file"),
        help_text=_("A PDF, an image or an office document."),
    )


class ReturnForm(forms.Form):
    comment = forms.CharField(
        label=_("What should change"),
        max_length=2_000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
