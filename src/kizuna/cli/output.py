"""Shared console output for the commands."""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from rich.console import Console

# Piped output (files, READMEs, CI logs) gets a readable width instead of rich's 80-column default.
_WIDTH = None if sys.stdout.isatty() else int(os.environ.get("COLUMNS", "150"))
console = Console(highlight=False, soft_wrap=False, width=_WIDTH)
errors = Console(stderr=True, highlight=False)


def print_json(data: Any) -> None:
    """JSON to standard output, UTF-8 and unescaped, for scripts."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def warn(message: str) -> None:
    errors.print(f"[yellow]warning:[/] {message}")


def actor() -> str:
    """Who acts, as stores and audit logs record a command-line user: ``cli:<login>``."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


def read_password(given: str | None = None, prompt: str = "password: ") -> str:
    """A password: ``given``, else ``$KIZUNA_PASSWORD``, else a line of standard input when it is not a terminal
    (for scripts), else asked for without echo."""
    import getpass
    import os
    import sys

    if given:
        return given
    if os.environ.get("KIZUNA_PASSWORD"):
        return os.environ["KIZUNA_PASSWORD"]
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return getpass.getpass(prompt)
