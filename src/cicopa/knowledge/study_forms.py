"""Page forms of the library's studies: they read the input's shape; the services have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cicopa.knowledge.forms import fill_choices
from cicopa.knowledge.models import FIRST_YEAR, LANGUAGE_CHOICES, LAST_YEAR, Study

SECRETARIAT = ""  # the organisation choice of a study of the secretariat's own


class StudyForm(forms.Form):
    """A study's description, and (when it is added) its PDF."""

    organisation = forms.ChoiceField(label=_("Published by"), required=False)
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGE_CHOICES)
    title = forms.CharField(label=_("Title"), max_length=300)
    authors = forms.CharField(
        label=_("Authors"),
        max_length=2_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One name per line."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    abstract = forms.CharField(
        label=_("Abstract"),
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What the study is about and what it finds: readers see it in the library's lists."),
    )
    file = forms.FileField(
        label=_("The study (PDF)"),
        required=False,
        help_text=_("Its text is read so that the library's search finds the words inside it."),
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    countries = forms.MultipleChoiceField(
        label=_("Countries"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_(
            "The countries the study is about (hold Ctrl, or ⌘ on a Mac, to choose several); leave empty for the "
            "organisation's country."
        ),
    )
    sectors = forms.MultipleChoiceField(label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organisations: list[Any], secretariat: bool, with_file: bool, **kw: Any) -> None:
        super().__init__(*args, **kw)
        orgs: list[tuple[Any, str]] = [(str(o.pk), o.name) for o in organisations]
        if secretariat:
            orgs.insert(0, (SECRETARIAT, str(_("The CICOPA secretariat"))))
        fill_choices(self, orgs)
        if not with_file:
            del self.fields["file"]

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {f: d.get(f) for f in ("language", "title", "authors", "year", "abstract")}
        for name in ("topics", "countries", "sectors"):
            data[name] = list(d.get(name) or [])
        return data


def study_initial(study: Study | None, language: str) -> dict[str, Any]:
    if study is None:
        return {"language": language, "year": timezone.localdate().year}
    initial: dict[str, Any] = {f: getattr(study, f) for f in ("language", "title", "authors", "year", "abstract")}
    initial["organisation"] = str(study.organisation_id or SECRETARIAT)
    initial["topics"] = [t.code for t in study.topics.all()]
    initial["countries"] = [c.iso2 for c in study.countries.all()]
    initial["sectors"] = [s.code for s in study.sectors.all()]
    return initial


class StudyFileForm(forms.Form):
    file = forms.FileField(label=_("The study (PDF)"), help_text=_("A new PDF replaces the one the study has."))
