"""What the server's log says about requests."""

from __future__ import annotations

import logging


class ClientErrorsInOneLine(logging.Filter):
    """A request refused for the client's own reason (a 4xx: permission denied, not found, too large) is
    logged in one line. Django attaches the exception it was refused with, whose traceback tells nothing
    about the platform and buries its real errors."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
