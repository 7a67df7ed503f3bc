"""The back office reads experiences and topics; it writes neither (the review queue and the services do)."""

import pytest

pytestmark = pytest.mark.django_db


def test_secretariat_reads_experiences_and_topics(client, alice, published):
    client.force_login(alice)
    assert "Reprise de la menuiserie" in client.get("/admin/knowledge/experience/").content.decode()
    page = client.get(f"/admin/knowledge/experience/{published.pk}/change/")
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert "Worker buy-outs" in client.get("/admin/knowledge/topic/").content.decode()
    assert client.get("/admin/knowledge/experience/add/").status_code == 403


def test_others_are_kept_out(client, bob, published):
    client.force_login(bob)
    assert client.get("/admin/knowledge/experience/").status_code == 302
