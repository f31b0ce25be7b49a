"""Uploaded files: kept in a private temporary folder while they are read, never named by that folder's path."""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

from fastapi import UploadFile

from kizuna.core.errors import InputError


@contextlib.asynccontextmanager
async def saved_upload(upload: UploadFile, default_name: str = "upload") -> AsyncIterator[Path]:
    """The upload saved under its own file name (its suffix picks the reader); an InputError raised while it is
    read names the sender's file, not the server's temporary path."""
    name = Path(upload.filename or default_name).name or default_name
    with tempfile.TemporaryDirectory(prefix="kizuna-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(await upload.read())
        try:
            yield path
        except InputError as exc:
            raise exc.renamed(path, name) from None
