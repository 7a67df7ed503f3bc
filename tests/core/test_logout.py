"""Logging out says so on the page it lands on."""

from __future__ import annotations


def test_logging_out_says_so(client, dave):
    client.force_login(dave)
    r = client.post("/accounts/logout/", follow=True)
    html = r.content.decode()
    assert "You are logged out." in html
    assert "Log in" in html and "Your account" not in html
