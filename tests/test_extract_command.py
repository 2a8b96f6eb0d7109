"""extract_directives: a readable tree, the JSON of speeches/parsing/README.md §7 for score.py, exit 2 on bad input."""
import io
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import docx
import pytest
from django.core.management import call_command

REPO = Path(__file__).resolve().parent.parent
SPEECH = """在全县教育工作会议上的讲话
同志们：
今天召开会议，我讲两点意见。
一、统一思想，充分认识做好教育工作的重要意义
教育事关发展大局。
二、突出重点，扎实推进各项工作
（一）加强教师队伍建设。一是县教育局要在9月底前完成教师招聘。二是各学校要加强师德师风建设。
（二）抓好校园安全。各学校要在开学前完成安全隐患排查。
同志们，让我们共同努力。
"""


def run_command(*args: str) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    try:
        call_command("extract_directives", *args, stdout=stdout, stderr=stderr)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def speech_file(tmp_path) -> Path:
    path = tmp_path / "讲话.txt"
    path.write_bytes(SPEECH.encode("gbk"))
    return path


def test_prints_the_outline_as_an_indented_tree(speech_file):
    code, out, err = run_command(str(speech_file))
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "== 讲话.txt =="
    section = next(line for line in lines if "二、" in line)
    subsection = next(line for line in lines if "（一）" in line)
    point = next(line for line in lines if "一是" in line)
    indent = [len(line) - len(line.lstrip(" ")) for line in (section, subsection, point)]
    assert indent[0] < indent[1] < indent[2]
    assert "[要求]" in point


def test_json_is_the_guide_output_format(speech_file, tmp_path):
    code, out, err = run_command("--json", str(speech_file), str(speech_file))
    assert (code, err) == (0, "")
    documents = json.loads(out)["documents"]
    assert [document["source"] for document in documents] == ["讲话.txt", "讲话.txt"]
    items = [item for speech in documents[0]["speeches"] for item in speech["items"]]
    assert items, "the sample speech has numbered items"
    assert set(items[0]) >= {"id", "marker", "anchor", "parent", "title", "kind", "owners", "deadlines"}
    ids = {item["id"] for item in items}
    assert all(item["parent"] is None or item["parent"] in ids for item in items)


def test_reads_a_docx(tmp_path):
    document = docx.Document()
    for line in SPEECH.splitlines():
        document.add_paragraph(line)
    path = tmp_path / "讲话.docx"
    document.save(path)
    code, out, _ = run_command(str(path))
    assert code == 0 and "二、" in out


def _zip_bomb(tmp_path) -> Path:
    document = docx.Document()
    document.add_paragraph("一、加强学习")
    buffer = io.BytesIO()
    document.save(buffer)
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("word/media/image1.png", "w", force_zip64=True) as entry:
            for _ in range(101):
                entry.write(bytes(1024 * 1024))
    path = tmp_path / "bomb.docx"
    path.write_bytes(buffer.getvalue())
    return path


def _write(tmp_path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


BAD_INPUTS = {
    "missing": lambda tmp: tmp / "没有这个文件.txt",
    "directory": lambda tmp: tmp,
    "empty": lambda tmp: _write(tmp, "empty.txt", b""),
    "blank": lambda tmp: _write(tmp, "blank.txt", b" \r\n\t\n"),
    "binary": lambda tmp: _write(tmp, "image.txt", bytes(range(256)) * 20),
    "only-site-chrome": lambda tmp: _write(tmp, "page.txt", "还剩4页未读，继续阅读\n联系在线客服\n".encode()),
    "text-named-docx": lambda tmp: _write(tmp, "讲话.docx", SPEECH.encode()),
    "truncated-docx": lambda tmp: _write(tmp, "broken.docx", _zip_bomb(tmp).read_bytes()[:3000]),
    "zip-bomb": _zip_bomb,
}


@pytest.mark.parametrize("make", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_bad_input_exits_2_with_one_chinese_line(tmp_path, make):
    path = make(tmp_path)
    code, out, err = run_command(str(path))
    assert code == 2
    assert out == ""
    assert err.count("\n") <= 1 and "Traceback" not in err
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err)


def test_the_real_cli_exits_2_without_a_traceback(tmp_path):
    path = _write(tmp_path, "image.txt", bytes(range(256)) * 20)
    result = subprocess.run(
        [sys.executable, "manage.py", "extract_directives", str(path)],
        cwd=REPO, capture_output=True, text=True, env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0 and "Traceback" not in result.stderr


def test_score_py_reads_the_json(shared_dir, tmp_path):
    seed = shared_dir / "seeds" / "002_915ebad580f742a8.txt"
    result = subprocess.run(
        [sys.executable, "manage.py", "extract_directives", "--json", str(seed)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    prediction = tmp_path / "pred.json"
    prediction.write_text(result.stdout, encoding="utf-8")
    scored = subprocess.run(
        [sys.executable, str(shared_dir / "extraction" / "score.py"), "--gold",
         str(shared_dir / "extraction" / "gold" / "002_915ebad580f742a8.json"), "--pred", str(prediction), "--json"],
        capture_output=True, text=True, check=True,
    )
    assert "f1" in scored.stdout.lower()
