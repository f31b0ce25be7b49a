"""Reading data files: a YAML mapping, a JSON document, or the records of a JSON array or JSON Lines file.

Every module used to open and parse its own files, some turning a bad file into an InputError and some letting
a parser's traceback through. Reading them here means every bundled or user-supplied file that is unreadable,
malformed, nested too deep or holding a string too long (``data/core/input_limits.yaml``) is reported the same
way: an InputError naming the file and, where known, the line and the field. ``require`` checks the type of a
value read from one, with the same kind of message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

import yaml

from kizuna.core import text as textfile
from kizuna.core.errors import InputError
from kizuna.core.limits import SOURCE, limits

T = TypeVar("T")
# libyaml's parser when PyYAML was built with it (ten times faster on the screening tables), else the Python one;
# both resolve the same safe tags.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TYPE_NAMES = {dict: "an object", list: "an array", str: "text", int: "a whole number", float: "a number",
               bool: "true or false", type(None): "null"}


def read_yaml(path: Path, *, allow_empty: bool = False) -> dict[str, Any]:
    """The top-level mapping of a UTF-8 YAML file.

    InputError naming the file when it cannot be read, when it is not valid YAML (with the line of the problem),
    when it nests too deep or when its top level is not a mapping. An empty file (or one of comments only) is an
    error too, unless ``allow_empty``, when it reads as ``{}``.
    """
    try:
        data = yaml.load(read_utf8(path), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(f"not valid YAML: {problem}", path=path, line=mark.line + 1 if mark else None) from exc
    except ValueError as exc:  # a scalar YAML resolves but cannot build, e.g. the date 2021-13-45
        raise InputError(f"not valid YAML: {exc}", path=path) from exc
    except RecursionError as exc:
        raise InputError(_too_deep(), path=path) from exc
    if data is None and allow_empty:
        return {}
    if not isinstance(data, dict):
        raise InputError("expected a YAML mapping", path=path)
    check_bounds(data, path)
    return data


def read_json(path: Path) -> Any:
    """The document in a UTF-8 JSON file; InputError naming the file (and the line of a syntax error)."""
    return parse_json(read_utf8(path), path)


def parse_json(text: str, path: Path | str, line: int | None = None, *, max_chars: int | None = None) -> Any:
    """One JSON document (``line``: where it starts, for JSON Lines), checked against the depth and length bounds
    (``max_chars``: a longer string bound than ``max_cell_chars``, for a regulation's own text)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON: {exc.msg}", path=path,
                         line=exc.lineno if line is None else line) from exc
    except RecursionError as exc:
        raise InputError(_too_deep(), path=path, line=line) from exc
    check_bounds(document, path, line, max_chars=max_chars)
    return document


def read_json_records(path: Path, text: str | None = None) -> list[tuple[int, Any]]:
    """(line, record) pairs from a JSON array (line 0 for every element) or JSON Lines (blank lines skipped).

    ``text`` is the file's content when the caller has decoded it already (a list importer's own fallback
    encodings); otherwise the file is read as UTF-8. InputError naming the file and line when it cannot be read
    or is not valid JSON. The records are not checked: a caller that needs objects tests each one.
    """
    if text is None:
        text = read_utf8(path)
    if text.lstrip().startswith("["):
        document = parse_json(text, path)
        return [(0, record) for record in document]
    return [(number, parse_json(line, path, number))
            for number, line in enumerate(text.splitlines(), start=1) if line.strip()]


def read_utf8(path: Path) -> str:
    """A UTF-8 (or UTF-16 with a byte-order mark) text file; InputError naming the file and line otherwise."""
    return textfile.read_text(path)


def require(value: Any, kind: type[T] | tuple[type, ...], *, path: Path | str, field: str,
            line: int | None = None) -> T:
    """``value`` when it is of ``kind``; else an InputError naming file, line and field and what was found."""
    if isinstance(value, kind) and not (isinstance(value, bool) and bool not in _kinds(kind)):
        return value  # type: ignore[return-value]
    wanted = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in _kinds(kind))
    found = _TYPE_NAMES.get(type(value), type(value).__name__)
    raise InputError(f"expected {wanted}, found {found}", path=path, line=line, field=field)


def _kinds(kind: type | tuple[type, ...]) -> tuple[type, ...]:
    return kind if isinstance(kind, tuple) else (kind,)


def check_bounds(document: Any, path: Path | str, line: int | None = None, *, max_chars: int | None = None) -> None:
    """InputError when ``document`` nests deeper than ``max_json_depth`` or holds a string longer than
    ``max_cell_chars`` (naming where); the walk is iterative, so depth cannot exhaust the stack."""
    bounds = limits()
    longest = max_chars or bounds.max_cell_chars
    for depth, _, value in _walk(document, with_paths=False):
        if _too_big(value, depth, longest):
            break
    else:
        return
    # Walk again, naming the place: only a file about to be refused pays for building the paths.
    for depth, where, value in _walk(document, with_paths=True):
        if isinstance(value, dict | list) and depth > bounds.max_json_depth:
            raise InputError(_too_deep(), path=path, line=line, field=where or None)
        if isinstance(value, str) and len(value) > longest:
            raise InputError(f"text of {len(value):,} characters is longer than the limit of "
                             f"{longest:,} ({SOURCE})", path=path, line=line, field=where or None)


def _too_big(value: Any, depth: int, longest: int) -> bool:
    if isinstance(value, str):
        return len(value) > longest
    return isinstance(value, dict | list) and depth > limits().max_json_depth


def _walk(document: Any, *, with_paths: bool) -> Iterator[tuple[int, str, Any]]:
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        yield depth, where, value
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str):
                    yield depth, where, key
                stack.append((item, depth + 1, f"{where}.{key}".lstrip(".") if with_paths else ""))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, f"{where}[{index}]" if with_paths else "")
                         for index, item in enumerate(value))


def _too_deep() -> str:
    return f"nested more than {limits().max_json_depth} levels deep (the limit, {SOURCE})"
