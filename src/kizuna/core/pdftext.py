"""The text lines of a PDF someone gave Kizuna (pdfplumber), after checking its size and page count.

Bounds: ``pdf.max_bytes`` and ``pdf.max_pages`` of ``data/core/input_limits.yaml``. A file that is not a PDF, or
one pdfplumber cannot read, is an InputError naming it; a line longer than ``max_cell_chars`` is refused.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from kizuna.core.errors import InputError
from kizuna.core.limits import SOURCE, limits


def pdf_lines(path: Path) -> Iterator[tuple[int, int, str]]:
    """Every non-blank text line as (page, line on that page, text), in reading order."""
    import pdfplumber
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfplumber.utils.exceptions import PdfminerException

    bounds = limits()
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise InputError("no such file", path=path) from exc
    if size > bounds.pdf_max_bytes:
        raise InputError(f"{size:,} bytes is larger than the limit of {bounds.pdf_max_bytes:,} for a PDF ({SOURCE})",
                         path=path)
    with path.open("rb") as handle:
        if handle.read(5) != b"%PDF-":
            raise InputError("not a PDF file (it does not start with %PDF-)", path=path, line=1)
    try:
        with pdfplumber.open(path) as document:
            if len(document.pages) > bounds.pdf_max_pages:
                raise InputError(f"{len(document.pages):,} pages is more than the limit of {bounds.pdf_max_pages:,} "
                                 f"({SOURCE})", path=path)
            for number, page in enumerate(document.pages, start=1):
                for line, text in enumerate((page.extract_text() or "").split("\n"), start=1):
                    if len(text) > bounds.max_cell_chars:
                        raise InputError(f"a text line longer than {bounds.max_cell_chars:,} characters ({SOURCE})",
                                         path=path, line=line, field=f"page {number}")
                    if text.strip():
                        yield number, line, text.strip()
    except (PDFSyntaxError, PdfminerException, ValueError, KeyError, TypeError) as exc:
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {exc})", path=path) from exc
