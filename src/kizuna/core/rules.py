"""The one loader of rule files: every threshold, weight or legal rule Kizuna applies is read from a cited YAML or
JSON data file into a pydantic model, so a missing field, a wrong type or a number out of range is an InputError
naming the file, the line and the field — before any answer is computed from it.

A rule model subclasses ``RuleModel`` (unknown keys refused, records frozen). ``load_rules(path, Model)`` reads any
file; ``bundled_rules("ownership/regimes/us-cfius.yaml", Model)`` reads a bundled one once per process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from kizuna.core.datafiles import read_json, read_utf8, read_yaml
from kizuna.core.errors import InputError
from kizuna.core.paths import bundled

M = TypeVar("M", bound=BaseModel)


class RuleModel(BaseModel):
    """Base of every rule-file model: unknown keys are an error (a misspelt key must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def load_rules(path: Path, model: type[M]) -> M:
    """The file at ``path`` (YAML, or JSON by its suffix) validated as ``model``."""
    data: Any = read_json(path) if path.suffix.casefold() == ".json" else read_yaml(path)
    return validate(data, model, path)


def validate(data: Any, model: type[M], path: Path | str) -> M:
    """``data`` (read from ``path``) validated as ``model``; the first problem as an InputError with its field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        location = [str(part) for part in error["loc"]]
        where = ".".join(location) or None
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        raise InputError(f"{error['msg']}{more}", path=path, line=_line_of(Path(path), location),
                         field=where) from None


@cache
def bundled_rules(relative: str, model: type[M]) -> M:
    """A bundled rule file (``data/<relative>``), read and validated once per process."""
    return load_rules(bundled(relative), model)


def _line_of(path: Path, location: list[str]) -> int | None:
    """The line of the deepest key of ``location`` that the YAML file has (1-based), for the error message."""
    if path.suffix.casefold() == ".json" or not path.is_file():
        return None
    try:
        node: Any = yaml.compose(read_utf8(path))
    except (yaml.YAMLError, InputError):
        return None
    line = None
    for part in location:
        if isinstance(node, yaml.MappingNode):
            found = next(((k, v) for k, v in node.value if getattr(k, "value", None) == part), None)
            if found is None:
                break
            line, node = found[0].start_mark.line + 1, found[1]
        elif isinstance(node, yaml.SequenceNode) and part.isdigit() and int(part) < len(node.value):
            node = node.value[int(part)]
            line = node.start_mark.line + 1
        else:
            break
    return line
