"""The console's pages and actions (Starlette routes over jinja2 templates)."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from auditor.console import attest, jobs
from auditor.console.runs import DOWNLOADS, RunRef, RunStore
from auditor.console.security import (
    REPORT_CSP,
    ConsoleMiddleware,
    CsrfError,
    Guard,
    checked_form,
    set_cookie,
)
from auditor.console.settings import MAIL_TO_ENV, ConsoleSettings
from auditor.errors import AuditorError, InputError
from auditor.models import Account, AuditRun, ItemInfo
from auditor.outputs import history
from auditor.outputs.html_report import ACCOUNT_LABELS, ACCOUNT_SYMBOLS, ITEM_LABELS, ITEM_SYMBOLS, when
from auditor.policy import builtin_policies, load_policy, run_items
from auditor.registry import _ID as ACCOUNT_ID
from auditor.registry import load_registry
from auditor.yamlsrc import LineDict, LineList, load_yaml

HERE = Path(__file__).resolve().parent
_PROBLEM_LINE = re.compile(r":(\d+): ")
NOTICES = {"attested": "Attestation saved to the registry.", "mailed": "Report mailed."}


@dataclass
class Row:
    """One registry entry as the page shows it (also when the registry has problems)."""

    id: str
    name: str
    line: int
    account: Account | None = None
    problems: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)


@dataclass
class RegistryView:
    rows: list[Row]
    problems: list[str]  # the loader's message, line by line, exactly as `auditor validate` prints it
    accounts: list[Account]
    digest: str

    @property
    def ok(self) -> bool:
        return not self.problems


def read_registry(sites: Path, item_ids: tuple[str, ...]) -> RegistryView:
    """The registry as the console shows it; attestations must name one of ``item_ids``."""
    try:
        text = sites.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return RegistryView([], [f"{sites}: cannot read registry file: {exc}"], [], "")
    try:
        registry = load_registry(sites, item_ids)
        return RegistryView([Row(a.id, a.name, a.line or 0, account=a) for a in registry.accounts], [],
                            registry.accounts, attest.digest(text))
    except InputError as exc:
        problems = str(exc).splitlines()
    rows: list[Row] = []
    with contextlib.suppress(AuditorError):
        raw = load_yaml(sites, "registry", duplicates_ok=True)
        entries = raw.get("accounts") if isinstance(raw, dict) else raw
        if isinstance(entries, LineList):
            for i, e in enumerate(entries):
                if isinstance(e, LineDict):
                    rows.append(Row(str(e.get("id") or f"accounts[{i}]"), str(e.get("name") or ""), e.line,
                                    raw={k: v for k, v in e.items() if isinstance(v, str)}))
    for p in problems:  # each problem goes beside the entry its line falls in
        m = _PROBLEM_LINE.search(p)
        line = int(m.group(1)) if m else 0
        owner = next((r for r in reversed(rows) if r.line <= line), None)
        if owner is not None:
            owner.problems.append(p)
    return RegistryView(rows, problems, [], attest.digest(text))


def policy_choices(settings: ConsoleSettings) -> dict[str, tuple[str, Path | None]]:
    """Form value -> (label, path): the built-in policy, the one given with --policy, the package's."""
    out: dict[str, tuple[str, Path | None]] = {}
    if settings.policy is not None:
        out["configured"] = (f"{settings.policy} (--policy)", settings.policy)
    out["builtin"] = ("built-in default", None)
    for p in builtin_policies().values():
        if re.fullmatch(r"[a-z0-9_-]+", p.stem):
            out[f"pkg-{p.stem}"] = (f"built-in: {p.stem}", p)
    return out


def environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["when"] = when
    # Item names come from policies, never from the code: a run's own (run_items) for what it found,
    # the console's policy (``items`` in each page) for what staff record now.
    env.globals.update(item_symbols=ITEM_SYMBOLS, item_labels=ITEM_LABELS, run_items=run_items,
                       account_symbols=ACCOUNT_SYMBOLS, account_labels=ACCOUNT_LABELS)
    return env


