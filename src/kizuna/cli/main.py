"""Entry point: ``kizuna``. Errors meant for users are printed as one line, never as a traceback.

Exit codes: 0 success; 1 hits with ``--fail-on-hit`` (``screen``, ``screen-file``); 2 a usage or input error;
3 an internal error (a bug: the traceback is printed, please report it).

The command tree comes from the capability registry (:mod:`kizuna.capabilities`): ``kizuna --help`` lists every
command from the registry's help lines, and a command's module is imported only when that command runs (or its
own ``--help`` is asked for).
"""

from __future__ import annotations

import sys
import traceback
from typing import Annotated, Any

import typer
from rich.markup import escape
from typer.core import TyperCommand, TyperGroup

from kizuna import __version__
from kizuna.capabilities import REGISTRY, Command, Registry, load
from kizuna.cli.output import errors
from kizuna.core.errors import KizunaError

HELP = "Kizuna (絆): allied export-control and investment screening, across scripts, with provenance."
EXIT_USAGE = 2
EXIT_BUG = 3


class LazyGroup(TyperGroup):
    """A command group whose subcommands are the registry's commands, each loaded on first use.

    Until a command is resolved for running it is a placeholder carrying the registry's help line, which is all
    the group's own help needs (Click's "lazily loading subcommands" pattern)."""

    registry: Registry = REGISTRY

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self._pending: dict[str, Command] = {}
        for command in self.registry.commands():
            self.commands[command.name] = TyperCommand(name=command.name, help=command.help)
            self._pending[command.name] = command

    def resolve_command(self, ctx: Any, args: list[str]) -> tuple[str | None, Any, list[str]]:
        name, command, rest = super().resolve_command(ctx, args)
        if name in self._pending:
            command = self.commands[name] = _build(self._pending.pop(name), self.registry)
        return name, command, rest


def _build(command: Command, registry: Registry) -> TyperGroup | TyperCommand:
    """The Click command for a registry command, importing its module (and those of the commands it groups)."""
    target = load(command.target)
    built: TyperGroup | TyperCommand
    if isinstance(target, typer.Typer):
        # As ``add_typer`` would: a group, without the completion options of a top-level app.
        group = typer.main.get_group(target)
        for child in registry.commands(parent=command.name):
            group.add_command(_build(child, registry))
        built = group
    else:
        single = typer.Typer(add_completion=False)
        single.command(command.name)(target)
        one = typer.main.get_command(single)
        if not isinstance(one, TyperCommand):
            raise TypeError(f"{command.target} is neither a Typer app nor a command function")
        built = one
    built.name = command.name
    return built


def build_app(registry: Registry = REGISTRY) -> typer.Typer:
    """The ``kizuna`` Typer app with ``registry``'s commands."""
    group = type("LazyGroup", (LazyGroup,), {"registry": registry})
    app = typer.Typer(name="kizuna", help=HELP, cls=group, no_args_is_help=True, add_completion=False,
                      pretty_exceptions_enable=False)
    app.callback()(_options)
    return app


def _show_version(value: bool) -> None:
    if value:
        print(f"kizuna {__version__}")
        raise typer.Exit()


def _options(
    version: Annotated[bool, typer.Option("--version", is_eager=True, callback=_show_version,
                                          help="Print Kizuna's version and exit.")] = False,
) -> None:
    """Kizuna (絆): allied export-control and investment screening, across scripts, with provenance."""


app = build_app()


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
