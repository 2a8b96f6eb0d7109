"""The import's judge, with plain data: no database, no files."""
from datetime import date, datetime

import pytest

from tracker.ledger.read import SheetRow
from tracker.ledger.validate import (
    Baseline, Change, Conflict, ReportFacts, baseline_token, comparable_text, parse_baseline, parse_date,
    parse_percent, parse_task_id, progress_digest, recheck, validate,
)

LETTERS = {"task_id": "P", "serial": "B", "deadline": "I", "progress_text": "K", "percent": "L", "baseline": "Q"}


@pytest.mark.parametrize("value,percent_format,expected", [
    (0.8, True, (80, "")),
    (1, True, (100, "")),
    (0, True, (0, "")),
    (80, False, (80, "")),
    (80.0, False, (80, "")),
    ("80%", False, (80, "")),
    ("80％", False, (80, "")),
    (" 65 ", False, (65, "")),
    (0.575, True, (None, "完成率必须是整数（如 60%）")),
    (1.5, True, (None, "完成率必须在0到100之间")),
    (-0.1, True, (None, "完成率必须在0到100之间")),
    (101, False, (None, "完成率必须在0到100之间")),
    ("一百", False, (None, "完成率必须是0到100之间的数字")),
    ("nan", False, (None, "完成率必须是0到100之间的数字")),
    (None, True, (None, "完成率不能为空")),
    ("  ", True, (None, "完成率不能为空")),
    (True, False, (None, "完成率必须是0到100之间的数字")),
    (datetime(2024, 1, 1), False, (None, "完成率必须是0到100之间的数字")),
])
def test_parse_percent(value, percent_format, expected):
    assert parse_percent(value, percent_format=percent_format) == expected


@pytest.mark.parametrize("value,expected", [
    (17, 17), (17.0, 17), ("17", 17), (" 17 ", 17),
    (0, None), (-3, None), (17.5, None), ("abc", None), ("１７", None), (None, None), (True, None),
])
def test_parse_task_id(value, expected):
    assert parse_task_id(value) == expected


@pytest.mark.parametrize("value,expected", [
    (None, (None, True)), ("", (None, True)),
    (datetime(2024, 6, 30), (date(2024, 6, 30), True)), (date(2024, 6, 30), (date(2024, 6, 30), True)),
    ("2024-06-30", (date(2024, 6, 30), True)), ("2024/6/30", (date(2024, 6, 30), True)),
    ("2024-02-30", (None, False)), ("明年", (None, False)), (45000, (None, False)),
])
def test_parse_date(value, expected):
    assert parse_date(value) == expected


def facts(**overrides):
    """The task as the database has it: by default, just as it was exported (entry 7: 一半, 50%)."""
    base = dict(id=1, serial="DB-2024-0001", title="排查", may_report=True, is_open=True,
                deadline=date(2024, 6, 30), progress=50, latest_progress="一半", newest_entry=7,
                reported_by="张三", reported_at=datetime(2024, 6, 1, 9, 30))
    base.update(overrides)
    return {base["id"]: ReportFacts(**base)}


EXPORTED = baseline_token(task_id=1, entry_id=7, deadline=date(2024, 6, 30), text="一半", percent=50)
# The same task after a colleague reported since export (entry 8).
NEWER = dict(newest_entry=8, latest_progress="同事新填的", progress=70, reported_by="李四",
             reported_at=datetime(2024, 6, 2, 15, 0))


def row(**overrides):
    base = dict(number=3, task_id=1, serial="DB-2024-0001", deadline=datetime(2024, 6, 30),
                progress_text="全部完成", percent=1.0, percent_is_percent_format=True, baseline=EXPORTED)
    base.update(overrides)
    return SheetRow(**base)


def test_a_changed_row_becomes_a_change():
    verdict = validate([row()], facts(), letters=LETTERS)
    assert verdict.errors == [] and verdict.conflicts == []
    assert verdict.changes == [Change(row=3, task_id=1, serial="DB-2024-0001", title="排查", old_text="一半",
                                      new_text="全部完成", old_percent=50, new_percent=100,
                                      baseline=facts()[1].state)]


