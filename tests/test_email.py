"""Mailing the report: a real SMTP server (aiosmtpd) on loopback, with AUTH, STARTTLS (trustme CA),
implicit TLS, a wrong password, an untrusted certificate and a refused connection.

Every test that has a password greps stdout, stderr and every written file for it.
"""

from __future__ import annotations

import email
import email.policy
import os
import re
import shutil
import socket
import ssl
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from auditor.models import AuditRun
from auditor.outputs import email as mail
from auditor.outputs import results_json
from tests import report_runs
from tests.conftest import ROOT, run_auditor

USER, PASSWORD = "auditor-bot", "s3cr3t-Pa55w0rd-zq9"
SENDER = "MPD Social Media Audit <audit-bot@mpdc.dc.gov>"  # the form docs/delivery.md shows


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Mailbox:
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802 - aiosmtpd API
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def authenticator(box: Mailbox):  # noqa: ANN201
    def check(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN202
        ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
            and auth_data.password == PASSWORD.encode()
        if ok:
            box.logins.append(auth_data.login.decode())
        return AuthResult(success=ok, handled=False)  # aiosmtpd then answers 535 itself
    return check


@dataclass
class Server:
    port: int
    box: Mailbox
    ca_file: Path


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> tuple[trustme.CA, Path]:
    authority = trustme.CA()
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(path))
    return authority, path


def _server_context(authority: trustme.CA) -> ssl.SSLContext:
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1", "localhost").configure_cert(ctx)
    return ctx


@pytest.fixture
def starttls_server(ca: tuple[trustme.CA, Path]) -> Iterator[Server]:
    box = Mailbox()
    port = free_port()
    c = Controller(box, hostname="127.0.0.1", port=port, tls_context=_server_context(ca[0]), require_starttls=True,
                   authenticator=authenticator(box), auth_required=True, auth_require_tls=True)
    c.start()
    yield Server(port, box, ca[1])
    c.stop()


@pytest.fixture
def ssl_server(ca: tuple[trustme.CA, Path]) -> Iterator[Server]:
    box = Mailbox()
    port = free_port()
    c = Controller(box, hostname="127.0.0.1", port=port, ssl_context=_server_context(ca[0]),
                   server_hostname="localhost", authenticator=authenticator(box), auth_required=True,
                   auth_require_tls=False)  # aiosmtpd does not count implicit TLS as TLS; the socket is TLS
    c.start()
    yield Server(port, box, ca[1])
    c.stop()


def smtp_env(port: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(port), SMTP_USER=USER, SMTP_PASSWORD=PASSWORD,
               SMTP_FROM=SENDER, SMTP_TIMEOUT="10")
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def finished_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One real demo audit (real Chromium, replayed pages), copied fresh for each test that mails it."""
    out = tmp_path_factory.mktemp("run") / "out"
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out), "-q")
    assert proc.returncode == 1, proc.stderr
    return out


@pytest.fixture
def run_dir(finished_run: Path, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    shutil.copytree(finished_run, out)
    return out


def assert_no_password(proc, *dirs: Path) -> None:  # noqa: ANN001
    assert PASSWORD not in proc.stdout and PASSWORD not in proc.stderr
    for d in dirs:
        for p in d.rglob("*"):
            if p.is_file():
                assert PASSWORD.encode() not in p.read_bytes(), p


def assert_cids_match(html: str, images: list) -> None:  # noqa: ANN001
    """Every cid: in the HTML names exactly one part's Content-ID (with its <> removed), and back."""
    cids = re.findall(r'src="cid:([^"]+)"', html)
    ids = [img["Content-ID"] for img in images]
    assert cids and sorted(f"<{c}>" for c in cids) == sorted(ids), (cids, ids)
    for cid in cids:
        assert re.fullmatch(r"[^<>\s@]+@mpdc\.dc\.gov", cid), cid  # no ">" or display name in the domain


def parse(raw: bytes) -> EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


