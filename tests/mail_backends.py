"""E-mail backends for tests that run the worker in other processes, where Django's locmem outbox cannot be read."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.mail.backends import filebased


class PausingFileBackend(filebased.EmailBackend):
    """Django's file backend (one file per e-mail sent, in the folder CICOPA_TEST_MAIL_DIR), which stops in the
    middle of a send while the file named by CICOPA_TEST_PAUSE_FILE exists, after writing `<that file>.reached`:
    the test then knows the worker is mid-task, and kills it there."""

    def __init__(self, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(file_path=os.environ["CICOPA_TEST_MAIL_DIR"], **kwargs)

    def send_messages(self, email_messages):  # type: ignore[no-untyped-def]
        pause = os.environ.get("CICOPA_TEST_PAUSE_FILE")
        if pause and os.path.exists(pause):
            Path(f"{pause}.reached").write_text(str(os.getpid()))
            while os.path.exists(pause):
                time.sleep(0.05)
        return super().send_messages(email_messages)
