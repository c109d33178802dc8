"""Mail backends: `log` writes messages to the log (the default), `smtp` sends them via aiosmtplib."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Protocol

import aiosmtplib

log = logging.getLogger("renda.mail")


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    text: str


class Mailer(Protocol):
    async def send(self, message: Message) -> None:
        """Deliver one message or raise; callers decide whether to retry."""


class LogMailer:
    """Writes mail to the log instead of sending it: the embedded default."""

    def __init__(self) -> None:
        self.sent: list[Message] = []

    async def send(self, message: Message) -> None:
        self.sent.append(message)
        log.info("mail to=%s subject=%s\n%s", message.to, message.subject, message.text)


class SmtpMailer:
    def __init__(self, host: str, port: int, sender: str, username: str = "", password: str = "",
                 tls: str = "none", timeout: float = 15.0) -> None:
        self.host, self.port, self.sender = host, port, sender
        self.username, self.password, self.tls, self.timeout = username, password, tls, timeout

    async def send(self, message: Message) -> None:
        email = EmailMessage()
        email["From"] = self.sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email.set_content(message.text)
        await aiosmtplib.send(
            email,
            hostname=self.host,
            port=self.port,
            username=self.username or None,
            password=self.password or None,
            use_tls=self.tls == "tls",
            start_tls=(self.tls == "starttls"),
            timeout=self.timeout,
        )


def open_mailer(settings) -> Mailer:
    if settings.mail_backend == "smtp":
        return SmtpMailer(settings.smtp_host, settings.smtp_port, settings.mail_from,
                          settings.smtp_username, settings.smtp_password, settings.smtp_tls)
    return LogMailer()