@pytest.mark.browser
def test_send_over_starttls_with_auth(starttls_server: Server, run_dir: Path) -> None:
    env = smtp_env(starttls_server.port, SMTP_STARTTLS="1", SMTP_CA_FILE=str(starttls_server.ca_file))
    proc = run_auditor("send", str(run_dir), "--email-to", "comms@mpdc.dc.gov, chief@mpdc.dc.gov", env=env)
    assert proc.returncode == 0, proc.stderr
    assert starttls_server.box.logins == [USER]
    [(sender, rcpts, raw)] = starttls_server.box.messages
    assert sender == "audit-bot@mpdc.dc.gov" and rcpts == ["comms@mpdc.dc.gov", "chief@mpdc.dc.gov"]
    msg = parse(raw)
    run = results_json.read(run_dir / "results.json")
    assert msg["Subject"] == f"MPD social media audit {run.started_at[:10]}: 3 of 5 accounts need action"
    assert msg.get_content_type() == "multipart/mixed"
    body, attachment = msg.get_payload()
    assert body.get_content_type() == "multipart/alternative"
    plain, related = body.get_payload()
    text = plain.get_content()
    assert "5 accounts: 2 compliant, 2 non-compliant, 1 need review, 0 unreachable." in text
    assert "Fifth District on X (mpd-5d-x, x): non compliant: maintained by (review), emergency contact (fail)" in text
    assert "https://x.com/MPD_5D" in text and "Maintained by MPD's Fifth District." in text
    assert "HTML part" not in text
    assert related.get_content_type() == "multipart/related"
    html_part, *images = related.get_payload()
    html = html_part.get_content()
    assert html_part.get_content_type() == "text/html" and "Accounts that need action (3)" in html
    assert "data:image" not in html, "mail clients drop data: URIs; thumbnails go as cid: parts"
    assert_cids_match(html, images)
    assert len(images) == 3  # the accounts that need action
    for img in images:
        assert img.get_content_type() == "image/jpeg" and img.get_content().startswith(b"\xff\xd8")
    # The full report rides along as a file, exactly as written.
    assert attachment.get_filename() == "report.html" and attachment.get_content_disposition() == "attachment"
    assert attachment.get_content() == (run_dir / "report.html").read_text(encoding="utf-8")
    assert "Mailed the report to comms@mpdc.dc.gov, chief@mpdc.dc.gov" in proc.stderr
    assert_no_password(proc, run_dir)


@pytest.mark.browser
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_send_over_implicit_tls(ssl_server: Server, run_dir: Path) -> None:
    env = smtp_env(ssl_server.port, SMTP_SSL="true", SMTP_CA_FILE=str(ssl_server.ca_file))
    proc = run_auditor("send", str(run_dir), "--email-to", "comms@mpdc.dc.gov", env=env)
    assert proc.returncode == 0, proc.stderr
    assert ssl_server.box.logins == [USER] and len(ssl_server.box.messages) == 1


@pytest.mark.browser
def test_wrong_password_is_exit_4_and_never_printed(starttls_server: Server, run_dir: Path) -> None:
    env = smtp_env(starttls_server.port, SMTP_STARTTLS="1", SMTP_CA_FILE=str(starttls_server.ca_file),
                   SMTP_PASSWORD=PASSWORD + "-wrong")
    proc = run_auditor("send", str(run_dir), "--email-to", "comms@mpdc.dc.gov", env=env)
    assert proc.returncode == 4, proc.stderr
    assert "refused the login for user 'auditor-bot' (535)" in proc.stderr
    assert starttls_server.box.messages == []
    assert_no_password(proc, run_dir)


@pytest.mark.browser
def test_untrusted_certificate_is_refused(starttls_server: Server, run_dir: Path) -> None:
    proc = run_auditor("send", str(run_dir), "--email-to", "comms@mpdc.dc.gov",
                       env=smtp_env(starttls_server.port, SMTP_STARTTLS="1"))
    assert proc.returncode == 4
    assert "TLS certificate is not trusted" in proc.stderr
    assert starttls_server.box.logins == [] and starttls_server.box.messages == []
    assert_no_password(proc, run_dir)


@pytest.mark.browser
def test_audit_with_refused_smtp_writes_the_report_and_exits_4(tmp_path: Path) -> None:
    out = tmp_path / "out"
    port = free_port()  # nothing listens there
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out),
                       "-q", "--email-to", "comms@mpdc.dc.gov", env=smtp_env(port, SMTP_STARTTLS="1"))
    assert proc.returncode == 4, proc.stderr
    assert f"could not connect to 127.0.0.1:{port}: connection refused" in proc.stderr
    assert "The report is written" in proc.stderr
    for name in ("results.json", "report.html", "junit.xml"):
        assert (out / name).is_file()
    assert results_json.read(out / "results.json").counts["total"] == 5
    assert_no_password(proc, out)


