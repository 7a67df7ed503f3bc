"""The clearing house through its pages, its API and its command, per role: the secretariat runs cycles; each
participant reads only its own statement; guessed ids answer 404."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cicopa.clearing import services
from cicopa.clearing.models import Cycle, CycleStatus, Participation
from cicopa.core.services import api_token_create
from cicopa.exchange.models import Invoice, InvoiceStatus

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def bearer(user):
    return {"HTTP_AUTHORIZATION": "Bearer " + api_token_create(actor=user, user=user, name="test")[1]}


@pytest.fixture
def proposal(joined, alice):
    cycle = services.cycle_open(actor=alice, currency="EUR", cutoff=TODAY)
    return services.cycle_propose(actor=alice, cycle=cycle)


def test_a_cooperative_takes_part_from_its_page(client, triangle, charlie):
    client.force_login(charlie)
    page = text(client.get("/clearing/"))
    assert "Menuiserie Coopérative de Lyon" in page and "The clearing terms" in page
    assert "Constructora" not in page  # only the organisations charlie acts for
    m = triangle["menuiserie"]
    refused = client.post("/clearing/participation/", {"organisation": m.pk, "action": "accept"}, follow=True)
    assert "Tick the box to accept the terms." in text(refused)
    assert not Participation.objects.exists()
    client.post("/clearing/participation/", {"organisation": m.pk, "action": "accept", "agree": "on"})
    assert Participation.objects.get().accepted_by == charlie
    assert "Leave the clearing" in text(client.get("/clearing/"))
    # Someone else's organisation: refused by the service.
    other = client.post(
        "/clearing/participation/", {"organisation": triangle["constructora"].pk, "action": "accept", "agree": "on"}
    )
    assert other.status_code == 403
    client.post("/clearing/participation/", {"organisation": m.pk, "action": "revoke"})
    assert not Participation.objects.filter(revoked_at__isnull=True).exists()


def test_the_secretariat_opens_runs_and_confirms_a_cycle_from_its_pages(client, joined, alice):
    client.force_login(alice)
    home = text(client.get("/clearing/"))
    assert "Open a cycle" in home
    opened = client.post("/clearing/cycles/", {"currency": "EUR", "cutoff": TODAY.isoformat()})
    cycle = Cycle.objects.get()
    assert opened.status_code == 302 and opened["Location"].endswith(f"/clearing/cycles/{cycle.pk}/")
    assert "Run the cycle" in text(client.get(f"/clearing/cycles/{cycle.pk}/"))
    client.post(f"/clearing/cycles/{cycle.pk}/run/")
    report = text(client.get(f"/clearing/cycles/{cycle.pk}/"))
    assert "Confirm and set off" in report and "€600.00" in report and "80.0%" in report
    assert "<svg" in report and "Liquidity saved by participant" in report
    exported = client.get(f"/clearing/cycles/{cycle.pk}/statements.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(exported.streaming_content).decode("utf-8-sig"))))
    assert {r["organisation"]: r["cleared"] for r in rows} == {
        "menuiserie": "200",
        "constructora": "200",
        "taxis-madrid": "200",
    }
    client.post(f"/clearing/cycles/{cycle.pk}/confirm/")
    assert Cycle.objects.get().status == CycleStatus.CONFIRMED
    history = text(client.get("/clearing/"))
    assert "Confirmed cycles over time" in history and "80.0%" in history


def test_a_refused_confirmation_names_the_invoice_on_the_page(client, proposal, joined, alice, charlie):
    from cicopa.exchange import invoice_services

    invoice_services.invoice_step(actor=charlie, invoice=joined["cm"], step="pay")
    client.force_login(alice)
    page = text(client.post(f"/clearing/cycles/{proposal.pk}/confirm/", follow=True))
    assert joined["cm"].number in page and "nothing was set off" in page


def test_each_participant_reads_its_own_statement_only(client, proposal, joined, charlie, erika, dave, bob):
    m, c = joined["menuiserie"], joined["constructora"]
    mine = f"/clearing/cycles/{proposal.pk}/statements/{m.pk}/"
    theirs = f"/clearing/cycles/{proposal.pk}/statements/{c.pk}/"
    client.force_login(charlie)
    page = text(client.get(mine))
    assert "Clearing statement of Menuiserie" in page and "Liquidity saved: €200.00." in page
    assert joined["cm"].number in page and joined["mt"].number in page
    assert client.get(theirs).status_code == 404
    assert client.get(f"/clearing/cycles/{proposal.pk}/").status_code == 302  # to charlie's own statement
    assert client.get(f"/clearing/cycles/{proposal.pk}/statements.csv").status_code == 404
    assert client.post(f"/clearing/cycles/{proposal.pk}/confirm/").status_code == 404
    pdf = client.get(mine + "statement.pdf")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    lines = client.get(mine + "statement.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(lines.streaming_content).decode("utf-8-sig"))))
    assert {(r["side"], r["set_off"]) for r in rows} == {("receivable", "200"), ("payable", "200")}
    client.force_login(bob)  # the officer of Menuiserie's federation acts for it
    assert client.get(mine).status_code == 200
    for user in (erika, dave):
        client.force_login(user)
        assert client.get(mine).status_code == 404
    client.logout()
    assert client.get(mine).status_code == 302  # to the login page
    assert client.get("/clearing/").status_code == 302


def test_the_statement_is_in_the_readers_language(client, proposal, joined, erika):
    client.force_login(erika)
    page = text(client.get(f"/es/clearing/cycles/{proposal.pk}/statements/{joined['constructora'].pk}/"))
    assert "200,00 €" in page


def test_the_api_per_role(client, proposal, joined, alice, charlie, erika, dave):
    url = f"/api/v1/clearing/cycles/{proposal.pk}"
    assert client.get(url).status_code == 401
    assert client.get(url, **bearer(charlie)).json()["cleared_minor"] == 60000  # a participant of the cycle
    assert client.get(url, **bearer(dave)).status_code == 404
    got = client.get(url, **bearer(alice)).json()
    assert got["status"] == "proposed" and got["cleared_minor"] == 60000 and got["net_minor"] == 10000
    statement = f"{url}/statements/menuiserie"
    mine = client.get(statement, **bearer(charlie)).json()
    assert mine["liquidity_saved"] == 20000 and {line["side"] for line in mine["invoices"]} == {"receivable", "payable"}
    for user in (erika, dave):
        assert client.get(statement, **bearer(user)).status_code == 404
    assert client.get(f"{url}/statements/no-such-org", **bearer(alice)).status_code == 404
    assert client.get("/api/v1/clearing/cycles/99999/statements/menuiserie", **bearer(alice)).status_code == 404
    assert [c["id"] for c in client.get("/api/v1/clearing/cycles", **bearer(charlie)).json()] == [proposal.pk]
    assert client.get("/api/v1/clearing/cycles", **bearer(dave)).json() == []
    assert client.post(f"{url}/confirm", **bearer(charlie)).status_code == 404
    assert client.post(f"{url}/explode", **bearer(alice)).status_code == 422  # an unknown action
    confirmed = client.post(f"{url}/confirm", **bearer(alice))
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert client.post(f"{url}/confirm", **bearer(alice)).json()["status"] == "confirmed"  # twice: nothing more
    assert Invoice.objects.get(pk=joined["tc"].pk).status == InvoiceStatus.CLEARED


def test_the_api_opens_a_cycle_and_takes_part(client, triangle, alice, charlie):
    made = client.post(
        "/api/v1/clearing/cycles", {"currency": "EUR", "cutoff": TODAY.isoformat()}, content_type="application/json",
        **bearer(alice),
    )  # fmt: skip
    assert made.status_code == 201 and made.json()["status"] == "open"
    refused = client.post(
        "/api/v1/clearing/cycles", {"currency": "EUR", "cutoff": TODAY.isoformat()}, content_type="application/json",
        **bearer(charlie),
    )  # fmt: skip
    assert refused.status_code == 403
    bad = client.post(
        "/api/v1/clearing/cycles", {"currency": "ZZZ", "cutoff": TODAY.isoformat()}, content_type="application/json",
        **bearer(alice),
    )  # fmt: skip
    assert bad.status_code == 422 and "currency" in bad.json()["detail"]
    joined = client.post(
        "/api/v1/clearing/participations", {"organisation": "menuiserie"}, content_type="application/json",
        **bearer(charlie),
    )  # fmt: skip
    assert joined.status_code == 201 and joined.json()["taking_part"]
    listed = client.get("/api/v1/clearing/participations", **bearer(charlie)).json()
    assert [(p["organisation"], p["taking_part"]) for p in listed] == [("menuiserie", True)]
    assert client.delete("/api/v1/clearing/participations/constructora", **bearer(charlie)).status_code == 403
    left = client.delete("/api/v1/clearing/participations/menuiserie", **bearer(charlie))
    assert left.status_code == 200 and not left.json()["taking_part"]


def test_the_command_runs_a_cycle_or_shows_it_without_writing(joined, alice, capsys):
    call_command("clearing", "run", "--currency", "EUR", "--cutoff", TODAY.isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "3 invoices between 3 participants" in out and "€600.00" in out and "Dry run" in out
    assert not Cycle.objects.exists() and not Invoice.objects.filter(cleared_minor__gt=0).exists()
    call_command("clearing", "run", "--currency", "EUR", "--cutoff", TODAY.isoformat())
    assert Cycle.objects.get().status == CycleStatus.CONFIRMED
    assert Invoice.objects.get(pk=joined["tc"].pk).status == InvoiceStatus.CLEARED
    with pytest.raises(CommandError, match="ISO 4217"):
        call_command("clearing", "run", "--currency", "EURO", "--cutoff", TODAY.isoformat())
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("clearing", "run", "--currency", "USD", "--cutoff", "tomorrow")


def test_the_back_office_reads_participations_and_cycles(client, proposal, alice, charlie):
    client.force_login(alice)
    for path in (
        "/admin/clearing/participation/",
        "/admin/clearing/cycle/",
        f"/admin/clearing/cycle/{proposal.pk}/change/",
    ):
        assert client.get(path).status_code == 200, path
    assert client.get("/admin/clearing/cycle/add/").status_code == 403
    client.force_login(charlie)
    assert client.get("/admin/clearing/cycle/").status_code in (302, 403)
