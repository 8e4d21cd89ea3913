"""Word to PDF with LibreOffice, without network access where the machine allows."""

from __future__ import annotations

import functools
import logging
import shutil
import subprocess
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)
PDF_CONTENT_TYPE = "application/pdf"


class ConversionError(Exception):
    """LibreOffice did not produce every PDF asked for."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@functools.cache
def offline_prefix() -> tuple[str, ...]:
    """The command that runs LibreOffice in an empty network namespace, when this machine
    allows one (root, or unprivileged user namespaces); () otherwise, which is logged."""
    unshare = shutil.which("unshare")
    command = (unshare, "--net", "--map-root-user") if unshare else ()
    try:
        works = bool(command) and subprocess.run([*command, "true"], timeout=10).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        works = False
    if not works:
        log.warning("LibreOffice runs with network access: unshare --net is not available here")
        return ()
    return command


def convert_to_pdf(
    docx_files: Iterable[Path | str], outdir: Path | str, *, timeout: float = 180
) -> list[Path] | None:
    """Convert .docx files to PDF with LibreOffice in one call; None when it is not installed.

    LibreOffice runs without network access where the machine allows (offline_prefix), so a
    linked image or file is not fetched. Each call gets its own LibreOffice profile directory
    (two calls sharing one silently convert nothing), and every expected PDF is checked for,
    since soffice exits 0 even on failure.
    """
    soffice = soffice_path()
    if soffice is None:
        return None
    files = [Path(f).resolve() for f in docx_files]
    out = Path(outdir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    if not files:
        return []
    profile = Path(tempfile.gettempdir()) / f"lo-{uuid.uuid4().hex}"
    command = [
        *offline_prefix(),
        soffice,
        "--headless",
        "--norestore",
        f"-env:UserInstallation=file://{profile}",
        "--convert-to",
        "pdf",
        "--outdir",
        str(out),
        *map(str, files),
    ]
    try:
        subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ConversionError(f"LibreOffice did not finish within {timeout} s") from exc
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    pdfs = [out / (f.stem + ".pdf") for f in files]
    missing = [p.name for p in pdfs if not p.is_file() or p.stat().st_size == 0]
    if missing:
        raise ConversionError("LibreOffice produced no PDF for: " + ", ".join(missing))
    return pdfs