@pytest.mark.browser
def test_audit_mails_after_writing(starttls_server: Server, tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = smtp_env(starttls_server.port, SMTP_STARTTLS="1", SMTP_CA_FILE=str(starttls_server.ca_file))
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out),
                       "-q", "--only", "mpd-x", "mpd-youtube", "--email-to", "comms@mpdc.dc.gov", env=env)
    assert proc.returncode == 0, proc.stderr
    [(_, _, raw)] = starttls_server.box.messages
    assert parse(raw)["Subject"].endswith(": all 2 accounts compliant")
    assert_no_password(proc, out)


def test_bad_smtp_settings_are_bad_input_before_auditing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--replay", "demo/demo.har", "--out", str(out),
                       "--email-to", "comms@mpdc.dc.gov", env=env)
    assert proc.returncode == 2 and "SMTP_HOST" in proc.stderr
    assert not out.exists(), "nothing audited"
    env.update(SMTP_HOST="mail.example.org", SMTP_FROM="audit@mpdc.dc.gov", SMTP_USER=USER, SMTP_PASSWORD=PASSWORD)
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--out", str(out), "--email-to", "a@b.org", env=env)
    assert proc.returncode == 2 and "SMTP_STARTTLS=1 or SMTP_SSL=1" in proc.stderr
    assert PASSWORD not in proc.stderr + proc.stdout
    proc = run_auditor("audit", "--sites", "demo/sites.yaml", "--out", str(out), "--email-to", "not-an-address",
                       env=env)
    assert proc.returncode == 2 and "'not-an-address' is not an e-mail address" in proc.stderr


def test_settings_repr_and_scrub_hide_the_password() -> None:
    s = mail.SmtpSettings.from_env({"SMTP_HOST": "h", "SMTP_FROM": "a@b.org", "SMTP_USER": USER,
                                    "SMTP_PASSWORD": PASSWORD, "SMTP_SSL": "1"})
    assert s.port == 465 and s.ssl and PASSWORD not in repr(s)
    import base64

    plain = base64.b64encode(f"\0{USER}\0{PASSWORD}".encode()).decode()
    assert PASSWORD not in mail.scrub(f"x {PASSWORD} {plain} y", PASSWORD, USER)
    assert plain not in mail.scrub(f"x {plain}", PASSWORD, USER)


def test_subject_counts() -> None:
    run = AuditRun.model_validate_json((ROOT / "tests" / "fixtures" / "delivery_run.json").read_text())
    assert mail.subject(run) == "MPD social media audit 2026-11-24: 1 of 2 accounts needs action"
    run.counts = {"total": 24, "compliant": 21, "non_compliant": 3}
    assert mail.subject(run) == "MPD social media audit 2026-11-24: 3 of 24 accounts need action"
    run.counts = {"total": 24, "compliant": 24}
    assert mail.subject(run) == "MPD social media audit 2026-11-24: all 24 accounts compliant"


@pytest.mark.browser
def test_digest_stays_small_at_any_registry_size_and_the_text_says_the_same(finished_run: Path,
                                                                           tmp_path: Path) -> None:
    sizes = {}
    for n in (5, 50, 400):
        out = tmp_path / f"run{n}"
        run = report_runs.multiplied(finished_run, out, n, report=n <= 50)
        report = (out / "report.html").read_text(encoding="utf-8") if n <= 50 else "<html></html>"
        msg = mail.build_message(run, report, SENDER, ["comms@mpdc.dc.gov"], out_dir=out,
                                 env={"AUDIT_REPORT_URL": "https://ci.example.org/runs/7/report.html"})
        msg = parse(msg.as_bytes())  # as a mail client receives it
        body, attachment = msg.get_payload()
        plain, related = body.get_payload()
        html_part, *images = related.get_payload()
        html, text = html_part.get_content(), plain.get_content()
        sizes[n] = len(html.encode())
        assert sizes[n] < 100_000, (n, sizes[n])
        assert_cids_match(html, images)
        assert attachment.get_filename() == "report.html" and attachment.get_content() == report
        url = "https://ci.example.org/runs/7/report.html"
        assert url in html and url in text
        action = [a for a in run.accounts if a.status != "compliant"]
        shown = [a for a in action if f"({a.id}, {a.platform})" in text]
        assert shown and len(shown) == html.count('class="acct"')
        for a in shown:  # the plain text carries what the HTML does: the URL, the reason, the text to paste
            assert a.url in text and a.name in html
        if n <= 50:
            assert len(shown) == len(action)  # every account that needs action, in both parts
        else:
            hidden = len(action) - len(shown)
            assert hidden > 0 and f"And {hidden} more accounts" in html and f"and {hidden} more account(s)" in text
        pastes = re.findall(r'<div class="paste"[^>]*>([^<]+)</div>', html)
        assert pastes, "no paste text in the digest"
        for paste in pastes:
            assert f"| {paste.strip()}".replace("&#39;", "'") in text.replace("&#39;", "'")
    print(f"digest HTML bytes: {sizes}")


