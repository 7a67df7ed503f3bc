"""Page forms of the library's questions and answers: they read the input's shape; the services have the last
word."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cicopa.knowledge.forms import fill_choices
from cicopa.knowledge.models import LANGUAGE_CHOICES, Question


class QuestionForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Asked for"), coerce=int)
    language = forms.ChoiceField(label=_("Written in"), choices=LANGUAGE_CHOICES)
    title = forms.CharField(
        label=_("Your question"),
        max_length=200,
        error_messages={"required": _("Write the question in a line.")},  # as the service says it
        help_text=_("In one line, as you would ask it (for example “How did you finance the buy-out?”)."),
    )
    body = forms.CharField(
        label=_("Details"),
        max_length=10_000,
        error_messages={
            "required": _("Say more about the question: the situation, what you tried, what you would like to know.")
        },
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("The situation, what you tried already, what would help you."),
    )
    country = forms.ChoiceField(
        label=_("Country"), required=False, help_text=_("Leave empty for the organisation's country.")
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), required=False, widget=forms.CheckboxSelectMultiple)
    sectors = forms.MultipleChoiceField(label=_("Sectors"), required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, organisations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fill_choices(self, [(o.pk, o.name) for o in organisations])

    def service_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "language": d.get("language"),
            "title": d.get("title"),
            "body": d.get("body"),
            "country": d.get("country") or None,
            "topics": list(d.get("topics") or []),
            "sectors": list(d.get("sectors") or []),
        }

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for field, messages in errors.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


def question_initial(question: Question) -> dict[str, Any]:
    return {
        "organisation": question.organisation_id,
        "language": question.language,
        "title": question.title,
        "body": question.body,
        "country": question.country_id,
        "topics": [t.code for t in question.topics.all()],
        "sectors": [s.code for s in question.sectors.all()],
    }


class AnswerForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Answer for"), coerce=int, required=False, empty_value=None)
    body = forms.CharField(
        label=_("Your answer"),
        max_length=10_000,
        error_messages={"required": _("Write your answer.")},
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("What your co-operative did or knows: the more concrete, the more useful."),
    )

    def __init__(self, *args: Any, organisations: list[Any], secretariat: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ChoiceField)
        options: list[tuple[Any, Any]] = [(o.pk, o.name) for o in organisations]
        if secretariat:
            options.insert(0, ("", _("The CICOPA secretariat")))
        else:
            field.required = True
        field.choices = options
        if len(options) == 1:
            field.initial = options[0][0]
