from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cicopa.core import formats, notifications


class Command(BaseCommand):
    help = _(
        "Write today's notification digests (one e-mail a day to each person who chose it); the worker sends them. "
        "Running it again the same day sends nothing more."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = notifications.send_digests()
        self.stdout.write(
            ngettext("%(n)s digest e-mail written.", "%(n)s digest e-mails written.", len(written))
            % {"n": formats.format_number(len(written))}
        )
