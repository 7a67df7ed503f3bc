"""Entry, checks and workflow of yearly returns, for each role."""

import pytest

from cicopa.core.errors import PermissionDenied, ValidationError
from cicopa.core.models import AuditEntry
from cicopa.statistics import queries, services
from cicopa.statistics.models import ReturnLine, ReturnStatus


def line(sector="construction", mtype="worker", **figures):
    return {"sector": sector, "membership_type": mtype, **figures}


def test_officer_enters_submits_secretariat_validates(kenya, alice):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    warnings = services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[
            line(cooperatives=120, members=5000, members_women=2100, worker_members=4000, estimated=["members"]),
            line("artisanal", "producer", cooperatives=30, members=900, producer_members=850),
        ],
    )
    assert warnings == []
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    assert queries.series(queries.StatsFilters(), "world") == {}  # not public before validation
    services.return_validate(actor=alice, statistical_return=ret)
    world = queries.series(queries.StatsFilters(), "world")["world"][2023]
    assert world.value == 150 and not world.estimated
    members = queries.series(queries.StatsFilters(measure="members"), "world")["world"][2023]
    assert members.value == 5900 and members.estimated
    assert [v.action for v in ret.versions.order_by("number")] == ["create", "edit", "submitted", "validated"]
    assert AuditEntry.objects.filter(action="statistics.return.validated", actor=alice).exists()


def test_returned_with_comment_then_fixed_and_resubmitted(kenya, alice):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[line(cooperatives=12)])
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    with pytest.raises(ValidationError):
        services.return_send_back(actor=alice, statistical_return=ret, comment="  ")
    with pytest.raises(ValidationError) as exc:
        services.return_send_back(actor=alice, statistical_return=ret, comment="x" * 5_001)
    assert "at most 5,000 characters (this one has 5,001)" in exc.value.message_dict["comment"][0]
    ret = services.return_send_back(actor=alice, statistical_return=ret, comment="12 looks like 120?")
    assert ret.status == ReturnStatus.RETURNED and ret.comment == "12 looks like 120?"
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[line(cooperatives=120)])
    services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)
    assert queries.series(queries.StatsFilters(), "world")["world"][2023].value == 120
    snapshots = [v.snapshot["lines"][0]["cooperatives"] for v in ret.versions.order_by("number") if v.snapshot["lines"]]
    assert snapshots[0] == 12 and snapshots[-1] == 120


def test_who_may_do_what(kenya, alice, dave):
    with pytest.raises(PermissionDenied):
        services.return_create(actor=kenya["otieno"], reporter=kenya["union"], year=2023)
    with pytest.raises(PermissionDenied):
        services.return_create(actor=dave, reporter=kenya["union"], year=2023)
    ret = services.return_create(actor=kenya["amina"], reporter=kenya["coop"], year=2023)  # a co-operative for itself
    services.return_save_lines(actor=kenya["amina"], statistical_return=ret, lines=[line(cooperatives=1)])
    services.return_submit(actor=kenya["amina"], statistical_return=ret)
    with pytest.raises(PermissionDenied):
        services.return_validate(actor=kenya["wanjiru"], statistical_return=ret)
    with pytest.raises(PermissionDenied):
        services.return_send_back(actor=kenya["amina"], statistical_return=ret, comment="x")
    with pytest.raises(ValidationError):  # a submitted return cannot be edited
        services.return_save_lines(actor=kenya["amina"], statistical_return=ret, lines=[line(cooperatives=2)])
    services.return_validate(actor=alice, statistical_return=ret)
    with pytest.raises(ValidationError):
        services.return_validate(actor=alice, statistical_return=ret)


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([line(cooperatives=-1)], "cannot be negative"),
        ([line(members=10, members_women=11)], "cannot be more than members"),
        ([line(members=10, worker_members=12)], "cannot be more than members"),
        ([line(employees=5, employees_women=6)], "cannot be more than employees"),
        ([line(cooperatives=1), line(cooperatives=2)], "already on line 1"),
        ([line(sector="fishing")], "Unknown sector"),
        ([line(mtype="serf")], "Unknown membership type"),
        ([line(cooperatives="many")], "not a number"),
        ([line(cooperatives="1.5")], "whole number"),
        ([line(turnover=1000)], "ISO 4217"),
        ([line(turnover=1000, currency="EUX")], "ISO 4217"),
        ([line(estimated=["members", "luck"])], "luck"),
        ([line(members=10**20)], "too large: at most 999,999,999,999"),
        ([line(members="99999999999999999999")], "too large"),
        ([line(turnover="1e20", currency="EUR")], "too large"),
        ([line(turnover=float("nan"), currency="EUR")], "not a number"),
        ([line(turnover="Infinity", currency="EUR")], "not a number"),
        ([line(cooperatives="NaN")], "not a number"),
        ([line(cooperatives=3, source="Census\x0b2024")], "source: contains an invisible control character"),
    ],
)
def test_checks_reject_and_change_nothing(kenya, lines, message):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[line(cooperatives=7)])
    with pytest.raises(ValidationError) as exc:
        services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=lines)
    assert message in str(exc.value)
    assert list(ret.lines.values_list("cooperatives", flat=True)) == [7]


