"""paper_breakdown, paper_notice, paper_bulletin: a .docx where asked, or one Chinese line and exit status 2."""
import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from speeches.models import Speech
from tests.papers_docx import read, rows
from tracker.papers import bulletin

pytestmark = pytest.mark.django_db


def run(name, *args):
    """Run a command; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.fixture
def tasks(make_task, departments):
    speech = Speech.objects.create(title="在全县秋季开学工作会议上的讲话", text="……", speaker="李县长",
                                   date=datetime.date(2024, 8, 16))
    return [
        make_task(title="完成校舍安全排查", lead_department=departments["a"], speech=speech, status="in_progress"),
        make_task(title="化解大班额", lead_department=departments["a"], speech=speech, status="closed"),
        make_task(title="落实资助资金", lead_department=departments["b"], speech=speech),
    ]


def test_breakdown_of_a_speech_into_a_directory(tasks, tmp_path):
    speech = tasks[0].speech
    status, out, _ = run("paper_breakdown", "--speech", str(speech.pk), "-o", str(tmp_path))
    path = tmp_path / f"《{speech.title}》重点任务分解表.docx"
    assert status == 0 and str(path) in out and "3 项任务" in out
    assert len(rows(read(path.read_bytes()).tables[0])) == 1 + 3


def test_breakdown_as_an_officer_lists_what_the_officer_sees(tasks, tmp_path, officer_b):
    target = tmp_path / "分解表.docx"
    status, out, _ = run("paper_breakdown", "--speech", str(tasks[0].speech_id), "-o", str(target), "--user", "officer_b")
    assert status == 0 and "1 项任务" in out
    assert "落实资助资金" in rows(read(target.read_bytes()).tables[0])[1][1]


def test_notice_by_serials_and_by_department(tasks, tmp_path, departments):
    target = tmp_path / "通知单.docx"
    assert run("paper_notice", "--task", tasks[0].serial, tasks[2].serial, "-o", str(target))[0] == 0
    assert [dict(rows(t))["督办编号"] for t in read(target.read_bytes()).tables] == [tasks[0].serial, tasks[2].serial]
    status, out, _ = run("paper_notice", "--department", "基教股", "-o", str(tmp_path))
    written = tmp_path / f"督办通知单_{departments['a'].name}.docx"
    assert status == 0 and "1 份" in out
    assert [dict(rows(t))["督办编号"] for t in read(written.read_bytes()).tables] == [tasks[0].serial]  # open only


def test_bulletin_defaults_to_last_month(tasks, tmp_path):
    status, _, _ = run("paper_bulletin", "-o", str(tmp_path))
    label = bulletin.period_label(*bulletin.previous_month(timezone.localdate()))
    assert status == 0
    document = read((tmp_path / f"督办通报_{label}.docx").read_bytes())
    assert document.paragraphs[0].text.replace("\n", "") == f"关于{label}讲话任务落实情况的通报"


@pytest.mark.parametrize("name,args,message", [
    ("paper_breakdown", [], "请用 --speech 给出讲话编号（一个数字），例如 --speech 3。"),
    ("paper_breakdown", ["--speech", "999"], "没有编号为 999 的讲话。"),
    ("paper_breakdown", ["--speech", "{speech}", "--user", "nobody"], "没有用户“nobody”。"),
    ("paper_breakdown", ["--speech", "{speech}", "-o", "/nonexistent/x.docx"], "目录“/nonexistent”不存在。"),
    ("paper_breakdown", ["--speech", "{speech}", "-o", "{tmp}/x.pdf"], "应以 .docx 结尾"),
    ("paper_notice", [], "请给出 --task 督办编号 或 --department 单位名称（二者选一）。"),
    ("paper_notice", ["--task", "DB-1999-0001"], "没有督办编号为 DB-1999-0001 的任务。"),
    ("paper_notice", ["--department", "县气象局"], "没有名为“县气象局”的单位。"),
    ("paper_notice", ["--department", "县教育局安全稳定股"], "县教育局安全稳定股没有在办的牵头任务"),
    ("paper_bulletin", ["--from", "2025-02-30", "--to", "2025-03-01"], "--from 的日期“2025-02-30”格式不对"),
    ("paper_bulletin", ["--from", "2025-03-02", "--to", "2025-03-01"], "起始日期不能晚于截止日期。"),
    ("paper_bulletin", ["--month", "三月"], "--month 的月份“三月”格式不对"),
    ("paper_bulletin", ["--user", "officer_a"], "用户“officer_a”不是督查员或领导，不能生成督办通报。"),
])
def test_bad_input_is_one_chinese_line_and_status_2(tasks, tmp_path, officer_a, name, args, message):
    args = [a.format(speech=tasks[0].speech_id, tmp=tmp_path) for a in args]
    before = sorted(tmp_path.iterdir())
    status, out, err = run(name, *args)
    assert status == 2 and message in err and err.count("\n") == 1 and out == ""
    assert sorted(tmp_path.iterdir()) == before  # nothing written
