"""Reading data files: a YAML mapping, a JSON document, or the records of a JSON array or JSON Lines file.

Every module used to open and parse its own files, some turning a bad file into an InputError and some letting
a parser's traceback through. Reading them here means every bundled or user-supplied file that is unreadable or
malformed is reported the same way: an InputError naming the file and, where the parser knows it, the line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from kizuna.core.errors import InputError


def read_yaml(path: Path, *, allow_empty: bool = False) -> dict[str, Any]:
    """The top-level mapping of a UTF-8 YAML file.

    InputError naming the file when it cannot be read, when it is not valid YAML (with the line of the problem)
    or when its top level is not a mapping. An empty file (or one of comments only) is an error too, unless
    ``allow_empty``, when it reads as ``{}``.
    """
    try:
        data = yaml.safe_load(read_utf8(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", path=path, line=mark.line + 1 if mark else None) from exc
    except ValueError as exc:  # a scalar YAML resolves but cannot build, e.g. the date 2021-13-45
        raise InputError(f"not valid YAML: {exc}", path=path) from exc
    if data is None and allow_empty:
        return {}
    if not isinstance(data, dict):
        raise InputError("expected a YAML mapping", path=path)
    return data


def read_json(path: Path) -> Any:
    """The document in a UTF-8 JSON file; InputError naming the file (and the line of a syntax error)."""
    try:
        return json.loads(read_utf8(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno) from exc


def read_json_records(path: Path, text: str | None = None) -> list[tuple[int, dict[str, Any]]]:
    """(line, record) pairs from a JSON array (line 0 for every element) or JSON Lines (blank lines skipped).

    ``text`` is the file's content when the caller has decoded it already (a list importer's own fallback
    encodings); otherwise the file is read as UTF-8. InputError naming the file and line when it cannot be read
    or is not valid JSON. The records are not checked: a caller that needs objects tests each one.
    """
    if text is None:
        text = read_utf8(path)
    if text.lstrip().startswith("["):
        try:
            return [(0, record) for record in json.loads(text)]
        except json.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno) from exc
    records = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                records.append((number, json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(f"not valid JSON: {exc.msg}", path=path, line=number) from exc
    return records


def read_utf8(path: Path) -> str:
    """A UTF-8 text file (a byte-order mark, as spreadsheet programs write, is dropped); InputError naming the
    file when it is missing, unreadable or not UTF-8."""
    try:
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text: {exc.reason}", path=path) from exc
