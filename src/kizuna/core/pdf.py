"""Printing an HTML document to PDF with headless Chromium (Debian's package; Playwright's download is offline-dead)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kizuna.core.errors import KizunaError


def chromium_path() -> str:
    """Debian's Chromium (installed by ``make system-deps``), or $KIZUNA_CHROMIUM."""
    configured = os.environ.get("KIZUNA_CHROMIUM")
    found = configured or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found or not Path(found).exists():
        raise KizunaError("PDF output needs Chromium: install Debian's chromium (make system-deps) or set "
                          "KIZUNA_CHROMIUM")
    return found


def render_pdf(html: str, target: str | Path, timeout: float = 120) -> Path:
    """Print ``html`` to a PDF at ``target``; the file appears only when complete."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kizuna-pdf-") as work:
        page = Path(work) / "report.html"
        page.write_text(html, encoding="utf-8")
        partial = Path(work) / "report.pdf"
        command = [chromium_path(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                   "--disable-background-networking", "--disable-component-update", "--disable-sync",
                   f"--user-data-dir={work}/profile", "--no-pdf-header-footer",
                   f"--print-to-pdf={partial}", page.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            raise KizunaError(f"Chromium did not finish the PDF within {timeout:.0f} s") from exc
        if done.returncode != 0 or not partial.exists() or partial.stat().st_size == 0:
            raise KizunaError(f"Chromium could not print the PDF (exit {done.returncode}): "
                              f"{done.stderr.strip()[-300:]}")
        tmp_target = target.with_name(f".{target.name}.tmp")
        shutil.copyfile(partial, tmp_target)
        os.replace(tmp_target, target)
    return target
