"""Money and numbers as each reader writes them (CLDR through Babel), read back from what people type, and the
currencies a new amount may be in."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from cicopa.core import money

NNBSP, NBSP = "\u202f", "\u00a0"  # CLDR's French group separator; the space before a currency sign


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", {"EUR": "€1,234.50", "USD": "$1,234.50", "JPY": "¥1,234", "KWD": "KWD1,234.567"}),
        (
            "fr",
            {
                "EUR": f"1{NNBSP}234,50{NBSP}€",
                "USD": f"1{NNBSP}234,50{NBSP}$US",
                "JPY": f"1{NNBSP}234{NBSP}JPY",
                "KWD": f"1{NNBSP}234,567{NBSP}KWD",
            },
        ),
        (
            "es",
            {
                "EUR": f"1.234,50{NBSP}€",
                "USD": f"1.234,50{NBSP}US$",
                "JPY": f"1.234{NBSP}JPY",
                "KWD": f"1.234,567{NBSP}KWD",
            },
        ),
    ],
)
def test_amounts_are_written_as_the_readers_language_writes_them(language, expected):
    minor = {"EUR": 123450, "USD": 123450, "JPY": 1234, "KWD": 1234567}
    assert {code: money.format_money(minor[code], code, language) for code in expected} == expected


def test_the_language_is_by_default_the_active_one():
    assert money.format_money(123450, "EUR") == "€1,234.50"
    with translation.override("fr"):
        assert money.format_money(123450, "EUR") == f"1{NNBSP}234,50{NBSP}€"
        assert money.format_decimal(Decimal("1234.5")) == f"1{NNBSP}234,5"
    with translation.override("es"):
        assert money.format_money(5, "EUR") == f"0,05{NBSP}€"


def test_any_language_cldr_knows_and_a_fallback_for_the_others():
    assert money.format_money(123450, "BRL", "pt-BR") == f"R${NBSP}1.234,50"
    assert money.format_money(123450, "EUR", "de") == f"1.234,50{NBSP}€"
    assert money.format_money(123450, "EUR", "xx") == "€1,234.50"  # no such language: English


def test_minor_units_follow_the_currency():
    assert money.currency_digits("EUR") == 2
    assert (money.currency_digits("JPY"), money.currency_digits("XOF")) == (0, 0)
    assert (money.currency_digits("KWD"), money.currency_digits("TND")) == (3, 3)
    assert money.minor_to_decimal(123450, "EUR") == Decimal("1234.50")
    assert str(money.minor_to_decimal(123450, "EUR")) == "1234.50"
    assert str(money.minor_to_decimal(1234, "JPY")) == "1234"
    assert str(money.minor_to_decimal(1234567, "TND")) == "1234.567"
    assert money.decimal_to_minor(Decimal("1234.5"), "EUR") == 123450
    assert money.format_money(-150, "EUR", "en") == "-€1.50"  # a credit note's amount


def test_amounts_are_integers_and_currencies_known():
    with pytest.raises(TypeError):
        money.format_money(12.5, "EUR")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        money.minor_to_decimal(True, "EUR")
    with pytest.raises(ValueError, match="Unknown currency: ZZZ"):
        money.format_money(100, "ZZZ")
    with pytest.raises(ValueError, match="at most 2 decimals"):
        money.decimal_to_minor(Decimal("1.005"), "EUR")


@pytest.mark.parametrize("language", ["en", "fr", "es", "de"])
@pytest.mark.parametrize("currency", ["EUR", "USD", "JPY", "KWD", "XOF", "INR"])
@pytest.mark.parametrize("minor", [0, 5, 123450, 1234567, 100000000, 987654321012])
def test_what_is_written_reads_back_as_the_same_amount(language, currency, minor):
    written = money.format_money(minor, currency, language)
    assert money.parse_money(written, currency, language) == minor
    plain = money.format_decimal(money.minor_to_decimal(minor, currency), language)
    assert money.parse_money(plain, currency, language) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "language", "minor"),
    [
        ("1 234,50", "EUR", "fr", 123450),
        (f"1{NNBSP}234,50", "EUR", "fr", 123450),
        ("1,234.50", "EUR", "fr", 123450),  # both marks: the last one is the decimal mark
        ("1.234,50", "EUR", "en", 123450),
        ("1234.5", "EUR", "fr", 123450),
        ("1234,5", "EUR", "en", 123450),
        ("1,234", "EUR", "en", 123400),  # English groups with a comma
        ("1.234", "EUR", "es", 123400),  # Spanish with a dot
        ("1,5", "EUR", "en", 150),  # a lone comma not followed by three digits: decimals
        ("  12  ", "EUR", "en", 1200),
        ("€12.30", "EUR", "en", 1230),
        ("12,30 €", "EUR", "fr", 1230),
        ("12.30 EUR", "EUR", "es", 1230),
        ("US$ 12", "USD", "es", 1200),
        ("1'234.50", "CHF", "de", 123450),
        ("12,34,567.50", "INR", "en", 123456750),  # Indian grouping
        ("1 234", "JPY", "fr", 1234),
        ("1.234,567", "KWD", "es", 1234567),
        (".5", "EUR", "en", 50),
        ("0", "EUR", "en", 0),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, currency, language, minor):
    assert money.parse_money(typed, currency, language) == minor


@pytest.mark.parametrize(
    ("typed", "currency", "language", "message"),
    [
        ("", "EUR", "en", "Give an amount."),
        ("   ", "EUR", "en", "Give an amount."),
        ("€", "EUR", "en", "Give an amount."),
        ("-5", "EUR", "en", "The amount cannot be negative."),
        ("\u22125,00", "EUR", "fr", "The amount cannot be negative."),
        ("(12.00)", "EUR", "en", "The amount cannot be negative."),
        ("12-", "EUR", "en", "The amount cannot be negative."),
        ("12.345", "EUR", "fr", "Amounts in EUR have at most 2 decimals."),
        ("1,234.567", "USD", "en", "Amounts in USD have at most 2 decimals."),
        ("1234.5", "JPY", "en", "Amounts in JPY have no decimals."),
        ("0.0001", "KWD", "en", "Amounts in KWD have at most 3 decimals."),
        ("abc", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("12abc", "EUR", "fr", f"Give the amount as a number, such as 1{NNBSP}234,50."),
        ("1e5", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("1,2,3", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("1,,234", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("1.234.5", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("12.5.6,7", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("\u0661\u0662", "EUR", "en", "Give the amount as a number, such as 1,234.50."),  # Arabic-Indic digits
        ("12 USD", "EUR", "en", "Give the amount as a number, such as 1,234.50."),  # another currency
        ("NaN", "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("1" * 100, "EUR", "en", "Give the amount as a number, such as 1,234.50."),
        ("1234", "JPY", "en", None),
        ("10000000000000", "EUR", "en", "The amount is too large."),
        ("12", "FRF", "fr", None),  # a withdrawn currency still reads (an old document), the app decides
    ],
)
def test_what_is_not_an_amount_is_refused_with_a_message(typed, currency, language, message):
    if message is None:
        assert money.parse_money(typed, currency, language) >= 0
        return
    with pytest.raises(ValueError) as refused:
        money.parse_money(typed, currency, language)
    assert str(refused.value) == message


def test_an_unknown_currency_is_refused_when_reading():
    with pytest.raises(ValueError, match="Unknown currency: XYZ"):
        money.parse_money("12", "XYZ", "en")


def test_the_currencies_offered_are_those_in_use():
    codes = [code for code, _label in money.currency_choices("en")]
    assert {"EUR", "USD", "XOF", "XAF", "KES", "INR", "JPY", "KWD", "TND", "BRL"} <= set(codes)
    assert not {"DEM", "FRF", "ESP", "VEB", "ITL", "XEU", "ZWD", "HRK"} & set(codes)  # withdrawn
    assert not {"XAU", "XDR", "CLF", "XXX", "XTS"} & set(codes)  # gold, drawing rights, funds, codes for no currency
    assert len(codes) == len(set(codes)) > 140
    for code in ("EUR", "XOF", "KES", "INR"):
        assert money.is_known_currency(code)
    for code in ("DEM", "FRF", "ESP", "VEB", "XAU", "eur", "", "EURO"):
        assert not money.is_known_currency(code)


def test_the_currencies_are_named_in_the_readers_language_common_ones_first():
    french = dict(money.currency_choices("fr"))
    assert french["EUR"] == "Euro (EUR)"
    assert french["XOF"] == "Franc CFA (BCEAO) (XOF)"
    spanish = money.currency_choices("es")
    assert dict(spanish)["KES"] == "Chelín keniano (KES)"
    common = [code for code, _label in spanish[: len(money.COMMON_CURRENCIES)]]
    assert sorted(common) == sorted(money.COMMON_CURRENCIES)
    rest = [label for _code, label in spanish[len(money.COMMON_CURRENCIES) :]]
    from cicopa.core.text import fold

    assert rest == sorted(rest, key=fold)  # alphabetical, accents aside: "Chelín" among the C's
    assert money.currency_choices("en", first=("KES",))[0] == ("KES", "Kenyan Shilling (KES)")
    with translation.override("fr"):
        assert dict(money.currency_choices())["USD"] == "Dollar des États-Unis (USD)"


def test_currency_names():
    assert money.currency_name("EUR", "en") == "Euro"
    assert money.currency_name("INR", "fr") == "roupie indienne"
    assert money.currency_name("FRF", "fr") == "franc français"  # an old document still names its currency
    with translation.override("es"):
        assert money.currency_name("USD") == "dólar estadounidense"


def test_numbers_are_written_in_the_readers_language():
    assert money.format_decimal(1234567.5, "en") == "1,234,567.5"
    assert money.format_decimal(Decimal("1234.50"), "fr") == f"1{NNBSP}234,5"
    assert money.format_decimal(Decimal("1234.5"), "es", digits=2) == "1.234,50"
    assert money.format_decimal(Decimal("0.125"), "en", digits=2) == "0.12"  # half to even
    assert money.format_decimal(3, "fr", digits=1) == "3,0"
    assert money.format_decimal(Decimal("0.0000001"), "en") == "0.0000001"  # no decimal lost
    with pytest.raises(TypeError):
        money.format_decimal("12", "en")  # type: ignore[arg-type]


def test_template_filters():
    template = Template(
        "{% load cicopa_formats %}[{{ total|money:currency }}] [{{ share|number }}] [{{ share|number:2 }}]"
    )
    context = {"total": 123450, "currency": "EUR", "share": Decimal("12.5")}
    assert template.render(Context(context)) == "[€1,234.50] [12.5] [12.50]"
    with translation.override("fr"):
        assert template.render(Context(context)) == f"[1{NNBSP}234,50{NBSP}€] [12,5] [12,50]"
    quiet = {"total": None, "currency": "EUR", "share": "n/a"}
    assert template.render(Context(quiet)) == "[] [] []"
    assert template.render(Context({"total": 12.5, "currency": "EUR", "share": 1})) == "[] [1] [1.00]"
    assert template.render(Context({"total": 100, "currency": "ZZZ", "share": 1})) == "[] [1] [1.00]"