class Dribbler:
    """A loopback SMTP server that answers normally, except at one step where it sends its reply a
    byte a second (every read gets a byte in time: only a deadline on the whole delivery stops it)."""

    def __init__(self, slow_at: str) -> None:
        self.slow_at = slow_at
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        conn, _ = self.sock.accept()
        try:
            self._dialogue(conn)
        except OSError:
            pass  # the client gave up
        finally:
            conn.close()

    def _reply(self, conn: socket.socket, text: str, step: str) -> None:
        data = text.encode() + b"\r\n"
        if step != self.slow_at:
            conn.sendall(data)
            return
        for byte in data:
            conn.sendall(bytes([byte]))
            time.sleep(1)

    def _dialogue(self, conn: socket.socket) -> None:
        self._reply(conn, "220 slow.example.org ESMTP " + "ready " * 8, "greeting")  # 75 s a byte a second
        lines = conn.makefile("rb")
        for raw in lines:
            cmd = raw.decode(errors="replace").strip().upper()
            if cmd.startswith(("EHLO", "HELO")):
                self._reply(conn, "250-slow.example.org\r\n250 SIZE 50000000", "greeting")
            elif cmd.startswith(("MAIL", "RCPT")):
                self._reply(conn, "250 OK", "envelope")
            elif cmd == "DATA":
                self._reply(conn, "354 go ahead", "data")
                for body in lines:
                    if body in (b".\r\n", b".\n"):
                        break
                self._reply(conn, "250 queued", "send")
            elif cmd == "QUIT":
                self._reply(conn, "221 bye", "quit")
                return
            else:
                self._reply(conn, "502 not here", "other")


@pytest.mark.browser
def test_a_server_that_dribbles_its_greeting_meets_the_deadline(run_dir: Path) -> None:
    server = Dribbler("greeting")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SMTP_")}
    env.update(SMTP_HOST="127.0.0.1", SMTP_PORT=str(server.port), SMTP_FROM=SENDER, SMTP_TIMEOUT="2")
    t0 = time.monotonic()
    proc = run_auditor("send", str(run_dir), "--email-to", "comms@mpdc.dc.gov", env=env)
    elapsed = time.monotonic() - t0
    assert proc.returncode == 4, proc.stderr
    assert f"127.0.0.1:{server.port} did not complete the delivery within 2 s (SMTP_TIMEOUT): " \
           "timed out at the greeting step" in proc.stderr
    assert elapsed < 25, elapsed  # 2 s and the CLI's start-up; the greeting alone takes 75 s


def test_a_server_that_dribbles_its_answer_to_the_message_meets_the_deadline() -> None:
    server = Dribbler("send")
    settings = mail.SmtpSettings(host="127.0.0.1", port=server.port, sender=SENDER, timeout=2)
    msg = EmailMessage()
    msg["Subject"], msg["From"], msg["To"] = "t", SENDER, "comms@mpdc.dc.gov"
    msg.set_content("hello")
    t0 = time.monotonic()
    with pytest.raises(mail.DeliveryError, match="timed out at the send step"):
        mail.send(msg, settings, ["comms@mpdc.dc.gov"])
    assert time.monotonic() - t0 < 4


def test_smtp_timeout_is_checked_and_defaults_to_a_minute() -> None:
    base = {"SMTP_HOST": "h", "SMTP_FROM": SENDER}
    assert mail.SmtpSettings.from_env(base).timeout == 60
    for bad in ("soon", "0", "-3"):
        with pytest.raises(mail.InputError, match="SMTP_TIMEOUT"):
            mail.SmtpSettings.from_env({**base, "SMTP_TIMEOUT": bad})
