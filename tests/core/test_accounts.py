import io

import pytest
from django.core import mail
from django.core.management import call_command

from cicopa.core.models import ApiToken, AuditEntry


def test_failed_logins_are_throttled(client, dave):
    for _ in range(5):
        r = client.post("/accounts/login/", {"username": "dave", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "dave", "password": "dave-password-1"})
    assert r.status_code == 429  # locked even with the right password


def test_login_and_logout(client, dave):
    r = client.post("/accounts/login/", {"username": "dave", "password": "dave-password-1"})
    assert r.status_code == 302
    assert client.get("/accounts/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/accounts/").status_code == 302


def test_password_reset_sends_mail(client, dave):
    client.post("/accounts/password-reset/", {"email": "dave@example.org"})
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_api_token_created_once_and_revoked(client, dave):
    client.force_login(dave)
    r = client.post("/accounts/", {"name": "my script"})
    key = r.context["new_key"]
    assert key.startswith("cic_")
    token = ApiToken.objects.get(user=dave)
    assert key not in token.key_hash
    assert AuditEntry.objects.filter(action="core.api_token.create").exists()
    r = client.post("/accounts/", {"name": ""})
    assert ApiToken.objects.count() == 1
    client.post("/accounts/", {"revoke": token.pk})
    assert not ApiToken.objects.exists()


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_deploy_check_passes_with_production_settings(settings, monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)  # set for the browser tests only
    settings.DEBUG = False
    settings.SECURE_SSL_REDIRECT = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.ALLOWED_HOSTS = ["cicopa.example.org"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    out = io.StringIO()
    call_command("check", "--deploy", "--fail-level", "WARNING", stdout=out, stderr=out)
    assert "no issues" in out.getvalue()


@pytest.mark.parametrize("arg", ["--port=0", "--port=70000"])
def test_cli_rejects_bad_ports(arg):
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("demo", arg, "--no-serve")


def failed_logins(client, username, **meta):
    for _ in range(5):
        client.post("/accounts/login/", {"username": username, "password": "wrong"}, **meta)


def login(client, username, password, **meta):
    return client.post("/accounts/login/", {"username": username, "password": password}, **meta).status_code


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, settings, dave):
    settings.CICOPA_TRUSTED_PROXIES = []
    failed_logins(client, "dave", HTTP_X_FORWARDED_FOR="203.0.113.7")
    # another forwarded address changes nothing: the peer is the client, and it is locked
    assert login(client, "dave", "dave-password-1", HTTP_X_FORWARDED_FOR="198.51.100.1") == 429


def test_behind_a_trusted_proxy_only_the_forwarded_client_is_locked(client, settings, alice):
    settings.CICOPA_TRUSTED_PROXIES = ["127.0.0.1"]
    failed_logins(client, "alice", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert login(client, "alice", "alice-password-1", HTTP_X_FORWARDED_FOR="203.0.113.7") == 429
    # the secretariat, from its own address through the same proxy, still logs in
    assert login(client, "alice", "alice-password-1", HTTP_X_FORWARDED_FOR="198.51.100.1") == 302


def test_a_client_cannot_pick_its_address_by_prepending_to_the_header(client, settings, alice):
    settings.CICOPA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # the proxies appended 203.0.113.7 (the attacker) then 10.1.2.3 (an inner proxy): the rest is the attacker's
    for forged in ("198.51.100.1", "198.51.100.2", "x", ""):
        client.post(
            "/accounts/login/",
            {"username": "alice", "password": "wrong"},
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.7,10.1.2.3",
        )
    client.post(
        "/accounts/login/", {"username": "alice", "password": "wrong"}, HTTP_X_FORWARDED_FOR="203.0.113.7, 10.1.2.3"
    )
    assert login(client, "alice", "alice-password-1", HTTP_X_FORWARDED_FOR="203.0.113.7") == 429
    assert login(client, "alice", "alice-password-1", HTTP_X_FORWARDED_FOR="198.51.100.1") == 302


def test_a_forwarded_address_from_an_untrusted_peer_is_ignored(client, settings, alice):
    settings.CICOPA_TRUSTED_PROXIES = ["10.0.0.2"]
    # an attacker connecting directly claims to be forwarded for the secretariat's address
    failed_logins(client, "alice", REMOTE_ADDR="192.0.2.66", HTTP_X_FORWARDED_FOR="198.51.100.1")
    assert login(client, "alice", "alice-password-1", REMOTE_ADDR="192.0.2.66") == 429
    through_proxy = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}
    assert login(client, "alice", "alice-password-1", **through_proxy) == 302


