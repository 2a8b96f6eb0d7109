"""E-mail backends for tests (settings.EMAIL_BACKEND): a mail server that is down, one that refuses an address."""
import smtplib

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

REFUSED = "c@example.gov.cn"


class DownBackend(BaseEmailBackend):
    """The mail server cannot be reached: opening the connection fails, as smtplib does."""

    def open(self):
        raise ConnectionRefusedError(111, "Connection refused")

    def send_messages(self, email_messages):
        self.open()


class RefusesOneBackend(LocmemBackend):
    """Takes every message into mail.outbox except those addressed to REFUSED."""

    def send_messages(self, messages):
        for message in messages:
            if REFUSED in message.to:
                raise smtplib.SMTPRecipientsRefused({REFUSED: (550, b"mailbox unavailable")})
        return super().send_messages(messages)
