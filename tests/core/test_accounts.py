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
    assert AuditEntry.objects.filter(action="api_token.create").exists()
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