class Console:
    def __init__(self, settings: ConsoleSettings) -> None:
        self.settings = settings
        self.store = RunStore(settings.archive or settings.out_root)
        self.work = RunStore(settings.out_root)
        self.queue = jobs.JobQueue(settings)
        self.env = environment()
        policy = load_policy(settings.policy)  # a bad --policy stops the console at start, named
        self.items: dict[str, ItemInfo] = {i.id: i for i in policy.info().items}

    def page(self, request: Request, template: str, status: int = 200, **context: object) -> HTMLResponse:
        guard: Guard = request.app.state.guard
        session = request.state.session
        html = self.env.get_template(template).render(
            csrf=guard.csrf(session), login=guard.token is not None and session.authenticated, settings=self.settings,
            notice=NOTICES.get(request.query_params.get("done", ""), ""), items=self.items, **context)
        return HTMLResponse(html, status_code=status)

    def run_ref(self, run_id: str) -> tuple[RunRef, AuditRun]:
        ref = self.store.find(run_id)
        run = self.store.load(ref) if ref else None
        if ref is None or run is None:
            raise HTTPException(404, "No such run.")
        return ref, run

    # ---- pages
    async def registry(self, request: Request, error: str = "", status: int = 200) -> HTMLResponse:
        view = await run_in_threadpool(read_registry, self.settings.sites, tuple(self.items))
        latest = await run_in_threadpool(self.store.latest_results)
        elements = sorted({a.element for a in view.accounts if a.element})
        platforms = sorted({a.platform for a in view.accounts})
        return self.page(request, "registry.html.j2", status, view=view, latest=latest, elements=elements,
                         platforms=platforms, policies=policy_choices(self.settings), error=error,
                         running=[j for j in self.queue.recent() if j.active])

    async def start_audit(self, request: Request) -> Response:
        form = await checked_form(request)
        view = await run_in_threadpool(read_registry, self.settings.sites, tuple(self.items))
        if not view.ok:
            return await self.registry(request, "The registry has problems (listed below); fix them first.", 400)
        scope = form.get("scope", "all")
        only = elements = platforms = None
        if scope == "element":
            elements, words = [str(form.get("element", ""))], f"element {form.get('element', '')}"
        elif scope == "platform":
            platforms, words = [str(form.get("platform", ""))], f"platform {form.get('platform', '')}"
        elif scope == "picked":
            only = [str(v) for v in form.getlist("only")]
            if not only:
                return await self.registry(request, "Pick at least one account (the boxes in the list).", 400)
            words = f"{len(only)} picked account{'s' if len(only) != 1 else ''}"
        elif scope == "all":
            words = "every account"
        else:
            return await self.registry(request, "Choose what to audit.", 400)
        choice = policy_choices(self.settings).get(str(form.get("policy", "")))
        if choice is None:
            return await self.registry(request, "Choose one of the listed policies.", 400)
        from auditor.cli import _select
        from auditor.runner import default_concurrency

        try:
            accounts = _select(view.accounts, only, self.settings.sites, elements, platforms)
        except InputError as exc:
            return await self.registry(request, str(exc), 400)
        replay = self.settings.replay is not None and form.get("replay") == "on"
        last = self.work.refs()
        argv = jobs.command(self.settings, only=only, elements=elements, platforms=platforms, policy=choice[1],
                            replay=replay, concurrency=default_concurrency(replay),
                            previous=last[-1].folder / "results.json" if last else None)
        try:
            job = self.queue.submit({"scope": words, "accounts": [a.id for a in accounts],
                                     "names": {a.id: a.name for a in accounts}, "argv": argv,
                                     "concurrency": default_concurrency(replay)})
        except InputError as exc:
            return await self.registry(request, f"Not started: {exc}", 409)
        return RedirectResponse(f"/audits/{job.id}", status_code=303)

    def job(self, job_id: str) -> jobs.Job:
        job = self.queue.jobs.get(job_id) if jobs.RUN_ID.fullmatch(job_id) else None
        if job is None:
            raise HTTPException(404, "No such audit.")
        return job

    async def audits(self, request: Request) -> HTMLResponse:
        return self.page(request, "audits.html.j2", jobs=self.queue.recent())

    async def audit_page(self, request: Request) -> HTMLResponse:
        job = self.job(request.path_params["job_id"])
        return self.page(request, "audit.html.j2", job=job, position=self.queue.position(job))

    async def cancel(self, request: Request) -> Response:
        await checked_form(request)
        job = self.job(request.path_params["job_id"])
        self.queue.cancel(job)
        return RedirectResponse(f"/audits/{job.id}", status_code=303)

    async def runs(self, request: Request) -> HTMLResponse:
        found = await run_in_threadpool(self.store.runs)
        return self.page(request, "runs.html.j2", runs=list(reversed(found)))

    async def run_page(self, request: Request, error: str = "", status: int = 200) -> HTMLResponse:
        ref, run = self.run_ref(request.path_params["run_id"])
        others = [(r, x) for r, x in await run_in_threadpool(self.store.runs) if r.id != ref.id]
        against_id = request.query_params.get("against", "")
        base = next(((r, x) for r, x in others if r.id == against_id), None) if against_id else \
            self.store.previous(ref)
        changes = history.compare(base[1], run, base[0].id) if base else None
        mail_to, mail_problem = self.mail_settings()
        return self.page(request, "run.html.j2", status, ref=ref, run=run, base=base[0] if base else None,
                         changes=changes, others=others, mail_to=mail_to, mail_problem=mail_problem,
                         error=error, has_archive=self.settings.archive is not None)

    def mail_settings(self) -> tuple[list[str], str]:
        from auditor.outputs.email import SmtpSettings, parse_recipients

        if not self.settings.mail_to:
            return [], f"Set {MAIL_TO_ENV} (recipients, comma-separated) and the SMTP_* settings to mail reports."
        try:
            to = parse_recipients(self.settings.mail_to)
            SmtpSettings.from_env()
        except InputError as exc:
            return [], str(exc)
        return to, ""

    async def report(self, request: Request) -> Response:
        ref, _ = self.run_ref(request.path_params["run_id"])
        body = await run_in_threadpool((ref.folder / "report.html").read_bytes)
        return Response(body, media_type="text/html; charset=utf-8", headers={"content-security-policy": REPORT_CSP})

    async def download(self, request: Request) -> Response:
        ref, _ = self.run_ref(request.path_params["run_id"])
        name = request.path_params["name"]
        if name not in DOWNLOADS:
            raise HTTPException(404, "No such file.")
        path = next((p for p in ref.folder.iterdir() if p.name == name and p.is_file()), None)  # listed, not joined
        if path is None:
            raise HTTPException(404, "This run has no such file.")
        body = await run_in_threadpool(path.read_bytes)
        return Response(body, media_type=DOWNLOADS[name], headers={
            "content-disposition": f'attachment; filename="{ref.id}-{name}"'})

    async def archive_zip(self, request: Request) -> Response:
        ref, _ = self.run_ref(request.path_params["run_id"])
        body = await run_in_threadpool(zip_folder, ref.folder)
        return Response(body, media_type="application/zip",
                        headers={"content-disposition": f'attachment; filename="audit-{ref.id}.zip"'})

    async def mail(self, request: Request) -> Response:
        await checked_form(request)
        ref, run = self.run_ref(request.path_params["run_id"])
        to, problem = self.mail_settings()
        if problem:
            return await self.run_page(request, problem, 400)
        from auditor.outputs import email
        from auditor.outputs.email import SmtpSettings

        try:
            await run_in_threadpool(email.send_report, run, ref.folder, to, SmtpSettings.from_env())
        except AuditorError as exc:
            return await self.run_page(request, f"Not sent: {exc}", 502)
        return RedirectResponse(f"/runs/{ref.id}?done=mailed", status_code=303)

    def account_of(self, view: RegistryView, account_id: str) -> Row:
        row = next((r for r in view.rows if r.id == account_id), None) if ACCOUNT_ID.fullmatch(account_id) else None
        if row is None:
            raise HTTPException(404, "No such account in the registry.")
        return row

    async def account_page(self, request: Request, error: str = "", status: int = 200,
                           form: dict | None = None) -> HTMLResponse:
        view = await run_in_threadpool(read_registry, self.settings.sites, tuple(self.items))
        row = self.account_of(view, request.path_params["account_id"])
        past = await run_in_threadpool(self.store.history, row.id)
        return self.page(request, "account.html.j2", status, row=row, view=view, past=list(reversed(past)),
                         latest=past[-1] if past else None, error=error, form=form or {})

    async def record_attestation(self, request: Request) -> Response:
        form = await checked_form(request)
        account_id = request.path_params["account_id"]
        view = await run_in_threadpool(read_registry, self.settings.sites, tuple(self.items))
        row = self.account_of(view, account_id)
        fields = {k: str(form.get(k, "")) for k in ("item", "by", "date", "note", "expires")}
        att = attest.NewAttestation(**fields)
        try:
            await run_in_threadpool(attest.record, self.settings.sites, row.id, att, tuple(self.items),
                                    str(form.get("digest", "")))
        except InputError as exc:
            return await self.account_page(request, f"Not saved: {exc}", 400, fields)
        return RedirectResponse(f"/accounts/{row.id}?done=attested", status_code=303)

    # ---- login
    async def login_page(self, request: Request, error: str = "", status: int = 200) -> Response:
        guard: Guard = request.app.state.guard
        if guard.token is None or request.state.session.authenticated:
            return RedirectResponse("/", status_code=303)
        plain_http = request.url.scheme == "http" and not self.settings.loopback
        return self.page(request, "login.html.j2", status, error=error, plain_http=plain_http)

    async def login(self, request: Request) -> Response:
        guard: Guard = request.app.state.guard
        try:
            form = await checked_form(request)
        except CsrfError:
            return await self.login_page(request, "The form expired; try again.", 403)
        if not guard.token_ok(str(form.get("token", ""))):
            return await self.login_page(request, "That is not the access token.", 403)
        guard.drop(request.state.session)
        response = RedirectResponse("/", status_code=303)
        set_cookie(response, guard.new_session(authenticated=True))  # a new id: no session fixation
        return response

    async def logout(self, request: Request) -> Response:
        await checked_form(request)
        request.app.state.guard.drop(request.state.session)
        return RedirectResponse("/login", status_code=303)


