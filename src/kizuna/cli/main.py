"""Entry point: ``kizuna``. Errors meant for users are printed as one line, never as a traceback."""

from __future__ import annotations

import sys

import typer
from rich.markup import escape

from kizuna.cli import bench, cables, cyber, exchange, lists, ownership, screening, serve
from kizuna.cli.output import errors
from kizuna.core.errors import KizunaError

app = typer.Typer(
    name="kizuna",
    help="Kizuna (絆): allied export-control and investment screening, across scripts, with provenance.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(lists.app, name="lists")
app.add_typer(bench.app, name="bench")
app.add_typer(ownership.app, name="ownership")
app.add_typer(ownership.invest_app, name="invest")
app.add_typer(cyber.app, name="cyber")
app.add_typer(exchange.app, name="exchange")
app.add_typer(exchange.denial_app, name="denial")
app.add_typer(exchange.licence_app, name="licence")
app.add_typer(exchange.consultation_app, name="consultation")
app.add_typer(cables.app, name="cables")
screening.register(app)
serve.register(app)


def main() -> None:
    try:
        app()
    except KizunaError as exc:
        errors.print(f"[red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        sys.exit(2)
