"""Errors that reach users: each names the file, line and field that was wrong."""

from __future__ import annotations

from pathlib import Path


class KizunaError(Exception):
    """Base class for errors shown to users as a single clear message."""


class InputError(KizunaError):
    """Bad input: a file, a line (1-based, as an editor shows it) and a field."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.line is not None:
            where.append(f"line {self.line}")
        if self.field:
            where.append(f"field '{self.field}'")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message

    def renamed(self, old: str | Path, new: str) -> InputError:
        """The same error with the file ``old`` called ``new`` (an upload's temporary path → the sender's name)."""
        path = new if self.path == str(old) else self.path
        return InputError(self.message.replace(str(old), new), path=path, line=self.line, field=self.field)


class NotFoundError(KizunaError):
    """Something the user named does not exist (a snapshot, a list, a file)."""
