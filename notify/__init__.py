"""Outgoing notifications: the Mailer protocol and its backends."""

from notify.mailer import LogMailer, Mailer, Message, SmtpMailer, open_mailer

__all__ = ["LogMailer", "Mailer", "Message", "SmtpMailer", "open_mailer"]