@pytest.mark.parametrize(
    ("peer", "forwarded", "client_address"),
    [
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "198.51.100.1, 203.0.113.7", "203.0.113.7"),
        ("127.0.0.1", "203.0.113.7, 10.1.2.3, 127.0.0.1", "203.0.113.7"),
        ("127.0.0.1", "2001:db8::1", "2001:db8::1"),
        ("127.0.0.1", "not-an-address", "127.0.0.1"),  # what the proxy wrote cannot be read: its address
        ("127.0.0.1", "10.1.2.3", "10.1.2.3"),  # every hop trusted: the first
        ("192.0.2.66", "203.0.113.7", "192.0.2.66"),
    ],
)
def test_client_address(rf, settings, peer, forwarded, client_address):
    from cicopa.core.clients import client_address as address

    settings.CICOPA_TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    meta = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    assert address(rf.get("/", **meta)) == client_address


def reset(client, email, **meta):
    return client.post("/accounts/password-reset/", {"email": email}, **meta)


def same_answer(a, b):
    return (a.status_code, a.get("Location"), a.content) == (b.status_code, b.get("Location"), b.content)


def test_password_resets_are_throttled_per_email_address(client, dave):
    answers = [reset(client, "dave@example.org", REMOTE_ADDR=f"192.0.2.{i}") for i in range(1, 8)]
    assert len(mail.outbox) == 5  # from seven client addresses, five an hour
    assert all(same_answer(answer, answers[0]) for answer in answers)
    assert answers[0].status_code == 302 and answers[0]["Location"] == "/accounts/password-reset/sent/"
    reset(client, "DAVE@example.org", REMOTE_ADDR="192.0.2.99")  # the same address, written otherwise
    assert len(mail.outbox) == 5


def test_password_resets_are_throttled_per_client_address(client, settings, dave):
    settings.CICOPA_TRUSTED_PROXIES = ["127.0.0.1"]
    attacker = {"HTTP_X_FORWARDED_FOR": "203.0.113.7"}
    unknown = reset(client, "nobody@example.org", **attacker)
    for i in range(4):
        reset(client, f"nobody{i}@example.org", **attacker)
    throttled = reset(client, "dave@example.org", **attacker)  # the sixth request from that client
    assert mail.outbox == []
    # existing or not, throttled or not: one answer, nothing to tell them apart
    assert same_answer(throttled, unknown)
    sent = reset(client, "dave@example.org", HTTP_X_FORWARDED_FOR="198.51.100.1")  # another client, same proxy
    assert len(mail.outbox) == 1 and same_answer(sent, unknown)


def test_a_reset_that_cannot_be_sent_answers_the_same(client, settings, dave):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens there
    failed = reset(client, "dave@example.org")
    assert same_answer(failed, reset(client, "nobody@example.org"))


def test_a_throttle_window_starts_with_its_first_request_and_ends_an_hour_later(db, monkeypatch):
    import time

    from cicopa.core import throttle

    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert [throttle.allow("test", "k", limit=2, window=3600) for _ in range(3)] == [True, True, False]
    assert throttle.allow("test", "other key", limit=2, window=3600)
    now[0] += 3599
    assert not throttle.allow("test", "k", limit=2, window=3600)
    now[0] += 1
    assert throttle.allow("test", "k", limit=2, window=3600)
