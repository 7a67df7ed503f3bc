"""Numbers, percentages and dates as each reader writes them, from CLDR through Babel (core/formats.py and the
template filters of cicopa_formats): the three languages of the platform, and any other CLDR knows, so that a
fourth language needs no format typed by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from cicopa.core import formats, money

NNBSP, NBSP = "\u202f", "\u00a0"  # CLDR's French group separator (narrow no-break space); the space before "%"
DAY = datetime.date(2026, 12, 4)
MOMENT = datetime.datetime(2026, 12, 4, 14, 5, 30, tzinfo=datetime.UTC)  # 14:05 UTC

EXPECTED = {
    "en": {
        "integer": "22,750",
        "million": "1,234,567",
        "decimal": "1,234.5",
        "digits": "1,234.50",
        "percent": "12.5%",
        "date": "December 4, 2026",
        "short": "12/4/26",
        "moment": f"Dec 4, 2026, 2:05{NNBSP}PM",
        "month": "December 2026",
    },
    "fr": {
        "integer": f"22{NNBSP}750",
        "million": f"1{NNBSP}234{NNBSP}567",
        "decimal": f"1{NNBSP}234,5",
        "digits": f"1{NNBSP}234,50",
        "percent": f"12,5{NBSP}%",
        "date": "4 décembre 2026",
        "short": "04/12/2026",
        "moment": "4 déc. 2026, 14:05",
        "month": "décembre 2026",
    },
    "es": {
        "integer": "22.750",
        "million": "1.234.567",
        "decimal": "1.234,5",
        "digits": "1.234,50",
        "percent": f"12,5{NBSP}%",
        "date": "4 de diciembre de 2026",
        "short": "4/12/26",
        "moment": "4 dic 2026, 14:05",
        "month": "diciembre de 2026",
    },
}


def written(language: str | None = None) -> dict[str, str]:
    return {
        "integer": formats.format_number(22750, language),
        "million": formats.format_number(1234567, language),
        "decimal": formats.format_number(Decimal("1234.5"), language),
        "digits": formats.format_number(1234.5, language, digits=2),
        "percent": formats.format_percent(0.125, language),
        "date": formats.format_date(DAY, language),
        "short": formats.format_date_short(DAY, language),
        "moment": formats.format_datetime(MOMENT, language),
        "month": formats.format_month(DAY, language),
    }


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_each_language_of_the_platform_writes_its_own_way(language):
    assert written(language) == EXPECTED[language]


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_language_is_by_default_the_active_one(language):
    with translation.override(language):
        assert written() == EXPECTED[language]


def test_a_fourth_language_needs_nothing_typed_by_hand():
    """German and Portuguese are not in settings.LANGUAGES: CLDR writes them all the same."""
    assert written("de") == {
        "integer": "22.750",
        "million": "1.234.567",
        "decimal": "1.234,5",
        "digits": "1.234,50",
        "percent": f"12,5{NBSP}%",
        "date": "4. Dezember 2026",
        "short": "04.12.26",
        "moment": "04.12.2026, 14:05",
        "month": "Dezember 2026",
    }
    assert written("pt") == {
        "integer": "22.750",
        "million": "1.234.567",
        "decimal": "1.234,5",
        "digits": "1.234,50",
        "percent": "12,5%",
        "date": "4 de dezembro de 2026",
        "short": "04/12/2026",
        "moment": "4 de dez. de 2026 14:05",
        "month": "dezembro de 2026",
    }
    assert formats.format_number(22750, "pt-BR") == "22.750"
    assert formats.format_number(22750, "de-CH") == "22'750"  # a region's own ways too
    assert written("xx") == EXPECTED["en"]  # no such language: English
    with translation.override("de"):  # active without being offered: the filters follow it
        page = Template("{% load cicopa_formats %}{{ n|number }} · {{ day|day }} · {{ share|percent }}")
        shown = page.render(Context({"n": 22750, "day": DAY, "share": 0.125}))
        assert shown == f"22.750 · 4. Dezember 2026 · 12,5{NBSP}%"


def test_digits_trim_and_rounding():
    assert formats.format_number(Decimal("0.125"), "en", digits=2) == "0.12"  # half to even
    assert formats.format_number(3, "fr", digits=1) == "3,0"
    assert formats.format_number(Decimal("0.0000001"), "en") == "0.0000001"  # no decimal lost
    assert formats.format_number(Decimal("1234.50"), "fr") == f"1{NNBSP}234,5"
    # trim: as Django's floatformat:"-2" did, whole values without decimals, the others with two
    assert formats.format_number(4321, "fr", digits=2, trim=True) == f"4{NNBSP}321"
    assert formats.format_number(3.75, "es", digits=2, trim=True) == "3,75"
    assert formats.format_number(12.5, "en", digits=2, trim=True) == "12.50"
    assert formats.format_number(Decimal("7.001"), "en", digits=2, trim=True) == "7"
    assert formats.format_number(-1234, "en") == "-1,234"
    for wrong in ("12", None, True, float("nan"), float("inf")):
        with pytest.raises((TypeError, ValueError)):
            formats.format_number(wrong, "en")  # type: ignore[arg-type]


def test_percentages():
    assert formats.format_percent(0.0534, "en") == "5.3%"
    assert formats.format_percent(0.0534, "fr") == f"5,3{NBSP}%"
    assert formats.format_percent(Decimal("0.5"), "es", digits=0) == f"50{NBSP}%"
    assert formats.format_percent(0.04, "en", signed=True) == "+4.0%"
    assert formats.format_percent(0.04, "fr", signed=True) == f"+4,0{NBSP}%"
    assert formats.format_percent(-0.025, "en", signed=True) == "-2.5%"
    assert formats.format_percent(0, "en", signed=True) == "0.0%"
    assert formats.format_percent(12.345, "fr") == f"1{NNBSP}234,5{NBSP}%"


def test_moments_are_written_in_the_current_time_zone():
    late = datetime.datetime(2026, 12, 4, 23, 30, tzinfo=datetime.UTC)
    with timezone.override("Europe/Paris"):
        assert formats.format_datetime(MOMENT, "fr") == "4 déc. 2026, 15:05"
        assert formats.format_datetime(late, "fr") == "5 déc. 2026, 00:30"
        assert formats.format_date(late, "fr") == "5 décembre 2026"  # its day where the reader is
        assert formats.format_date_short(late, "es") == "5/12/26"
    with timezone.override("America/Bogota"):
        assert formats.format_datetime(MOMENT, "es") == "4 dic 2026, 9:05"
    naive = datetime.datetime(2026, 12, 4, 8, 0)
    assert formats.format_datetime(naive, "en") == f"Dec 4, 2026, 8:00{NNBSP}AM"  # taken as it is
    assert formats.format_datetime(DAY, "en") == "Dec 4, 2026"  # a date alone: its day
    with pytest.raises(TypeError):
        formats.format_date("2026-12-04", "en")  # type: ignore[arg-type]


def test_money_keeps_the_names_it_had():
    assert money.format_decimal is formats.format_number
    assert money.format_percent is formats.format_percent
    assert money.language_locale("fr") == formats.language_locale("fr")


FILTERS = Template(
    "{% load cicopa_formats %}"
    "[{{ n|number }}] [{{ x|number:2 }}] [{{ x|number:'-2' }}] [{{ w|number:'-2' }}] [{{ share|percent }}] "
    "[{{ share|signed_percent }}] [{{ day|day }}] [{{ day|day_short }}] [{{ moment|moment }}] [{{ day|month }}]"
)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            f"[22,750] [3.75] [3.75] [12] [12.5%] [+12.5%] [December 4, 2026] [12/4/26] [Dec 4, 2026, 2:05{NNBSP}PM] "
            "[December 2026]",
        ),
        (
            "fr",
            f"[22{NNBSP}750] [3,75] [3,75] [12] [12,5{NBSP}%] [+12,5{NBSP}%] [4 décembre 2026] [04/12/2026] "
            "[4 déc. 2026, 14:05] [décembre 2026]",
        ),
        (
            "es",
            f"[22.750] [3,75] [3,75] [12] [12,5{NBSP}%] [+12,5{NBSP}%] [4 de diciembre de 2026] [4/12/26] "
            "[4 dic 2026, 14:05] [diciembre de 2026]",
        ),
    ],
)
def test_template_filters(language, expected):
    context = {"n": 22750, "x": 3.75, "w": Decimal("12.00"), "share": 0.125, "day": DAY, "moment": MOMENT}
    with translation.override(language):
        assert FILTERS.render(Context(context)) == expected


def test_template_filters_fail_quietly():
    quiet = {"n": "n/a", "x": None, "w": True, "share": "", "day": "2026-12-04", "moment": None}
    assert FILTERS.render(Context(quiet)) == "[] [] [] [] [] [] [] [] [] []"
    assert FILTERS.render(Context({"n": float("nan")})).startswith("[] ")
    assert Template("{% load cicopa_formats %}{{ d|day|default:'—' }}").render(Context({"d": None})) == "—"


def test_a_task_percentage_counted_in_hundredths():
    page = Template("{% load cicopa_formats %}[{{ p|whole_percent }}]")
    assert page.render(Context({"p": 42})) == "[42%]"
    with translation.override("fr"):
        assert page.render(Context({"p": 42})) == f"[42{NBSP}%]"  # no-break: the sign never wraps alone
    assert page.render(Context({"p": None})) == page.render(Context({"p": 4.2})) == "[]"


def test_a_plural_counts_with_the_integer_and_shows_the_number():
    """In a blocktranslate the counter stays the integer that chooses the plural; the figure shown is beside it."""
    page = Template(
        "{% load i18n cicopa_formats %}{% blocktranslate count counter=n with shown=n|number %}"
        "{{ shown }} organisation{% plural %}{{ shown }} organisations{% endblocktranslate %}"
    )
    with translation.override("fr"):
        assert page.render(Context({"n": 22750})) == f"22{NNBSP}750 organisations"
        assert page.render(Context({"n": 1})) == "1 organisation"
    with translation.override("es"):
        assert page.render(Context({"n": 1234567})) == "1.234.567 organisations"


def test_every_chart_and_map_of_the_platform_is_given_the_readers_number_format():
    """core.charts and core.worldmap know no language (no Django there): their default writes numbers the English
    way. Every chart an app draws passes a formatter of core.formats or core.money, and every shaded map a label."""
    import ast
    from pathlib import Path

    import cicopa

    calls = []
    for path in Path(cicopa.__file__).resolve().parent.rglob("*.py"):
        if path.parts[-2:] in (("core", "charts.py"), ("core", "worldmap.py")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                keywords = {k.arg for k in node.keywords}
                if node.func.attr in ("bar_chart", "line_chart"):
                    calls.append((path.name, node.lineno, "number_format" in keywords))
                elif node.func.attr == "render_map" and "shading" in keywords:
                    calls.append((path.name, node.lineno, "shading_label" in keywords))
    assert len(calls) >= 5  # the statistics' trend, breakdowns and map, the clearing's two charts, the trade's
    assert [call for call in calls if not call[2]] == []