def test_a_row_left_as_exported_is_unchanged_whatever_the_system_said_since():
    """The stale file of issue 11: the newer progress stays, nothing is written, nothing is asked."""
    verdict = validate([row(progress_text="一半", percent=0.5)], facts(**NEWER), letters=LETTERS)
    assert (verdict.changes, verdict.conflicts, verdict.errors, verdict.unchanged) == ([], [], [], 1)


def test_a_row_changed_in_the_file_and_in_the_system_is_a_conflict():
    verdict = validate([row()], facts(**NEWER), letters=LETTERS)
    assert (verdict.changes, verdict.errors) == ([], [])
    assert verdict.conflicts == [Conflict(
        row=3, task_id=1, serial="DB-2024-0001", title="排查", system_text="同事新填的", system_percent=70,
        reported_by="李四", reported_at=datetime(2024, 6, 2, 15, 0), file_text="全部完成", file_percent=100)]
    assert str(verdict.conflicts[0].as_error()).startswith("第3行：导出之后系统中该任务的进展已被他人更新")


def test_a_new_entry_with_the_same_words_is_still_a_change_in_the_system():
    same_words = facts(newest_entry=8, reported_by="李四")
    assert len(validate([row()], same_words, letters=LETTERS).conflicts) == 1


def test_a_row_filled_in_with_the_systems_newer_state_is_unchanged():
    verdict = validate([row(progress_text="同事新填的", percent=0.7)], facts(**NEWER), letters=LETTERS)
    assert (verdict.changes, verdict.conflicts, verdict.errors, verdict.unchanged) == ([], [], [], 1)


@pytest.mark.parametrize("value", [None, "", "abc", "v1:7:20240630:XYZ", "v2:7:20240630:0123456789abcdef",
                                   "v1:7:20241301:0123456789abcdef", 17])
def test_a_changed_row_without_a_readable_baseline_is_an_error(value):
    verdict = validate([row(baseline=value)], facts(), letters=LETTERS)
    assert [str(e) for e in verdict.errors] == [
        "第3行 Q列：隐藏的导出基准缺失或被改动，无法判断本行是否填写过，请重新导出后填写"]
    assert verdict.changes == [] and verdict.conflicts == []
    # A row that says what the system says needs no baseline: nothing would be written.
    assert validate([row(baseline=value, progress_text="一半", percent=0.5)], facts(), letters=LETTERS).unchanged == 1


def test_a_baseline_copied_from_another_row_never_writes():
    """The digest names its task: another task's baseline makes the row a conflict, not a change."""
    other = baseline_token(task_id=2, entry_id=7, deadline=date(2024, 6, 30), text="一半", percent=50)
    verdict = validate([row(baseline=other)], facts(), letters=LETTERS)
    assert verdict.changes == [] and len(verdict.conflicts) == 1
    untouched = validate([row(baseline=other, progress_text="一半", percent=0.5)], facts(**NEWER), letters=LETTERS)
    assert untouched.changes == [] and len(untouched.conflicts) == 1


def test_a_deadline_moved_in_the_system_since_export_is_not_the_officers_edit():
    extended = facts(deadline=date(2024, 7, 31))
    verdict = validate([row()], extended, letters=LETTERS)
    assert verdict.errors == [] and len(verdict.changes) == 1
    edited = validate([row(deadline=datetime(2024, 8, 31))], extended, letters=LETTERS)
    assert [str(e) for e in edited.errors] == ["第3行 I列：完成时限不能通过导入修改（如需调整请提出延期申请）"]


