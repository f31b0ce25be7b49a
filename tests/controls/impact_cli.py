"""Running ``kizuna controls impact`` in tests, whether or not the ``controls`` command group is registered yet.

The ``controls`` group (``kizuna.cli.controls:app``) is another part of issue 14; until it is in the registry,
the tests add a group of their own, with the real registry's every other command, so the command runs through the
same ``kizuna.cli.main`` tree (error handling included) as it will for users."""

from __future__ import annotations

import sys

import typer

from kizuna.capabilities import REGISTRY, Capability, Command, Registry

group = typer.Typer(help="Allied control lists (test stand-in for the controls group).", no_args_is_help=True)


def registry() -> Registry:
    """The real registry, with a stand-in ``controls`` group when it has none."""
    if any(c.name == "controls" for c in REGISTRY.commands()):
        return REGISTRY
    stand_in = Capability("controls-group-stand-in", commands=(
        Command("controls", f"{__name__}:group", "Allied control lists (test stand-in for the controls group)."),))
    return Registry((*REGISTRY.capabilities, stand_in))


def main() -> None:
    """``kizuna`` with :func:`registry`: the entry point of ``python -m tests.controls.impact_cli``."""
    from kizuna.cli import main as cli

    cli.app = cli.build_app(registry())
    cli.main()


if __name__ == "__main__":
    sys.argv[0] = "kizuna"
    main()
