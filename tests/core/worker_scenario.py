"""Run by tests/core/test_worker_process.py in a process of its own, against the database the workers use:

python worker_scenario.py notify    -> makes a person and notifies them (one e-mail to send); prints the ids
python worker_scenario.py invoice   -> the same through the exchange: an invoice whose buyer is told by e-mail
python worker_scenario.py state ID  -> prints the e-mail's state and its tasks' states as JSON
"""

from __future__ import annotations

import json
import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cicopa.settings")

import django

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402

from cicopa.core import notifications  # noqa: E402
from cicopa.core.models import OutboxEmail  # noqa: E402


def notify() -> None:
    user = get_user_model().objects.create_user("dora", "dora@example.org", "dora-password-1")
    notification = notifications.notify(
        user=user,
        kind="core.test",
        subject=_("You are logged in as %(username)s."),
        body_template="core/email/notification.txt",  # any template: this one is the platform's own
        context={"username": user.username, "body": "A widget is ready."},
        url="/members/",
    )
    assert notification is not None
    email = OutboxEmail.objects.get(key=f"notification:{notification.pk}")
    print(json.dumps({"email": email.pk}))


def invoice() -> None:
    """An invoice from one co-operative to another, through the exchange's service: its buyer's person (dora)
    is told by e-mail."""
    from cicopa.core.models import Country
    from cicopa.exchange import invoice_services
    from cicopa.registry import access_services
    from cicopa.registry import services as registry

    User = get_user_model()
    staff = User.objects.create_user("sam", "sam@example.org", "sam-password-1", is_staff=True)
    seller_person = User.objects.create_user("sol", "sol@example.org", "sol-password-1")
    dora = User.objects.create_user("dora", "dora@example.org", "dora-password-1")
    fr = Country.objects.get(iso2="FR")
    seller = registry.organisation_create(actor=staff, data={"kind": "cooperative", "name": "Scop A", "country": fr})
    buyer = registry.organisation_create(actor=staff, data={"kind": "cooperative", "name": "Scop B", "country": fr})
    access_services.access_grant(actor=staff, user=seller_person, organisation=seller, role="editor")
    access_services.access_grant(actor=staff, user=dora, organisation=buyer, role="editor")
    invoice_services.invoice_enter(
        actor=seller_person,
        seller=seller,
        buyer=buyer,
        data={"currency": "EUR", "lines": [{"description": "Tables", "unit_price_minor": 12000}]},
    )
    email = OutboxEmail.objects.get(to="dora@example.org")
    print(json.dumps({"email": email.pk}))


def state(email_id: int) -> None:
    email = OutboxEmail.objects.get(pk=email_id)
    out = {"email": email.status}
    if "django_tasks_db" in django.conf.settings.INSTALLED_APPS:
        from django_tasks_db.models import DBTaskResult

        out["tasks"] = [
            {"status": row.status, "workers": len(row.worker_ids)}
            for row in DBTaskResult.objects.filter(task_path="cicopa.core.tasks.send_email").order_by("enqueued_at")
        ]
    print(json.dumps(out))


if __name__ == "__main__":
    if sys.argv[1] == "notify":
        notify()
    elif sys.argv[1] == "invoice":
        invoice()
    else:
        state(int(sys.argv[2]))
