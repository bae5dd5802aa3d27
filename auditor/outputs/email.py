"""Mail a run: a digest (counts, the accounts that need action with their reason and text to
paste, what changed) in HTML and plain text, with the full report.html attached (stdlib only).

Settings come from the environment: SMTP_HOST, SMTP_PORT, SMTP_USER, SMTP_PASSWORD, SMTP_FROM,
SMTP_STARTTLS or SMTP_SSL (1/true/yes), and optionally SMTP_CA_FILE (a private CA bundle),
SMTP_TIMEOUT (seconds for the whole delivery, default 60) and AUDIT_REPORT_URL (where CI published
the report; linked from the mail). The password is only ever handed to ``smtplib.login``: it is not
in any repr, message, log or file, and every error text is scrubbed of it before it leaves this module.

The digest's HTML stays under about 90 KB whatever the registry's size (Gmail clips a body past
about 102 KB): accounts beyond that are counted, not listed, and the attached report has them all.
Its few screenshots are inline parts (``cid:``; Gmail and Outlook drop ``data:`` images) whose
Content-IDs come from ``email.utils.make_msgid``. Structure: multipart/mixed [multipart/alternative
[text/plain, multipart/related [text/html, image/jpeg ...]], text/html attachment report.html]."""

from __future__ import annotations

import base64
import contextlib
import os
import smtplib
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Any

from auditor.errors import DeliveryError, InputError
from auditor.models import AuditRun
from auditor.outputs import history
from auditor.policy import run_items
from auditor.registry import is_loopback
from auditor.status import STATUS_ORDER

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
DEFAULT_TIMEOUT = 60.0  # seconds for the whole delivery (SMTP_TIMEOUT)
DIGEST_BUDGET = 90_000  # bytes of HTML body at most (Gmail clips past about 102 KB)
MAX_DIGEST_SHOTS = 10  # small screenshots in the digest (the report attached has every one)
DIGEST_SHOT_WIDTH = 320  # pixels of a digest thumbnail (shown at 160 px: sharp on high-density screens)
MAX_CHANGE_LINES = 60  # lines of "what changed" in the digest; the report has them all
REPORT_URL_ENV = "AUDIT_REPORT_URL"  # where CI published the report, linked from the mail


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
    timeout: float = 60.0  # the whole delivery, not one read

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
            timeout = float(env.get("SMTP_TIMEOUT", "") or DEFAULT_TIMEOUT)
        except ValueError:
            raise InputError(f"SMTP_TIMEOUT={env.get('SMTP_TIMEOUT')!r} is not a number of seconds") from None
        if not 0 < timeout < 86400:
            raise InputError(f"SMTP_TIMEOUT={env.get('SMTP_TIMEOUT')!r}: give a number of seconds above 0")
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
    if not run.health.complete and not run.interrupted and run.health.reason in ("no network",
                                                                                "the browser could not start"):
        return head + f"audit could not run: {run.health.reason}"
    if total and action == 0:
        body = f"all {total} account{'s' if total != 1 else ''} compliant"
    else:
        body = f"{action} of {total} account{'s' if total != 1 else ''} need{'s' if action == 1 else ''} action"
    if run.interrupted:
        return head + body + " (run interrupted)"
    if not run.health.complete:
        return head + f"audit did not complete ({run.health.reason}); " + body
    return head + body


@dataclass
class Digest:
    """The mail body: the same accounts, reasons and texts in HTML and in plain text."""

    html: str
    text: str
    images: list[tuple[str, bytes]]  # (Content-ID with <>, JPEG bytes), referenced as cid: in html
    shown: int  # accounts that need action listed in full
    hidden: int  # listed only by count ("see the attached report")


def _item_name(items: Mapping[str, Any], item: str) -> str:
    """The item's short name in the run's policy (the id in words when it is not there)."""
    info = items.get(item)
    return info.short.lower() if info else item.replace("_", " ")


def _report_url(env: Mapping[str, str] | None = None) -> str:
    """Where CI published the report (AUDIT_REPORT_URL), if it did; only an http(s) URL."""
    url = (os.environ if env is None else env).get(REPORT_URL_ENV, "").strip()
    return url if url.startswith(("https://", "http://")) else ""


