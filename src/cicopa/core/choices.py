"""Reference lists as a form's controls (a select's options, a group of checkboxes), drawn once as HTML with each
entry both as it shows unchosen and chosen, so that a page joins them for its reader's choices instead of
rendering hundreds of entries through a template loop (core/queries.filter_choices keeps them per language)."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString


@dataclass(frozen=True)
class Choices:
    """Entries of a list: (value, HTML unchosen, HTML chosen)."""

    entries: tuple[tuple[str, str, str], ...]

    def html(self, chosen: Collection[str] = ()) -> SafeString:
        """The entries, those whose value is in `chosen` marked chosen."""
        return SafeString("".join(on if value in chosen else off for value, off, on in self.entries))

    def __len__(self) -> int:
        return len(self.entries)


def options(items: Iterable[tuple[str, str]]) -> Choices:
    """<option> elements of a <select>, from (value, label) pairs; chosen ones are `selected`."""
    return Choices(
        tuple(
            (
                value,
                format_html('<option value="{}">{}</option>', value, label),
                format_html('<option value="{}" selected>{}</option>', value, label),
            )
            for value, label in items
        )
    )


def checkboxes(name: str, items: Iterable[tuple[str, str]]) -> Choices:
    """A list's items (<li>) each with a labelled checkbox named `name`, from (value, label) pairs; chosen ones
    are `checked`."""
    box = '<li><label><input type="checkbox" name="{}" value="{}"%s> {}</label></li>'
    off, on = box % "", box % " checked"
    return Choices(tuple((v, format_html(off, name, v, label), format_html(on, name, v, label)) for v, label in items))
