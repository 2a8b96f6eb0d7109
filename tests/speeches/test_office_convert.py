"""office_convert: LibreOffice turns a .doc, .wps or RTF into a .docx, in a private profile, within a timeout."""
import os
import time

import pytest

from speeches import office_convert
from speeches.parsing.document import ConversionFailed
from speeches.parsing.docx_reader import read_docx
from tests import office_files
from tests.ole_files import ole_file

EXPECTED = [text for group in office_files.speech_paragraphs(2) for text in group]


@pytest.mark.parametrize("make, kind", [(office_files.speech_doc, "doc"), (office_files.speech_rtf, "rtf")],
                         ids=["doc", "rtf"])
def test_a_file_converts_to_a_docx_with_the_same_paragraphs(make, kind):
    converted = office_convert.to_docx(make(), kind)
    # an RTF section break comes back as an empty paragraph
    assert [line for line in read_docx(converted).split("\n") if line.strip()] == EXPECTED


def test_a_damaged_word_file_is_refused_with_a_chinese_message_and_no_files_are_left(tmp_path, monkeypatch):
    office_files.require_soffice()
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # let tempfile read TMPDIR again
    with pytest.raises(ConversionFailed) as caught:
        office_convert.to_docx(ole_file("WordDocument", "1Table"), "doc")
    assert "另存为 .docx" in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_a_conversion_past_the_timeout_is_stopped_with_every_process_it_started(tmp_path):
    """A stand-in for soffice that starts a helper and never finishes: both are killed at the timeout."""
    pids = tmp_path / "pids"
    program = tmp_path / "slow-office"
    program.write_text(f"#!/bin/sh\nsleep 300 &\necho $$ $! > {pids}\nwait\n")
    program.chmod(0o755)
    started = time.monotonic()
    with pytest.raises(ConversionFailed, match="超过 1 秒仍未完成"):
        office_convert.to_docx(b"{\\rtf1 }", "rtf", program=str(program), timeout=1)
    assert time.monotonic() - started < 10
    for pid in map(int, pids.read_text().split()):
        assert not _alive(pid), f"进程 {pid} 仍在运行"


def test_without_libreoffice_there_is_no_converter(monkeypatch):
    monkeypatch.setattr(office_convert.shutil, "which", lambda name: None)
    assert office_convert.converter() is None
    with pytest.raises(ConversionFailed):
        office_convert.to_docx(b"{\\rtf1 }", "rtf")


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its parent counts as ended)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
    except OSError:
        return os.path.exists(f"/proc/{pid}")
