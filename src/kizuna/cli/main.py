"""Entry point: ``kizuna``. Errors meant for users are printed as one line, never as a traceback.

Exit codes: 0 success; 1 hits with ``--fail-on-hit`` (``screen``, ``screen-file``); 2 a usage or input error;
3 an internal error (a bug: the traceback is printed, please report it).
"""

from __future__ import annotations

import sys
import traceback
from typing import Annotated

import typer
from rich.markup import escape

from kizuna import __version__
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
EXIT_USAGE = 2
EXIT_BUG = 3


def _show_version(value: bool) -> None:
    if value:
        print(f"kizuna {__version__}")
        raise typer.Exit()


@app.callback()
def _options(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_show_version,
                                          help="Print Kizuna's version and exit.")] = False,
) -> None:
    """Kizuna (絆): allied export-control and investment screening, across scripts, with provenance."""


def main() -> None:
    try:
        app()
    except KizunaError as exc:
        errors.print(f"[red]error:[/] {escape(str(exc))}", markup=True, soft_wrap=True)
        sys.exit(EXIT_USAGE)
    except Exception:
        # Exit 1 means "hits" to a script; a bug must not look like that (nor like success).
        traceback.print_exc()
        errors.print("[red]internal error:[/] this is a bug in Kizuna; please report it with the traceback above")
        sys.exit(EXIT_BUG)