def test_year_must_be_in_range_and_unique(kenya):
    for year in (1899, 2999):
        with pytest.raises(ValidationError):
            services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=year)
    services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2020)
    with pytest.raises(ValidationError):
        services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2020)


def test_large_change_needs_an_explanation(kenya, alice):
    first = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2022)
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=first, lines=[line(cooperatives=100)])
    services.return_submit(actor=kenya["wanjiru"], statistical_return=first)
    services.return_validate(actor=alice, statistical_return=first)
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    warnings = services.return_save_lines(
        actor=kenya["wanjiru"], statistical_return=ret, lines=[line(cooperatives=160)]
    )
    assert [w.field for w in warnings] == ["cooperatives"]  # saved, with a warning
    with pytest.raises(ValidationError, match="explain why"):
        services.return_submit(actor=kenya["wanjiru"], statistical_return=ret)
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[line(cooperatives=160, explanation="Merger with the artisans' union")],
    )
    assert services.return_submit(actor=kenya["wanjiru"], statistical_return=ret).status == "submitted"


def test_designated_reporter_prevails_and_cooperatives_are_not_counted_twice(kenya, alice):
    def validated(reporter, actor, figures):
        ret = services.return_create(actor=actor, reporter=reporter, year=2023)
        services.return_save_lines(actor=actor, statistical_return=ret, lines=[line(**figures)])
        services.return_submit(actor=actor, statistical_return=ret)
        services.return_validate(actor=alice, statistical_return=ret)

    validated(kenya["coop"], kenya["amina"], {"cooperatives": 1})
    world = lambda: queries.series(queries.StatsFilters(), "world")["world"][2023].value  # noqa: E731
    assert world() == 1  # alone, the co-operative's own return counts
    validated(kenya["other"], kenya["otieno"], {"cooperatives": 80})
    assert world() == 80  # a national figure includes the co-operative
    validated(kenya["union"], kenya["wanjiru"], {"cooperatives": 60})
    assert world() == 80  # no designation: the reporter with the most co-operatives
    services.designate_reporter(actor=alice, country=kenya["country"], organisation=kenya["union"])
    assert world() == 60
    assert ReturnLine.objects.filter(counted=True).count() == 1
    with pytest.raises(PermissionDenied):
        services.designate_reporter(actor=kenya["wanjiru"], country=kenya["country"], organisation=kenya["union"])


def test_versions_say_what_changed(kenya, client):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    services.return_save_lines(actor=kenya["wanjiru"], statistical_return=ret, lines=[line(cooperatives=12)])
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[line(cooperatives=120), line("transport", "worker", cooperatives=3)],
    )
    changes = queries.version_changes(list(ret.versions.all()))
    assert [(c.line, c.field, c.old, c.new) for c in changes[3]] == [
        ("construction/worker", "cooperatives", 12, 120),
        ("transport/worker", "", None, "added"),
    ]
    client.force_login(kenya["wanjiru"])
    html = client.get(f"/statistics/returns/{ret.pk}/").content.decode()
    assert "12 → 120" in html and "line added" in html


def test_an_unknown_figure_is_not_an_estimate(kenya):
    ret = services.return_create(actor=kenya["wanjiru"], reporter=kenya["union"], year=2023)
    services.return_save_lines(
        actor=kenya["wanjiru"],
        statistical_return=ret,
        lines=[line(cooperatives=5, estimated=["cooperatives", "members"])],
    )
    assert ret.lines.get().estimated == ["cooperatives"]