@pytest.mark.parametrize("value,expected", [
    (EXPORTED, Baseline(entry_id=7, deadline=date(2024, 6, 30), digest=EXPORTED[-16:])),
    (f" {EXPORTED} ", Baseline(entry_id=7, deadline=date(2024, 6, 30), digest=EXPORTED[-16:])),
    ("v1:0:0:0123456789abcdef", Baseline(entry_id=0, deadline=None, digest="0123456789abcdef")),
    ("v1:0:0:0123456789ABCDEF", None),
    ("v1:-1:0:0123456789abcdef", None),
    ("v1:0:0:0123456789abcdef0", None),
    (7.0, None),
])
def test_parse_baseline(value, expected):
    assert parse_baseline(value) == expected


def test_the_digest_sees_what_a_cell_shows_and_what_it_cannot_hold():
    assert comparable_text(" 第一行\r\n第二行\x01 ") == "第一行\n第二行"
    assert progress_digest(1, 7, "一半\r\n", 50) == progress_digest(1, 7, "一半", 50)
    assert len({progress_digest(1, 7, "一半", 50), progress_digest(2, 7, "一半", 50),
                progress_digest(1, 8, "一半", 50), progress_digest(1, 7, "一半", 51),
                progress_digest(1, 7, "全部", 50)}) == 5


def test_an_unchanged_row_is_counted_not_written():
    verdict = validate([row(progress_text="一半", percent=0.5)], facts(), letters=LETTERS)
    assert (verdict.changes, verdict.errors, verdict.unchanged) == ([], [], 1)


def test_unchanged_closed_task_is_no_error_but_a_changed_one_is():
    closed = facts(is_open=False, may_report=False)
    assert validate([row(progress_text="一半", percent=0.5)], closed, letters=LETTERS).errors == []
    errors = validate([row()], closed, letters=LETTERS).errors
    assert [str(e) for e in errors] == ["第3行 P列：任务已办结或已中止，不能再填报进展"]


@pytest.mark.parametrize("sheet_row,task_facts,message", [
    (row(task_id="x"), facts(), "第3行 P列：隐藏的任务ID缺失或被改动，请使用导出的原始文件填写"),
    (row(task_id=2), facts(), "第3行 P列：任务不存在或不属于本单位（隐藏的任务ID可能被改动），不能导入"),
    (row(serial="DB-2024-0002"), facts(), "第3行 B列：督办编号与隐藏的任务ID不符（文件被改动），请重新导出后填写"),
    (row(deadline="2024-13-01"), facts(), "第3行 I列：完成时限不是有效日期"),
    (row(deadline=datetime(2024, 7, 30)), facts(), "第3行 I列：完成时限不能通过导入修改（如需调整请提出延期申请）"),
    (row(percent=1.2), facts(), "第3行 L列：完成率必须在0到100之间"),
    (row(progress_text="", percent=0.9), facts(), "第3行 K列：最新进展不能为空"),
    (row(progress_text="长" * 5001), facts(), "第3行 K列：最新进展不能超过5000字"),
    (row(), facts(may_report=False), "第3行 P列：您无权填报该任务的进展"),
])
def test_each_error_names_row_and_column(sheet_row, task_facts, message):
    verdict = validate([sheet_row], task_facts, letters=LETTERS)
    assert [str(e) for e in verdict.errors] == [message]
    assert verdict.changes == []


def test_the_same_task_twice_is_an_error():
    verdict = validate([row(), row(number=9)], facts(), letters=LETTERS)
    assert [str(e) for e in verdict.errors] == ["第9行 P列：任务ID与第3行重复（同一任务只能出现一次）"]
    assert len(verdict.changes) == 1


def test_recheck_refuses_changes_overtaken_since_preview():
    change = validate([row()], facts(), letters=LETTERS).changes[0]
    assert recheck([change], facts()) == ([change], [])
    valid, errors = recheck([change], facts(latest_progress="别人写的"))
    assert valid == [] and "已被他人更新" in str(errors[0])
    valid, errors = recheck([change], facts(newest_entry=8))  # a new entry, even with the same words
    assert valid == [] and "已被他人更新" in str(errors[0])
    valid, errors = recheck([change], facts(is_open=False))
    assert valid == [] and "已办结" in str(errors[0])
    valid, errors = recheck([change], {})
    assert valid == [] and "不再属于本单位" in str(errors[0])
