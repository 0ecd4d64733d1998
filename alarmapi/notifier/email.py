"""mailto: actions: an email through the configured SMTP server."""

from __future__ import annotations

import datetime
import email.message
import email.utils
import json
import smtplib
import ssl
import urllib.parse

from alarmapi.deliveries import Delivery
from alarmapi.notifier.base import Notifier, Outcome


def recipients(action: urllib.parse.SplitResult) -> list[str]:
    """The addresses of a mailto: URL (``mailto:a@x,b@y``)."""
    return [urllib.parse.unquote(a).strip() for a in action.path.split(",") if a.strip()]


def message(delivery: Delivery, sender: str, to: list[str]) -> email.message.EmailMessage:
    """The email: which alarm, which state it entered (from which), and why."""
    n = delivery.notification
    msg = email.message.EmailMessage()
    msg["Subject"] = f'[alarmapi] Alarm "{n.alarm_name}" is now {n.current} (was {n.previous})'
    msg["From"] = sender
    msg["To"] = ", ".join(to)
    msg["Date"] = email.utils.format_datetime(n.created_at.replace(tzinfo=datetime.UTC))
    # The same Message-ID on every attempt lets mail systems drop duplicates.
    msg["Message-ID"] = f"<{delivery.key}@alarmapi>"
    msg["Idempotency-Key"] = delivery.key
    msg.set_content(
        f"Alarm:     {n.alarm_name} ({n.alarm_id})\n"
        f"Project:   {n.project_id}\n"
        f"Severity:  {n.severity}\n"
        f"State:     {n.previous} -> {n.current}\n"
        f"At:        {n.created_at.isoformat()} UTC\n"
        f"Reason:    {n.reason}\n\n"
        f"Details:\n{json.dumps(n.reason_data, indent=2, sort_keys=True, default=str)}\n")
    return msg


class EmailNotifier(Notifier):
    """Sends one email per delivery."""

    def notify(self, action: urllib.parse.SplitResult, delivery: Delivery) -> Outcome:
        to = recipients(action)
        if not to:
            return Outcome.failed(f"{action.geturl()} names no recipient")
        opts = self.conf.notifier
        msg = message(delivery, opts.smtp_from, to)
        try:
            with self._connect() as smtp:
                refused = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as exc:
            return Outcome.failed(f"recipients refused: {exc.recipients}")
        except smtplib.SMTPResponseException as exc:
            detail = f"SMTP {exc.smtp_code} {exc.smtp_error!r}"
            return Outcome.retry(detail) if exc.smtp_code < 500 else Outcome.failed(detail)
        except (OSError, smtplib.SMTPException) as exc:
            return Outcome.retry(f"SMTP server {opts.smtp_host}:{opts.smtp_port}: {exc}")
        if refused:
            return Outcome.delivered(f"sent, but refused for {sorted(refused)}")
        return Outcome.delivered(f"sent to {', '.join(to)}")

    def _connect(self) -> smtplib.SMTP:
        opts = self.conf.notifier
        smtp: smtplib.SMTP
        if opts.smtp_security == "tls":
            smtp = smtplib.SMTP_SSL(opts.smtp_host, opts.smtp_port, timeout=opts.smtp_timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(opts.smtp_host, opts.smtp_port, timeout=opts.smtp_timeout)
        try:
            if opts.smtp_security == "starttls":
                smtp.starttls(context=ssl.create_default_context())
            if opts.smtp_user:
                smtp.login(opts.smtp_user, opts.smtp_password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp
