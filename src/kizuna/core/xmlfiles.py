"""Parsing XML someone gave Kizuna: a DTD or entity declaration is refused before parsing, errors name the line.

No format Kizuna reads (the UN list, the XML parts of an xlsx workbook) needs a DTD, and entity expansion
("billion laughs", external entities) is how XML is made to exhaust memory or read local files. The scan runs on
the raw bytes, so it also covers parsers Kizuna does not control (openpyxl's); parsing itself goes through
defusedxml, which refuses the same constructs again.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zlib
from pathlib import Path
from typing import IO

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import parse as defused_parse

from kizuna.core.errors import InputError

_DANGEROUS = (b"<!DOCTYPE", b"<!ENTITY")
_CHUNK = 1 << 20


def refuse_dtd(stream: IO[bytes], path: Path | str, field: str | None = None) -> None:
    """Read ``stream`` to its end; InputError when it is not UTF-8 XML or declares a DTD or entities."""
    try:
        tail = stream.read(4)
        if tail.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in tail:
            raise InputError("XML is not UTF-8", path=path, field=field)
        while True:
            window = tail + stream.read(_CHUNK)
            if any(marker in window for marker in _DANGEROUS):
                raise InputError("XML declares a DTD or entities, which Kizuna refuses", path=path, field=field)
            if len(window) == len(tail):
                return
            tail = window[-16:]
    except (OSError, RuntimeError, NotImplementedError, zlib.error) as exc:
        raise InputError(f"cannot read XML ({exc})", path=path, field=field) from exc


def parse_xml(path: Path) -> ET.Element:
    """The root element of an XML file; InputError naming the file and line when it is unreadable or malformed."""
    try:
        with path.open("rb") as stream:
            refuse_dtd(stream, path)
        return defused_parse(path).getroot()
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path) from exc
    except ET.ParseError as exc:
        raise InputError(f"malformed XML: {exc}", path=path, line=exc.position[0]) from exc
    except DefusedXmlException as exc:
        raise InputError(f"XML refused: {exc}", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=path) from exc
