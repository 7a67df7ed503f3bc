"""Page forms of recommendations: they read the input's shape; the services have the last word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cicopa.core import queries as core_queries
from cicopa.core.i18n import CONTENT_LANGUAGES
from cicopa.core.names import language_name
from cicopa.knowledge.forms import fill_choices, set_choices
from cicopa.knowledge.models import Experience, ExperienceStatus, Recommendation, ResponseStatus, Study


class RecommendationForm(forms.Form):
    """A recommendation as the secretariat writes it: a title and a text in each of the three languages."""

    follow_up_date = forms.DateField(
        label=_("Follow-up date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Member organisations that have not answered are reminded some days before it."),
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    experiences = forms.MultipleChoiceField(
        label=_("Linked experiences"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Published experiences of the library that the recommendation draws on."),
    )
    studies = forms.MultipleChoiceField(
        label=_("Linked studies"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Published studies of the library that the recommendation draws on."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_choices(self)
        set_choices(
            self,
            "experiences",
            [
                (str(e.pk), e.title)
                for e in Experience.objects.filter(status=ExperienceStatus.PUBLISHED).order_by("title")[:500]
            ],
        )
        set_choices(
            self,
            "studies",
            [
                (str(s.pk), s.title)
                for s in Study.objects.filter(status=ExperienceStatus.PUBLISHED)
                .only("pk", "title")
                .order_by("title")[:500]
            ],
        )
        for code in CONTENT_LANGUAGES:
            name = language_name(code).capitalize()
            self.fields[f"title_{code}"] = forms.CharField(
                label=_("Title in %(language)s") % {"language": name}, max_length=200, required=False
            )
            self.fields[f"text_{code}"] = forms.CharField(
                label=_("Text in %(language)s") % {"language": name},
                max_length=20_000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 10, "lang": code}),
            )
            self.fields[f"title_{code}"].widget.attrs["lang"] = code

    def language_blocks(self) -> list[dict[str, Any]]:
        return [
            {"code": c, "name": language_name(c), "title": self[f"title_{c}"], "text": self[f"text_{c}"]}
            for c in CONTENT_LANGUAGES
        ]

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "texts": {c: {"title": d.get(f"title_{c}", ""), "text": d.get(f"text_{c}", "")} for c in CONTENT_LANGUAGES},
            "topics": list(d.get("topics") or []),
            "experiences": list(d.get("experiences") or []),
            "studies": list(d.get("studies") or []),
            "follow_up_date": d.get("follow_up_date"),
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            target = field
            if field.startswith("texts."):
                target = f"title_{field.split('.', 1)[1]}"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


def recommendation_initial(rec: Recommendation) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "follow_up_date": rec.follow_up_date,
        "topics": [t.code for t in rec.topics.all()],
        "experiences": [str(e.pk) for e in rec.experiences.all()],
        "studies": [str(s.pk) for s in rec.studies.all()],
    }
    for t in rec.texts.all():
        initial[f"title_{t.language}"] = t.title
        initial[f"text_{t.language}"] = t.text
    return initial


SCOPE_CHOICES = [
    ("all", _("All member organisations")),
    ("regions", _("By region")),
    ("countries", _("By country")),
    ("sectors", _("By sector")),
]


class CirculateForm(forms.Form):
    scope = forms.ChoiceField(label=_("Send to"), choices=SCOPE_CHOICES, widget=forms.RadioSelect, initial="all")
    regions = forms.MultipleChoiceField(
        label=_("Regions"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    countries = forms.MultipleChoiceField(
        label=_("Countries"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors"), required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from cicopa.core.models import Region

        names = core_queries.names_by_code()
        levels = {r.m49: r.level for r in Region.objects.all()}
        regions = sorted(names["region"].items(), key=lambda kv: (levels.get(kv[0]) != "region", kv[1]))
        set_choices(self, "regions", [(code, name) for code, name in regions if code != "001"])
        set_choices(self, "countries", sorted(names["country"].items(), key=lambda kv: kv[1]))
        set_choices(self, "sectors", list(names["sector"].items()))

    def audience(self) -> tuple[str, list[str]]:
        scope = self.cleaned_data["scope"]
        return scope, list(self.cleaned_data.get(scope) or []) if scope != "all" else []


class ResponseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Where your organisation stands"),
        choices=[(s, label) for s, label in ResponseStatus.choices if s != ResponseStatus.RECEIVED],
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=5_000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    evidence_url = forms.CharField(
        label=_("Evidence: a link"),
        max_length=500,
        required=False,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
        help_text=_("A decision, minutes or a page that shows it (http:// or https://)."),
    )
    file = forms.FileField(
        label=_("Evidence: a document"),
        required=False,
        help_text=_("A PDF, an image or an office document."),
    )
