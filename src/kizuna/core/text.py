"""Reading a text file Kizuna is given: the encoding is detected, binary data is refused, errors name the line.

Accepted: UTF-8, UTF-8 with a byte-order mark (as spreadsheet programs write it) and UTF-16 with a byte-order mark
(Excel's "Unicode text"), each also gzip-compressed (a name ending in ``.gz``, inflated up to
``xlsx.max_total_bytes`` of ``data/core/input_limits.yaml``). Anything else is an InputError naming the line and
column of the first byte that is not UTF-8, unless the caller names a ``fallback`` encoding (the list importers
accept Windows-1252, as older OFAC files use). A NUL byte means the file is not text (a spreadsheet, an archive,
UTF-16 without its mark).
"""

from __future__ import annotations

import codecs
import contextlib
import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kizuna.core.errors import InputError
from kizuna.core.limits import SOURCE, limits

_BINARY = "binary data (a NUL byte), not a text file; if it is UTF-16, save it as UTF-8 or with a byte-order mark"
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def read_bytes(path: Path) -> bytes:
    """A file's bytes; InputError naming the file when it is missing, a folder or unreadable."""
    with _opened(path) as handle:
        return handle.read()


@contextlib.contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """``path`` open for reading; an OSError opening or reading it is an InputError naming the file."""
    try:
        with path.open("rb") as handle:
            yield handle
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path) from exc
    except IsADirectoryError as exc:
        raise InputError("is a folder, not a file", path=path) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", path=path) from exc


def read_text(path: Path, fallback: str | None = None) -> str:
    """A text file's content (see the module docstring for the encodings); InputError naming file and line."""
    raw = read_bytes(path)
    if path.name.casefold().endswith(".gz"):
        raw = _inflate(raw, path)
    return decode(raw, path, fallback)


def _inflate(raw: bytes, path: Path) -> bytes:
    """A gzip file's content, refused past the bound before it is all in memory (a small file can inflate to GB)."""
    bound = limits().xlsx_max_total_bytes
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(bound + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(f"not a readable gzip file ({exc})", path=path) from exc
    if len(data) > bound:
        raise InputError(f"inflates to more than {bound:,} bytes ({SOURCE})", path=path)
    return data


def decode(raw: bytes, path: Path | str, fallback: str | None = None) -> str:
    """Decode a file's bytes: a byte-order mark decides, else UTF-8, else ``fallback`` if given."""
    encoding = next((name for bom, name in _BOMS if raw.startswith(bom)), "utf-8")
    if encoding == "utf-8" and b"\x00" in raw:
        raise InputError(_BINARY, path=path, line=_position(raw, raw.index(b"\x00"))[0])
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        if fallback is None or encoding != "utf-8":
            line, column = _position(raw, exc.start)
            raise InputError(f"not {encoding.upper().removesuffix('-SIG')} text: byte 0x{raw[exc.start]:02x} at "
                             f"column {column} ({exc.reason}); save the file as UTF-8", path=path, line=line) from exc
        text = raw.decode(fallback, errors="replace")
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(_BINARY, path=path, line=line)
    return text


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column (in bytes) of ``offset``, as an editor counts lines."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    return raw.count(b"\n", 0, offset) + 1, offset - line_start + 1


def stream_lines(path: Path) -> Iterator[str]:
    """A text file's lines, decoded as :func:`read_text` does but one line at a time, so a file of gigabytes
    (a CEPII BACI year) is read in constant memory. The same errors, on the line they are on: a NUL byte is
    binary data, a byte that is not UTF-8 names its line and column. Lines keep their line ends (``csv`` needs
    them for quoted line breaks)."""
    with _opened(path) as handle:
        start = handle.read(4)
        handle.seek(0)
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # UTF-16 cannot be split on b"\n"; such files are small exports from Excel, decoded whole.
            yield from io.StringIO(decode(handle.read(), path), newline="")
            return
        if start.startswith(codecs.BOM_UTF8):
            handle.seek(len(codecs.BOM_UTF8))
        for number, raw in enumerate(handle, start=1):  # the loop body is inlined: it runs once per line
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {exc.start + 1} "
                                 f"({exc.reason}); save the file as UTF-8", path=path, line=number) from exc
            if "\x00" in line:
                raise InputError(_BINARY, path=path, line=number)
            yield line
