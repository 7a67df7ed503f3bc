"""Run by tests/core/test_worker_process.py in a process of its own, against the database the workers use:

python worker_scenario.py notify    -> makes a person and notifies them (one e-mail to send); prints the ids
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
    else:
        state(int(sys.argv[2]))
