"""The secretariat designates, country by country, whose figures prevail."""

import pytest

from cicopa.core.models import AuditEntry
from cicopa.statistics import queries, services
from cicopa.statistics.models import DesignatedReporter

URL = "/statistics/reporters/"


def _validated(reporter, actor, alice, cooperatives):
    ret = services.return_create(actor=actor, reporter=reporter, year=2023)
    services.return_save_lines(
        actor=actor,
        statistical_return=ret,
        lines=[{"sector": "construction", "membership_type": "worker", "cooperatives": cooperatives}],
    )
    services.return_submit(actor=actor, statistical_return=ret)
    services.return_validate(actor=alice, statistical_return=ret)


@pytest.fixture
def two_reporters(kenya, alice):
    _validated(kenya["other"], kenya["otieno"], alice, 80)
    _validated(kenya["union"], kenya["wanjiru"], alice, 60)
    return kenya


def _world():
    return queries.series(queries.StatsFilters(), "world")["world"][2023].value


@pytest.mark.parametrize("who", [None, "wanjiru", "amina"])
def test_only_the_secretariat_designates(client, two_reporters, who):
    if who:
        client.force_login(two_reporters[who])
    r = client.get(URL)
    assert r.status_code == (302 if who is None else 403)
    if who:
        country = two_reporters["country"].iso2
        assert client.post(URL, {"country": country, "organisation": "kupc"}).status_code == 403
    assert not DesignatedReporter.objects.exists()


def test_secretariat_designates_changes_and_removes(client, two_reporters, alice):
    client.force_login(alice)
    html = client.get(URL).content.decode()
    assert "Kenya" in html and "to decide" in html
    assert "Kenya Union of Producer Co-operatives" in html and "Artisans&#x27; Federation of Kenya" in html
    assert _world() == 80  # no designation: the reporter with the most co-operatives
    r = client.post(URL, {"country": "KE", "organisation": "kupc"}, follow=True)
    assert "now prevail for Kenya" in r.content.decode() and "to decide" not in r.content.decode()
    assert _world() == 60
    client.post(URL, {"country": "KE", "organisation": ""})
    assert not DesignatedReporter.objects.exists() and _world() == 80
    assert [e.action for e in AuditEntry.objects.filter(action__startswith="statistics.reporter.").order_by("id")] == [
        "statistics.reporter.designate",
        "statistics.reporter.undesignate",
    ]


def test_a_reporter_from_another_country_is_refused(client, two_reporters, alice, federation):
    client.force_login(alice)
    r = client.post(URL, {"country": "KE", "organisation": "cg-scop"}, follow=True)
    assert "is not in Kenya" in r.content.decode()
    assert not DesignatedReporter.objects.exists()
    assert client.post(URL, {"country": "XX", "organisation": "kupc"}).status_code == 404