def _plain(run: AuditRun, shown: list, hidden: int, total_action: int, report_name: str, report_url: str,
           archived: str, attested: int, changes_lines: list[str], unread: list[str]) -> str:
    c = run.counts
    lines = [subject(run), ""]
    if not run.health.complete:
        lines += [f"THE AUDIT DID NOT COMPLETE: {run.health.reason}.", run.health.detail, ""]
    lines += [f"{c.get('total', 0)} accounts: {c.get('compliant', 0)} compliant, {c.get('non_compliant', 0)} "
              f"non-compliant, {c.get('needs_review', 0)} need review, {c.get('unreachable', 0)} unreachable.",
              f"Policy: {run.policy_name} ({run.policy_id}). Registry: {run.registry or 'not recorded'}."]
    if attested:
        lines.append(f"{attested} item(s) pass on a person's attestation, not on what the auditor saw.")
    lines.append(f"The full report (evidence, screenshots, every item) is attached as {report_name}."
                 + (f" Online: {report_url}" if report_url else "") + (f" Archived as {archived}." if archived else ""))
    lines.append("")
    if unread:
        lines += [f"Not read this time ({len(unread)}): {', '.join(unread)}", ""]
    items = run_items(run)
    if shown:
        lines.append(f"Accounts that need action ({total_action}):")
        for v in shown:
            bad = [f"{_item_name(items, k)} ({r.status})" for k, r in v.a.items.items() if r.status != "pass"]
            lines += ["", f"* {v.a.name} ({v.a.id}, {v.a.platform}): {v.a.status.replace('_', ' ')}: {', '.join(bad)}",
                      f"  {v.a.url}", f"  Why: {v.reason_line}"]
            for how, text in v.todo_lines:
                lines.append(f"  What to do: {how}" + (":" if text else ""))
                lines += [f"    | {t}" for t in text.splitlines()] if text else []
        if hidden:
            lines += ["", f"  ... and {hidden} more account(s) that need action: see the attached report."]
        lines.append("")
    if changes_lines:
        lines += changes_lines + [""]
    lines.append("results.json beside the report holds the same results for tools.")
    return "\n".join(lines) + "\n"


def digest(run: AuditRun, out_dir: Path | None, sender: str, report_name: str = "report.html",
           archived: Path | None = None, env: Mapping[str, str] | None = None) -> Digest:
    """The digest of ``run``: at most about DIGEST_BUDGET bytes of HTML whatever the registry's size."""
    from auditor.outputs import html_report, thumbnails

    groups = html_report.build_views(run, out_dir)
    actions = html_report.actions(groups, run.health.complete)
    unread = [a.id for a in html_report.not_read(run)]
    attested = sum(1 for a in run.accounts for r in a.items.values() if r.attestation and r.status == "pass")
    changes_lines = history.summary_lines(run.changes)[:MAX_CHANGE_LINES] if run.changes else []
    domain = _domain(sender)
    images: dict[str, tuple[str, bytes]] = {}
    for v in actions[:MAX_DIGEST_SHOTS]:
        path = thumbnails.resolve(out_dir, v.a.screenshot) if out_dir else None
        thumb = thumbnails.thumbnail(path, width=DIGEST_SHOT_WIDTH) if path else None
        if thumb:
            cid = make_msgid(idstring=f"shot{len(images) + 1}", domain=domain)
            images[v.a.id] = (cid, base64.b64decode(thumb[0].split(",", 1)[1]))
    template = html_report.environment().get_template("digest.html.j2")
    url, kept = _report_url(env), str(archived) if archived else ""
    limit = len(actions)
    while True:
        shown = actions[:limit]
        html = html_report.inline(template.render(
            run=run, subject=subject(run), actions=actions, shown=shown, hidden=len(actions) - limit,
            images={k: cid[1:-1] for k, (cid, _) in images.items() if any(v.a.id == k for v in shown)},
            status_order=STATUS_ORDER, account_symbols=html_report.ACCOUNT_SYMBOLS,
            account_labels=html_report.ACCOUNT_LABELS, report_name=report_name, report_url=url, archived=kept,
            attested=attested, changes_lines=changes_lines, not_read=unread))
        size = len(html.encode("utf-8"))
        if size <= DIGEST_BUDGET or limit == 0:
            break
        limit = max(0, min(limit - 1, int(limit * DIGEST_BUDGET / size)))
    used = [(cid, data) for k, (cid, data) in images.items() if any(v.a.id == k for v in shown)]
    text = _plain(run, shown, len(actions) - limit, len(actions), report_name, url, kept, attested, changes_lines,
                  unread)
    return Digest(html, text, used, limit, len(actions) - limit)


def _domain(sender: str) -> str | None:
    """The domain of the sender's address, also for 'Name <user@domain>' (for Message-ID and Content-IDs)."""
    addr = parseaddr(sender)[1]
    return addr.rpartition("@")[2].strip().strip(">") or None