def zip_folder(folder: Path) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(folder.rglob("*")):
            if p.is_file() and not p.is_symlink() and not any(part.startswith(".") for part in
                                                                p.relative_to(folder).parts):
                z.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    return buf.getvalue()


async def _csrf_refused(request: Request, exc: Exception) -> Response:
    return HTMLResponse("<!doctype html><title>Refused</title><p>Refused: the form's security token is missing "
                        "or wrong (reload the page and try again).</p>", status_code=403)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    from html import escape

    return HTMLResponse(f"<!doctype html><title>{exc.status_code}</title><p>{escape(str(exc.detail))}</p>"
                        '<p><a href="/">Registry</a></p>', status_code=exc.status_code)


def create_app(settings: ConsoleSettings) -> Starlette:
    c = Console(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await run_in_threadpool(c.queue.shutdown)

    guard = Guard(settings.token)
    routes = [
        Route("/", c.registry, methods=["GET"]),
        Route("/audit", c.start_audit, methods=["POST"]),
        Route("/audits", c.audits, methods=["GET"]),
        Route("/audits/{job_id}", c.audit_page, methods=["GET"]),
        Route("/audits/{job_id}/cancel", c.cancel, methods=["POST"]),
        Route("/runs", c.runs, methods=["GET"]),
        Route("/runs/{run_id}", c.run_page, methods=["GET"]),
        Route("/runs/{run_id}/report.html", c.report, methods=["GET"]),
        Route("/runs/{run_id}/archive.zip", c.archive_zip, methods=["GET"]),
        Route("/runs/{run_id}/email", c.mail, methods=["POST"]),
        Route("/runs/{run_id}/{name}", c.download, methods=["GET"]),
        Route("/accounts/{account_id}", c.account_page, methods=["GET"]),
        Route("/accounts/{account_id}/attest", c.record_attestation, methods=["POST"]),
        Route("/login", c.login_page, methods=["GET"]),
        Route("/login", c.login, methods=["POST"]),
        Route("/logout", c.logout, methods=["POST"]),
        Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(ConsoleMiddleware, guard=guard, loopback_only=settings.loopback)],
                    exception_handlers={CsrfError: _csrf_refused, HTTPException: _http_error})
    app.state.guard = guard
    app.state.console = c
    return app
