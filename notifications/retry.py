"""When to try an e-mail again: exponential backoff with jitter, and which refusals are final.

A temporary failure (the server is down, times out, or answers 4xx) is retried for
``settings.OUTBOX_RETRY_HOURS`` (48 h by default) from the message's creation or its last
resend by staff; a permanent refusal (5xx: no such mailbox, message rejected) fails at once,
because sending it again would only be refused again.
"""

import random
import smtplib
from datetime import timedelta

from django.conf import settings

FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=1)


def retry_delay(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: doubling from 30 s up to 1 h, with "equal
    jitter" (half fixed, half random) so messages that failed together do not return together."""
    ceiling = min(MAX_DELAY, FIRST_DELAY * (2 ** max(attempts - 1, 0)))
    return ceiling / 2 + ceiling / 2 * random.random()


def retry_window() -> timedelta:
    return timedelta(hours=settings.OUTBOX_RETRY_HOURS)


def _smtp_codes(exc: BaseException) -> list[int]:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return [code for code, _message in exc.recipients.values()]
    if isinstance(exc, smtplib.SMTPResponseException):
        return [exc.smtp_code]
    return []


def is_permanent(exc: BaseException) -> bool:
    """A 5xx answer about this message or its recipient. A refused log-in (535) is not: it is the
    server's configuration, and every message will go once it is fixed."""
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    codes = _smtp_codes(exc)
    return bool(codes) and all(500 <= code < 600 for code in codes)


def is_server_unreachable(exc: BaseException) -> bool:
    """The server itself failed (refused, timed out, hung up, refused our log-in), not this message:
    the sweep stops there instead of trying every message against a server that is down."""
    if isinstance(exc, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError | smtplib.SMTPAuthenticationError):
        return True
    return isinstance(exc, OSError) and not isinstance(exc, smtplib.SMTPException)
