"""Turn a Word 97-2003 (.doc), WPS (.wps) or RTF file into a .docx with LibreOffice headless.

This runs a program, so it stays out of the pure parser: ``speeches.parsing.reader``
takes the converter as an argument, the services pass ``converter()``, and the parser's
own tests pass none (and so see the refusal that tells the user to save as .docx).

Each conversion runs in a temporary folder of its own, with a LibreOffice profile of
its own (two conversions sharing one would hand their work to each other's process),
macros off and no links fetched from outside, as a process group that is killed whole
when it outlasts the timeout. Nothing is left behind.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from speeches.parsing.document import ConversionFailed

TIMEOUT = 30  # seconds (settings.SPEECH_CONVERT_TIMEOUT); a speech takes about 2 CPU s, 6-8 s on a busy machine
MAX_OUTPUT_BYTES = 64 * 1024 * 1024  # the .docx it writes; the .docx reader then checks what it inflates to

FAILED = "无法转换该文件（文件可能已损坏、设有密码或不是文字文档）。请在 Word/WPS 中打开，另存为 .docx 后再上传。"
TIMED_OUT = "转换该文件超过 {seconds} 秒仍未完成，已停止。请在 Word/WPS 中打开，另存为 .docx 后再上传。"

# The private profile's settings: no macro runs, and links to other files or sites are not
# followed (a document can ask for a picture from an address on the server's network):
# Writer's link update mode 0 is "never" (sw/inc/linkenum.hxx: NEVER, MANUAL, AUTOMATIC).
PROFILE_SETTINGS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="MacroSecurityLevel" oor:op="fuse"><value>3</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="DisableMacrosExecution" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Security/Scripting">\
<prop oor:name="BlockUntrustedRefererLinks" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Writer/Content/Update">\
<prop oor:name="Link" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc">\
<prop oor:name="UseOpenCL" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def soffice_path() -> str | None:
    """Return the LibreOffice program to run, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def converter(*, timeout: float = TIMEOUT) -> Callable[[bytes, str], bytes] | None:
    """Return the converter the reader should use: ``to_docx`` with ``timeout``, or None without LibreOffice."""
    program = soffice_path()
    return None if program is None else partial(to_docx, program=program, timeout=timeout)


def to_docx(data: bytes, kind: str, *, program: str | None = None, timeout: float = TIMEOUT,
            max_output_bytes: int = MAX_OUTPUT_BYTES) -> bytes:
    """Return ``data`` (a file of ``kind`` "doc" or "rtf") converted to .docx bytes.

    The file is written under a fixed name with the extension its content calls for,
    never the uploaded name: LibreOffice would take a file named .wps for Microsoft
    Works. Raise ConversionFailed with a Chinese message when LibreOffice fails, runs
    past ``timeout`` seconds or writes more than ``max_output_bytes``.
    """
    program = program or soffice_path()
    if program is None:
        raise ConversionFailed(FAILED)
    with tempfile.TemporaryDirectory(prefix="duban-convert-") as folder:
        root = Path(folder)
        source = root / f"speech.{kind}"
        source.write_bytes(data)
        profile = root / "profile"
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(PROFILE_SETTINGS, encoding="utf-8")
        out = root / "out"
        out.mkdir()
        command = [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--invisible",
                   "--nologo", "--norestore", "--nolockcheck", "--convert-to", "docx:MS Word 2007 XML",
                   "--outdir", str(out), str(source)]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": folder, "TMPDIR": folder,
               "LANG": "C.UTF-8", "SAL_USE_VCLPLUGIN": "svp"}
        _run(command, env=env, cwd=folder, timeout=timeout)
        result = out / "speech.docx"
        if not result.is_file() or result.stat().st_size == 0:
            raise ConversionFailed(FAILED)
        if result.stat().st_size > max_output_bytes:
            raise ConversionFailed(FAILED)
        return result.read_bytes()


def _run(command: list[str], *, env: dict, cwd: str, timeout: float) -> None:
    """Run LibreOffice in a process group of its own; kill the whole group once ``timeout`` passes."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL, env=env, cwd=cwd, start_new_session=True)
    except OSError:
        raise ConversionFailed(FAILED) from None
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ConversionFailed(TIMED_OUT.format(seconds=f"{timeout:g}")) from None
    finally:
        # soffice starts soffice.bin and may leave helpers: end the group in every case
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        process.wait()
