"""The import_speech command: saves for review, or confirms with --confirm; exit 2 on bad input."""
import io

import pytest
from django.core.management import call_command

from speeches.models import Speech, SpeechUpload
from tracker.models import Task

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_speech", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_without_confirm_only_the_speech_and_items_are_saved(county, tmp_path, speech_text):
    path = tmp_path / "讲话.txt"
    path.write_bytes(speech_text.encode("gb18030"))
    out, _ = run(str(path), "--date", "2024-08-16", "--meeting", "秋季开学会", "--speaker", "李县长")
    speech = Speech.objects.get()
    assert (speech.meeting, speech.speaker, str(speech.date)) == ("秋季开学会", "李县长", "2024-08-16")
    assert speech.items.count() > 5 and Task.objects.count() == 0
    assert "1 篇讲话" in out and "尚未生成任务" in out


def test_confirm_creates_the_tasks_the_review_page_proposes(county, tmp_path, speech_text, sup_client, review_data):
    path = tmp_path / "讲话.txt"
    path.write_text(speech_text, encoding="utf-8")
    out, _ = run(str(path), "--date", "2024-08-16", "--confirm")
    speech = Speech.objects.get()
    from django.urls import reverse

    page = sup_client.get(reverse("speeches:review", args=[speech.pk]))
    proposed_by_page = {row.item.pk for row in page.context["rows"] if row.proposal.include}
    tasks = Task.objects.filter(speech=speech)
    assert set(tasks.values_list("source_item_id", flat=True)) == proposed_by_page
    assert tasks.get(source_item__marker="（一）").lead_department == county["县教育局"]
    assert f"共生成任务 {tasks.count()} 项" in out
    # the page shows each of them as a task, nothing left to confirm by default
    assert all(row.task for row in page.context["rows"] if row.item.pk in proposed_by_page)


def test_seed_file_with_several_speeches(county, shared_dir):
    out, _ = run(str(shared_dir / "seeds" / "004_bb8126398240cff5.txt"), "--confirm")
    batch = SpeechUpload.objects.get()
    assert batch.speeches.count() > 1
    assert Task.objects.filter(speech__upload=batch).count() > 0
    assert out.count("《") == batch.speeches.count()


@pytest.mark.parametrize("make_file, extra, message", [
    (lambda p: None, [], "找不到该文件"),
    (lambda p: p.mkdir(), [], "这是一个目录"),
    (lambda p: p.write_bytes(bytes(range(256)) * 20), [], "不是可读取的文本"),
    (lambda p: p.write_bytes(b""), [], "文件内容为空"),
    (lambda p: p.write_text("今天天气很好。", encoding="utf-8"), [], "没有找到任何编号列出的要点"),
    (lambda p: p.write_text("一、抓好安全。县教育局要抓好安全。", encoding="utf-8"), ["--date", "2024/8/16"], "日期"),
], ids=["missing", "directory", "binary", "empty", "no speech", "bad date"])
def test_bad_input_exits_2_with_one_chinese_line_and_saves_nothing(tmp_path, make_file, extra, message, row_counts):
    path = tmp_path / "讲话.txt"
    make_file(path)
    before = row_counts()
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("import_speech", str(path), "--confirm", *extra, stdout=io.StringIO(), stderr=err)
    assert stopped.value.code == 2
    assert message in err.getvalue() and len(err.getvalue().strip().splitlines()) == 1
    assert row_counts() == before


def test_bad_input_message_is_one_line_without_traceback(tmp_path):
    path = tmp_path / "图.txt"
    path.write_bytes(bytes(range(256)) * 20)
    result = _command_in_a_subprocess(path, tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "不是可读取的文本" in lines[0] and "Traceback" not in result.stderr


def test_a_utf16_file_with_nul_characters_is_imported_without_them(county, tmp_path):
    path = tmp_path / "讲话.txt"
    path.write_bytes("在全县工作会议上的讲话\n一、抓好\x00安全。县教育局要抓好安全。\n二、加强学习。".encode("utf-16"))
    run(str(path), "--meeting", "秋季\udcff开学会")
    speech = Speech.objects.get()
    assert "\x00" not in speech.text and "抓好安全" in speech.text
    assert speech.meeting == "秋季\ufffd开学会"


def _command_in_a_subprocess(path, tmp_path):
    """Run import_speech with 2 GB of address space, so a reader that does not stop fails instead of swapping."""
    import resource
    import subprocess
    import sys
    from pathlib import Path

    def limit_memory():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))

    manage = Path(__file__).resolve().parents[2] / "manage.py"
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    return subprocess.run([sys.executable, str(manage), "import_speech", str(path)], capture_output=True, text=True,
                          env=env, timeout=120, preexec_fn=limit_memory)


def _fifo(tmp_path):
    import os

    os.mkfifo(tmp_path / "管道.txt")
    return tmp_path / "管道.txt"


def _sparse(tmp_path):
    path = tmp_path / "巨大.txt"
    with open(path, "wb") as file:
        file.truncate(4 * 1024 ** 3)
    return path


@pytest.mark.parametrize("make_path, message", [
    (lambda tmp_path: "/dev/zero", "不是普通文件"),
    (_fifo, "不是普通文件"),
    (_sparse, "超过 10.0 MB 上限"),
], ids=["/dev/zero", "fifo without writer", "4 GB file"])
def test_a_file_that_never_ends_or_never_starts_is_refused_at_once(tmp_path, make_path, message):
    """The command reads at most the byte limit + 1 and only regular files: no OOM killer, no hang."""
    result = _command_in_a_subprocess(make_path(tmp_path), tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-500:]
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in result.stderr
