"""``auditor serve``: a local web console for Communications staff.

Server-rendered pages (Starlette + jinja2, autoescaped), no script at all: forms for actions and
``<meta refresh>`` for live progress. Audits run as the CLI itself (``python -m auditor audit``)
in a child process, one at a time, so a console audit writes exactly what a CLI audit writes and
cancelling it is SIGTERM, as for the CLI. See docs/console.md.
"""