def build_message(run: AuditRun, report_html: str, sender: str, recipients: list[str],
                  out_dir: Path | None = None, archived: Path | None = None,
                  env: Mapping[str, str] | None = None) -> EmailMessage:
    """multipart/mixed [multipart/alternative [text/plain, multipart/related [text/html, image/jpeg...]],
    report.html]: the digest in both forms, the full report attached."""
    d = digest(run, out_dir, sender, archived=archived, env=env)
    msg = EmailMessage()
    msg["Subject"] = subject(run)
    msg["From"] = sender
    msg["To"] = ", ".join(recipients)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=_domain(sender))
    msg.set_content(d.text)
    msg.add_alternative(d.html, subtype="html")
    html_part = msg.get_payload()[1]
    for n, (cid, data) in enumerate(d.images, 1):
        html_part.add_related(data, maintype="image", subtype="jpeg", cid=cid, disposition="inline",
                              filename=f"screenshot-{n}.jpg")
    msg.add_attachment(report_html.encode("utf-8"), maintype="text", subtype="html", filename="report.html",
                       params={"charset": "utf-8"})  # bytes: the file exactly as written
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


class _Deadline:
    """One deadline for the whole delivery. smtplib's timeout is per read, so a server that sends a
    byte a second never trips it; at the deadline a timer shuts the socket, and ``step`` says where
    the dialogue was (connect, greeting, STARTTLS, AUTH, send)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds
        self.step = "connect"
        self.fired = False
        self.client: smtplib.SMTP | None = None
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True

    def remaining(self) -> float:
        return max(0.05, self.end - time.monotonic())

    def _fire(self) -> None:
        self.fired = True
        sock = self.client.sock if self.client is not None else None
        if sock is not None:
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)  # the raw socket, also under TLS

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _client(s: SmtpSettings, deadline: _Deadline, context: ssl.SSLContext) -> smtplib.SMTP:
    """An SMTP client, not yet connected, that tells the deadline when the greeting is awaited."""
    base = smtplib.SMTP_SSL if s.ssl else smtplib.SMTP

    class Client(base):  # type: ignore[valid-type,misc]
        def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
            sock = super()._get_socket(host, port, timeout)
            deadline.step = "greeting"
            return sock

    kwargs: dict = {"context": context} if s.ssl else {}
    client = Client(timeout=deadline.remaining(), **kwargs)
    client._host = s.host  # what SMTP(host) sets: STARTTLS and SMTP_SSL check the certificate against it
    deadline.client = client
    return client


def send(msg: EmailMessage, s: SmtpSettings, recipients: list[str]) -> None:
    """Send ``msg`` within ``s.timeout`` seconds in all; any failure is a DeliveryError whose text
    names what went wrong and at which step (never the password)."""
    deadline = _Deadline(s.timeout)
    try:
        with deadline:
            context = ssl.create_default_context(cafile=s.ca_file)
            client = _client(s, deadline, context)
            client.connect(s.host, s.port)
            with client:
                client.ehlo()
                if s.starttls:
                    deadline.step = "STARTTLS"
                    client.starttls(context=context)
                    client.ehlo()
                if s.user and s.password:
                    deadline.step = "AUTH"
                    _login(client, s.user, s.password)
                deadline.step = "send"
                refused = client.send_message(msg, from_addr=s.sender, to_addrs=recipients)
    except Exception as exc:  # noqa: BLE001 - every failure becomes one scrubbed message
        if deadline.fired or isinstance(exc, TimeoutError | socket.timeout):
            text = (f"{s.host}:{s.port} did not complete the delivery within {s.timeout:g} s (SMTP_TIMEOUT): "
                    f"timed out at the {deadline.step} step")
        else:
            text = _describe(exc, s)
        raise DeliveryError(scrub(text, s.password, s.user)) from None
    if refused:
        raise DeliveryError(scrub(f"{s.host}:{s.port} refused some recipients: {', '.join(sorted(refused))} "
                                  "(the others were sent the report)", s.password, s.user))


def send_report(run: AuditRun, out_dir: Path, recipients: list[str], settings: SmtpSettings,
                archived: Path | None = None) -> EmailMessage:
    """Mail the run's digest with ``out_dir``/report.html (already written) attached."""
    report = out_dir / "report.html"
    try:
        html = report.read_text(encoding="utf-8")
    except OSError as exc:
        raise DeliveryError(f"{report}: cannot read the report to mail it: {exc.strerror}") from None
    msg = build_message(run, html, settings.sender, recipients, out_dir=out_dir, archived=archived)
    send(msg, settings, recipients)
    return msg
