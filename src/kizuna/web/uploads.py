"""Uploaded files: kept in a private temporary folder while they are read, never named by that folder's path."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import UploadFile

from kizuna.core.errors import InputError

_CHUNK = 1 << 16


@contextlib.asynccontextmanager
async def saved_upload(upload: UploadFile, default_name: str = "upload",
                       max_bytes: int | None = None) -> AsyncIterator[Path]:
    """The upload saved under its own file name (its suffix picks the reader); an InputError raised while it is
    read names the sender's file, not the server's temporary path. ``max_bytes``: a larger upload is refused
    (InputError naming the file) before it is read."""
    name = Path(upload.filename or default_name).name or default_name
    with tempfile.TemporaryDirectory(prefix="kizuna-upload-") as folder:
        path = Path(folder) / name
        with path.open("wb") as handle:
            written = 0
            while chunk := await upload.read(_CHUNK):
                written += len(chunk)
                if max_bytes is not None and written > max_bytes:
                    raise InputError(f"larger than the limit of {max_bytes:,} bytes", path=name)
                handle.write(chunk)
        try:
            yield path
        except InputError as exc:
            raise exc.renamed(path, name) from None
