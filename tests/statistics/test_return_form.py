"""The return form: it starts from last year's return, adds one line a click, marks each wrong figure where it
is, and writes numbers in the reader's way."""

from __future__ import annotations

import re

import pytest

from cicopa.core import formats
from cicopa.statistics import services
from cicopa.statistics.models import StatisticalReturn


def _validated(kenya, alice, year, lines):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=year)
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=lines)
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)
    return ret


def _total_forms(html):
    return int(re.search(r'name="lines-TOTAL_FORMS" value="(\d+)"', html).group(1))


def _post(ret, lines, action="save", total=None):
    data = {
        "action": action,
        "lines-TOTAL_FORMS": str(total if total is not None else len(lines)),
        "lines-INITIAL_FORMS": "0",
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "200",
    }
    for i, line in enumerate(lines):
        data |= {f"lines-{i}-{k}": v for k, v in line.items()}
    return data


def _field_block(html, name):
    """The field's own block in the page: its label, message and input."""
    match = re.search(
        rf'<div class="field[^"]*">(?:(?!<div class="field).)*?name="{re.escape(name)}".*?</div>', html, flags=re.S
    )
    assert match, name
    return match.group(0)


@pytest.fixture
def fresh(kenya, alice):
    """Last year's validated return, and this year's new one."""
    _validated(
        kenya,
        alice,
        2022,
        [
            {"sector": "construction", "membership_type": "worker", "cooperatives": 120, "members": 5600},
            {"sector": "transport", "membership_type": "worker", "cooperatives": 7, "explanation": "A merger."},
        ],
    )
    return services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)


def test_a_new_return_starts_from_last_years(client, kenya, fresh):
    client.force_login(kenya["wanjiru"])
    html = client.get(f"/statistics/returns/{fresh.pk}/").content.decode()
    assert _total_forms(html) == 2  # last year's two lines, no blank one to skip
    assert re.search(r'name="lines-0-cooperatives" value="120"', html)
    assert re.search(r'name="lines-1-cooperatives" value="7"', html)
    assert "A merger." not in html  # last year's explanation explained last year's change
    assert "last year" in html.lower()
    client.post(f"/statistics/returns/{fresh.pk}/", {**_form_as_sent(html), "action": "save"})
    assert sorted(fresh.lines.values_list("sector_id", "cooperatives")) == [("construction", 120), ("transport", 7)]


def _form_as_sent(html):
    """What a browser sends for the return form as the page shows it."""
    form = re.search(r'<form method="post"[^>]*class="return-form".*?</form>', html, flags=re.S).group(0)
    data = {}
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name and 'type="checkbox"' not in tag and 'type="submit"' not in tag:
            data[name.group(1)] = value.group(1) if value else ""
    for name, body in re.findall(r'<select name="([^"]+)"[^>]*>(.*?)</select>', form, flags=re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        data[name] = chosen.group(1) if chosen else ""
    return data


def test_a_return_without_last_year_starts_with_one_blank_line(client, kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    client.force_login(kenya["wanjiru"])
    html = client.get(f"/statistics/returns/{ret.pk}/").content.decode()
    assert _total_forms(html) == 1


def test_add_a_line_adds_exactly_one_and_keeps_what_was_typed(client, kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    client.force_login(kenya["wanjiru"])
    typed = {"sector": "construction", "membership_type": "worker", "cooperatives": "12"}
    html = client.post(f"/statistics/returns/{ret.pk}/", _post(ret, [typed], action="add")).content.decode()
    assert _total_forms(html) == 2
    assert 'name="lines-0-cooperatives" value="12"' in html
    html = client.post(f"/statistics/returns/{ret.pk}/", {**_form_as_sent(html), "action": "add"}).content.decode()
    assert _total_forms(html) == 3
    assert not ret.lines.exists()  # adding a line saves nothing
    assert "error" not in _field_block(html, "lines-2-sector")  # a new blank line is not wrong


def test_wrong_figures_are_marked_beside_their_fields_and_nothing_changes(client, kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    client.force_login(kenya["wanjiru"])
    lines = [
        {"sector": "construction", "membership_type": "worker", "members": "1000", "members_women": "1200"},
        {"sector": "construction", "membership_type": "worker", "cooperatives": "-3", "turnover": "5"},
    ]
    html = client.post(f"/statistics/returns/{ret.pk}/", _post(ret, lines)).content.decode()
    women = _field_block(html, "lines-0-members_women")
    assert 'aria-invalid="true"' in women and "1,200" in women and "1,000" in women
    assert 'aria-invalid="true"' not in _field_block(html, "lines-0-members")
    assert 'aria-invalid="true"' in _field_block(html, "lines-1-cooperatives")
    assert 'aria-invalid="true"' in _field_block(html, "lines-1-sector")  # the same sector and type twice
    assert not ret.lines.exists()
    assert StatisticalReturn.objects.get(pk=ret.pk).versions.count() == 1


def test_a_blank_line_between_lines_does_not_shift_the_marks(client, kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    client.force_login(kenya["wanjiru"])
    lines = [
        {"sector": "", "membership_type": ""},
        {"sector": "construction", "membership_type": "worker", "members": "10", "members_women": "20"},
    ]
    html = client.post(f"/statistics/returns/{ret.pk}/", _post(ret, lines)).content.decode()
    assert 'aria-invalid="true"' in _field_block(html, "lines-1-members_women")
    assert 'aria-invalid="true"' not in _field_block(html, "lines-0-members_women")


@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_numbers_in_messages_are_written_the_readers_way(client, kenya, alice, lang):
    _validated(kenya, alice, 2022, [{"sector": "construction", "membership_type": "worker", "members": 5600}])
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    client.force_login(kenya["wanjiru"])
    prefix = "" if lang == "en" else f"/{lang}"
    lines = [{"sector": "construction", "membership_type": "worker", "members": "1000", "members_women": "1200"}]
    html = client.post(f"{prefix}/statistics/returns/{ret.pk}/", _post(ret, lines)).content.decode()
    assert formats.format_number(1200, lang) in html and formats.format_number(1000, lang) in html
    lines = [{"sector": "construction", "membership_type": "worker", "members": "12000"}]
    html = client.post(f"{prefix}/statistics/returns/{ret.pk}/", _post(ret, lines)).content.decode()
    assert formats.format_number(5600, lang) in html and formats.format_number(12000, lang) in html


def test_the_start_form_names_a_sole_reporter_in_full(client, kenya):
    client.force_login(kenya["wanjiru"])
    html = client.get("/statistics/returns/").content.decode()
    form = re.search(r'<section class="[^"]*returns-new.*?</section>', html, flags=re.S).group(0)
    assert "Kenya Union of Producer Co-operatives" in re.sub(r"<select.*?</select>", "", form, flags=re.S)
    assert re.search(r'<input type="hidden" name="reporter" value="kupc"', form)
    r = client.post("/statistics/returns/", {"reporter": "kupc", "year": "2023"})
    assert r.status_code == 302
