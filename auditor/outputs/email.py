"""Mail the report: a plain-text summary plus the HTML report, over SMTP (stdlib only).

Settings come from the environment: SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM,
SMTP_STARTTLS or SMTP_SSL (1/true/yes), and optionally SMTP_CA_FILE (a private CA bundle) and
SMTP_TIMEOUT (seconds). The password is only ever handed to ``smtplib.login``: it is not in any
repr, message, log or file, and every error text is scrubbed of it before it leaves this module.

Many mail clients (Gmail on the web, Outlook) do not show ``data:`` URI images, so the mailed copy
of the report carries its screenshot thumbnails as inline parts (multipart/related, ``cid:``).
Structure: multipart/alternative [text/plain, multipart/related [text/html, image/jpeg ...]].
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid
from pathlib import Path
from typing import Any

from auditor.errors import DeliveryError, InputError
from auditor.models import AuditRun
from auditor.outputs import history
from auditor.policy import run_items
from auditor.registry import is_loopback

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_DATA_IMG = re.compile(r'src="data:image/(jpeg|png);base64,([A-Za-z0-9+/=]+)"')
MAX_LISTED = 25  # accounts listed by name in the plain-text summary


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    starttls: bool = False
    ssl: bool = False
    ca_file: str | None = None
    timeout: float = 30.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SmtpSettings:
        """Read and check the settings; a problem is bad input (exit 2) before anything runs."""
        env = os.environ if env is None else env

        def flag(name: str) -> bool:
            value = env.get(name, "").strip().lower()
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
            raise InputError(f"{name}={env.get(name)!r}: use 1/true/yes or 0/false/no")

        host = env.get("SMTP_HOST", "").strip()
        if not host:
            raise InputError("--email-to needs SMTP_HOST (and SMTP_FROM) in the environment")
        use_ssl, starttls = flag("SMTP_SSL"), flag("SMTP_STARTTLS")
        if use_ssl and starttls:
            raise InputError("set SMTP_SSL (implicit TLS, port 465) or SMTP_STARTTLS (port 587), not both")
        port_text = env.get("SMTP_PORT", "").strip() or ("465" if use_ssl else "587" if starttls else "25")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise InputError(f"SMTP_PORT={port_text!r} is not a port number")
        user = env.get("SMTP_USER", "").strip() or None
        password = env.get("SMTP_PASSWORD") or None
        sender = env.get("SMTP_FROM", "").strip() or (user if user and "@" in user else "")
        if not _addresses(sender):
            raise InputError("SMTP_FROM must be the sender's e-mail address (e.g. audit@agency.example.gov)")
        if password and not user:
            raise InputError("SMTP_PASSWORD is set but SMTP_USER is not")
        if password and not (use_ssl or starttls) and not is_loopback(host):
            # The password would cross the network in clear text.
            raise InputError("SMTP_PASSWORD needs SMTP_STARTTLS=1 or SMTP_SSL=1 (the login would be sent in clear)")
        ca_file = env.get("SMTP_CA_FILE", "").strip() or None
        if ca_file and not Path(ca_file).is_file():
            raise InputError(f"SMTP_CA_FILE={ca_file}: file not found")
        try:
            timeout = float(env.get("SMTP_TIMEOUT", "") or 30)
        except ValueError:
            raise InputError(f"SMTP_TIMEOUT={env.get('SMTP_TIMEOUT')!r} is not a number of seconds") from None
        return cls(host=host, port=int(port_text), sender=sender, user=user, password=password,
                   starttls=starttls, ssl=use_ssl, ca_file=ca_file, timeout=timeout)


def _addresses(text: str) -> list[str]:
    return [addr for _, addr in getaddresses([text]) if "@" in addr and not addr.startswith("@")]


def parse_recipients(spec: str) -> list[str]:
    """'a@x, b@y' -> ['a@x', 'b@y']; bad input if any part is not an address."""
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    out: list[str] = []
    for p in parts:
        found = _addresses(p)
        if len(found) != 1:
            raise InputError(f"--email-to: {p!r} is not an e-mail address")
        out.append(found[0])
    if not out:
        raise InputError("--email-to: give at least one address")
    return out


def agency_short(run: AuditRun) -> str:
    """The policy's short name for its agency: the subject's prefix."""
    from auditor.policy import run_policy

    return run_policy(run).short_name or run.policy_name or "Agency"


def subject(run: AuditRun) -> str:
    c = run.counts
    total = c.get("total", len(run.accounts))
    action = total - c.get("compliant", 0)
    date = run.started_at[:10]
    head = f"{agency_short(run)} social media audit {date}: "
    if total and action == 0:
        body = f"all {total} account{'s' if total != 1 else ''} compliant"
    else:
        body = f"{action} of {total} account{'s' if total != 1 else ''} need{'s' if action == 1 else ''} action"
    return head + body + (" (run interrupted)" if run.interrupted else "")


def _item_name(items: Mapping[str, Any], item: str) -> str:
    """The item's short name in the run's policy (the id in words when it is not there)."""
    info = items.get(item)
    return info.short.lower() if info else item.replace("_", " ")


def plain_summary(run: AuditRun, report_name: str = "report.html") -> str:
    c = run.counts
    lines = [subject(run), "",
             f"{c.get('total', 0)} accounts: {c.get('compliant', 0)} compliant, {c.get('non_compliant', 0)} "
             f"non-compliant, {c.get('needs_review', 0)} need review, {c.get('unreachable', 0)} unreachable.",
             f"Policy: {run.policy_name} ({run.policy_id}). Registry: {run.registry or 'not recorded'}.", ""]
    todo = [a for a in run.accounts if a.status != "compliant"]
    items = run_items(run)
    if todo:
        lines.append("Accounts that need action:")
        for a in todo[:MAX_LISTED]:
            bad = [f"{_item_name(items, k)} ({r.status})" for k, r in a.items.items() if r.status != "pass"]
            lines.append(f"  - {a.name} ({a.id}, {a.platform}): {a.status.replace('_', ' ')}: {', '.join(bad)}")
        if len(todo) > MAX_LISTED:
            lines.append(f"  ... and {len(todo) - MAX_LISTED} more (see the report)")
        lines.append("")
    attested = [(a, k) for a in run.accounts for k, r in a.items.items() if r.attestation and r.status == "pass"]
    if attested:
        lines.append(f"{len(attested)} item(s) pass on a person's attestation, not on what the auditor saw.")
        lines.append("")
    if run.changes:
        lines += history.summary_lines(run.changes) + [""]
    lines.append(f"The full report (evidence, screenshots, text to paste) is the HTML part of this message "
                 f"({report_name}); results.json holds the same results for tools.")
    return "\n".join(lines) + "\n"


def build_message(run: AuditRun, report_html: str, sender: str, recipients: list[str]) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(run)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2] or None
    msg["Message-ID"] = make_msgid(domain=domain)
    msg.set_content(plain_summary(run))
    images: list[tuple[str, str, bytes]] = []

    def to_cid(m: re.Match[str]) -> str:
        try:
            data = base64.b64decode(m.group(2), validate=True)
        except (binascii.Error, ValueError):
            return m.group(0)
        cid = make_msgid(idstring=f"shot{len(images) + 1}", domain=domain)
        images.append((cid, m.group(1), data))
        return f'src="cid:{cid[1:-1]}"'

    html = _DATA_IMG.sub(to_cid, report_html)
    msg.add_alternative(html, subtype="html")
    html_part = msg.get_payload()[1]
    for n, (cid, subtype, data) in enumerate(images, 1):
        html_part.add_related(data, maintype="image", subtype=subtype, cid=cid, disposition="inline",
                              filename=f"screenshot-{n}.{'jpg' if subtype == 'jpeg' else subtype}")
    return msg


def scrub(text: str, secret: str | None, user: str | None = None) -> str:
    """``text`` without the secret, in clear or in the base64 forms AUTH PLAIN/LOGIN send it."""
    if not secret:
        return text
    forms = {secret, base64.b64encode(secret.encode()).decode()}
    if user:
        forms.add(base64.b64encode(f"\0{user}\0{secret}".encode()).decode())
    for f in sorted(forms, key=len, reverse=True):
        text = text.replace(f, "***")
    return text


def _describe(exc: BaseException, s: SmtpSettings) -> str:
    where = f"{s.host}:{s.port}"
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return f"{where} refused the login for user {s.user!r} ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return f"{where}: {exc}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return f"{where} refused every recipient: {', '.join(sorted(exc.recipients))}"
    if isinstance(exc, smtplib.SMTPSenderRefused):
        return f"{where} refused the sender {s.sender} ({exc.smtp_code})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{where} answered {exc.smtp_code}: {exc.smtp_error.decode('utf-8', 'replace')}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"{where}: the server's TLS certificate is not trusted ({exc.verify_message}); set SMTP_CA_FILE"
    if isinstance(exc, ssl.SSLError):
        return f"{where}: TLS failed ({exc.reason or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return f"could not connect to {where}: connection refused"
    if isinstance(exc, socket.gaierror):
        return f"could not resolve the SMTP host {s.host!r}"
    if isinstance(exc, TimeoutError | socket.timeout):
        return f"{where} did not answer within {s.timeout:g} s"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return f"{where} closed the connection ({exc})"
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{where}: {type(exc).__name__}: {first}"


def _login(client: smtplib.SMTP, user: str, password: str) -> None:
    """AUTH with one mechanism (PLAIN, else LOGIN). ``smtplib.login`` tries every mechanism in turn
    after a refusal, which only repeats the password and can stall on servers that drop the dialogue."""
    advertised = client.esmtp_features.get("auth", "").upper().split()
    if not client.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("the server does not offer SMTP AUTH (login)")
    for mech in ("PLAIN", "LOGIN"):
        if mech in advertised:
            client.user, client.password = user, password
            client.auth(mech, getattr(client, f"auth_{mech.lower()}"), initial_response_ok=True)
            return
    raise smtplib.SMTPNotSupportedError(f"the server offers AUTH {' '.join(advertised)}, not PLAIN or LOGIN")


def send(msg: EmailMessage, s: SmtpSettings, recipients: list[str]) -> None:
    """Send ``msg``; any failure is a DeliveryError whose text names what went wrong (never the password)."""
    try:
        context = ssl.create_default_context(cafile=s.ca_file)
        client: smtplib.SMTP
        if s.ssl:
            client = smtplib.SMTP_SSL(s.host, s.port, timeout=s.timeout, context=context)
        else:
            client = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
        with client:
            client.ehlo()
            if s.starttls:
                client.starttls(context=context)
                client.ehlo()
            if s.user and s.password:
                _login(client, s.user, s.password)
            refused = client.send_message(msg, from_addr=s.sender, to_addrs=recipients)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one scrubbed message
        raise DeliveryError(scrub(_describe(exc, s), s.password, s.user)) from None
    if refused:
        raise DeliveryError(scrub(f"{s.host}:{s.port} refused some recipients: {', '.join(sorted(refused))} "
                                  "(the others were sent the report)", s.password, s.user))


def send_report(run: AuditRun, out_dir: Path, recipients: list[str], settings: SmtpSettings) -> EmailMessage:
    """Mail ``out_dir``/report.html (already written) with the run's summary."""
    report = out_dir / "report.html"
    try:
        html = report.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeliveryError(f"{report}: cannot read the report to mail it: {exc.strerror}") from None
    msg = build_message(run, html, settings.sender, recipients)
    send(msg, settings, recipients)
    return msg
