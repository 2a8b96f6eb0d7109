"""Import of a filled-in ledger: export, edit with openpyxl, upload, preview, confirm."""
import io
import os
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tracker import services
from tracker.models import ProgressUpdate, Task

pytestmark = pytest.mark.django_db

URL = "tracker:ledger_import"


@pytest.fixture(autouse=True)
def pending_dir(settings, tmp_path):
    """Previews are parked in the default storage: here a MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.LEDGER_IMPORT_DIR = "pending"
    return tmp_path / "media" / "pending"


@pytest.fixture
def tasks(make_task, departments, supervisor):
    today = timezone.localdate()
    first = make_task(title="排查校舍隐患", lead_department=departments["a"], deadline=today + timedelta(days=20),
                      status=Task.Status.IN_PROGRESS)
    second = make_task(title="落实营养餐补助", lead_department=departments["b"], co_departments=[departments["a"]],
                       deadline=today + timedelta(days=40))
    foreign = make_task(title="财政专项审计", lead_department=departments["b"], deadline=today + timedelta(days=10))
    closed = make_task(title="已办结的任务", lead_department=departments["a"], status=Task.Status.CLOSED)
    services.progress_report(task=first, reported_by=supervisor, date=today, content="已排查一半学校", percent=50)
    return {"first": first, "second": second, "foreign": foreign, "closed": closed}


@pytest.fixture
def colleague_a(officer_a):
    """A second officer of department a: reports progress while officer_a works on an exported file."""
    from django.contrib.auth.models import Group

    from tracker.models import User

    user = User.objects.create_user(username="colleague_a", password="x", is_staff=True, department=officer_a.department)
    user.groups.add(Group.objects.get(name="部门填报员"))
    return user


def export_workbook(client, user):
    client.force_login(user)
    response = client.get(reverse("tracker:export_tasks"))
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def row_of(ws, task):
    for row in ws.iter_rows(min_row=3):
        if row[16].value == task.pk:
            return row[0].row
    raise AssertionError(task)


def as_upload(wb, name="督办任务台账.xlsx"):
    buffer = io.BytesIO()
    wb.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def upload(client, file):
    return client.post(reverse(URL), {"action": "preview", "file": file})


def token_of(response):
    match = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    return match.group(1) if match else None


def test_round_trip_preview_then_confirm_writes_progress(client, officer_a, tasks):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    r1, r2 = row_of(ws, tasks["first"]), row_of(ws, tasks["second"])
    ws[f"K{r1}"] = "已排查全部32所学校，整改隐患5处"
    ws[f"L{r1}"] = 0.8
    ws[f"K{r2}"] = "补助资金已拨付"
    ws[f"L{r2}"] = "30%"

    preview = upload(client, as_upload(wb))
    assert preview.status_code == 200
    page = preview.content.decode()
    assert "核对导入内容" in page
    assert tasks["first"].serial in page and "50% → <strong>80%</strong>" in page
    assert "已排查一半学校" in page and "已排查全部32所学校" in page
    assert "确认导入 2 项" in page
    assert ProgressUpdate.objects.count() == 1  # preview writes nothing

    done = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    assert "已导入 2 条进展" in done.content.decode()
    tasks["first"].refresh_from_db()
    tasks["second"].refresh_from_db()
    assert (tasks["first"].progress, tasks["first"].latest_progress) == (80, "已排查全部32所学校，整改隐患5处")
    assert (tasks["second"].progress, tasks["second"].latest_progress) == (30, "补助资金已拨付")
    newest = ProgressUpdate.objects.filter(task=tasks["first"]).first()
    assert newest.reported_by == officer_a and newest.date == timezone.localdate()
    assert ProgressUpdate.objects.count() == 3

    again = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    assert "已失效" in again.content.decode()
    assert ProgressUpdate.objects.count() == 3


def test_unchanged_file_writes_nothing(client, officer_a, tasks):
    wb = export_workbook(client, officer_a)
    page = upload(client, as_upload(wb)).content.decode()
    assert "没有需要写入的进展" in page and "无变化：3 行" in page
    assert 'value="confirm"' not in page


def test_row_errors_block_confirm_and_name_the_cell(client, officer_a, tasks):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    r1, r2, rc = row_of(ws, tasks["first"]), row_of(ws, tasks["second"]), row_of(ws, tasks["closed"])
    ws[f"K{r1}"] = "进展很好"
    ws[f"L{r1}"] = 1.5
    ws[f"K{r2}"] = "已拨付"
    ws[f"L{r2}"] = 0.4
    ws[f"K{rc}"] = "补充说明"
    ws[f"I{r2}"] = "明年再说"
    preview = upload(client, as_upload(wb))
    page = preview.content.decode()
    assert f"第{r1}行 L列：完成率必须在0到100之间" in page
    assert f"第{r2}行 I列：完成时限不是有效日期" in page
    assert f"第{rc}行 Q列：任务已办结或已中止，不能再填报进展" in page
    assert 'value="confirm"' not in page and 'value="apply_valid"' not in page  # no valid change left

    blocked = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    assert "未写入任何数据" in blocked.content.decode()
    assert ProgressUpdate.objects.count() == 1


def test_partial_apply_writes_only_the_valid_rows(client, officer_a, tasks):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    r1, r2 = row_of(ws, tasks["first"]), row_of(ws, tasks["second"])
    ws[f"K{r1}"] = "进展很好"
    ws[f"L{r1}"] = "一百"
    ws[f"K{r2}"] = "已拨付"
    ws[f"L{r2}"] = 0.4
    preview = upload(client, as_upload(wb))
    page = preview.content.decode()
    assert f"第{r1}行 L列：完成率必须是0到100之间的数字" in page
    assert "只导入无误的 1 项" in page

    done = client.post(reverse(URL), {"action": "apply_valid", "token": token_of(preview)}, follow=True)
    assert "已导入 1 条进展。有误或冲突的 1 行未导入。" in done.content.decode()
    tasks["first"].refresh_from_db()
    tasks["second"].refresh_from_db()
    assert tasks["first"].progress == 50
    assert tasks["second"].progress == 40


def test_progress_changed_after_preview_is_not_overwritten(client, officer_a, supervisor, tasks):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    ws[f"K{row_of(ws, tasks['first'])}"] = "新的进展"
    preview = upload(client, as_upload(wb))
    services.progress_report(task=tasks["first"], reported_by=supervisor, date=timezone.localdate(),
                             content="督查员刚刚填报", percent=60)
    done = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    page = done.content.decode()
    assert "已被他人更新" in page and "未写入任何数据" in page
    tasks["first"].refresh_from_db()
    assert tasks["first"].latest_progress == "督查员刚刚填报"


def test_a_stale_file_does_not_revert_progress_reported_since_export(client, officer_a, colleague_a, tasks):
    """Issue 11: export; a colleague reports on X; the officer fills in only Y in the old file and imports."""
    wb = export_workbook(client, officer_a)
    services.progress_report(task=tasks["first"], reported_by=colleague_a, date=timezone.localdate(),
                             content="同事刚填报：已排查全部学校", percent=90)
    ws = wb["任务清单"]
    ws[f"K{row_of(ws, tasks['second'])}"] = "补助资金已拨付"
    ws[f"L{row_of(ws, tasks['second'])}"] = 0.3

    preview = upload(client, as_upload(wb))
    done = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    tasks["first"].refresh_from_db()
    tasks["second"].refresh_from_db()
    assert (tasks["first"].latest_progress, tasks["first"].progress) == ("同事刚填报：已排查全部学校", 90)
    assert (tasks["second"].latest_progress, tasks["second"].progress) == ("补助资金已拨付", 30)
    assert "已导入 1 条进展" in done.content.decode()
    page = preview.content.decode()
    assert "确认导入 1 项" in page and "无变化：2 行" in page
    assert tasks["first"].serial not in page  # X is neither a change nor a conflict: the officer left it alone


def test_a_row_changed_in_the_file_and_in_the_system_since_export_is_a_conflict(client, officer_a, colleague_a,
                                                                               tasks):
    wb = export_workbook(client, officer_a)
    services.progress_report(task=tasks["first"], reported_by=colleague_a, date=timezone.localdate(),
                             content="同事刚填报：已排查全部学校", percent=90)
    ws = wb["任务清单"]
    r1, r2 = row_of(ws, tasks["first"]), row_of(ws, tasks["second"])
    ws[f"K{r1}"] = "我填的：已排查大半学校"
    ws[f"L{r1}"] = 0.7
    ws[f"K{r2}"] = "补助资金已拨付"

    preview = upload(client, as_upload(wb))
    page = preview.content.decode()
    assert "冲突：<strong class=\"ledger-bad\">1</strong> 行" in page
    conflicts = page[page.index('class="ledger-conflicts"'):]
    conflicts = conflicts[:conflicts.index("</table>")]
    assert "<th>系统中的最新进展</th><th>文件中的填写</th>" in conflicts
    assert tasks["first"].serial in conflicts and tasks["second"].serial not in conflicts
    assert "同事刚填报：已排查全部学校（90%）" in conflicts and "我填的：已排查大半学校（70%）" in conflicts
    entry = ProgressUpdate.objects.filter(task=tasks["first"]).first()
    when = timezone.localtime(entry.created_at).strftime("%Y-%m-%d %H:%M")
    assert f"colleague_a 于 {when} 填报" in conflicts
    changes = page[page.index('class="ledger-preview"'):]
    assert tasks["first"].serial not in changes and tasks["second"].serial in changes
    assert 'value="confirm"' not in page and "只导入无误的 1 项" in page

    blocked = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    assert "未写入任何数据" in blocked.content.decode()
    done = client.post(reverse(URL), {"action": "apply_valid", "token": token_of(preview)}, follow=True)
    assert "已导入 1 条进展。有误或冲突的 1 行未导入。" in done.content.decode()
    tasks["first"].refresh_from_db()
    tasks["second"].refresh_from_db()
    assert (tasks["first"].latest_progress, tasks["first"].progress) == ("同事刚填报：已排查全部学校", 90)
    assert tasks["second"].latest_progress == "补助资金已拨付"


def test_an_untouched_stale_file_changes_nothing(client, officer_a, colleague_a, tasks):
    wb = export_workbook(client, officer_a)
    services.progress_report(task=tasks["first"], reported_by=colleague_a, date=timezone.localdate(),
                             content="同事刚填报", percent=90)
    services.progress_report(task=tasks["second"], reported_by=colleague_a, date=timezone.localdate(),
                             content="同事也填了这项", percent=20)
    page = upload(client, as_upload(wb)).content.decode()
    assert "没有需要写入的进展" in page and "无变化：3 行" in page and "冲突：<strong>0</strong> 行" in page
    assert 'value="confirm"' not in page and 'value="apply_valid"' not in page


def test_a_ledger_exported_before_the_baseline_column_is_refused_by_name(client, officer_a, tasks, pending_dir):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    ws.delete_cols(18)  # the columns of every ledger exported before issue 11 (18 since 报送情况)
    assert [c.value for c in ws[3]][-1] == "任务ID"
    ws[f"K{row_of(ws, tasks['first'])}"] = "在旧文件里填的"
    page = upload(client, as_upload(wb)).content.decode()
    assert "这份台账是系统升级前导出的" in page and "请重新导出台账" in page
    assert token_of(upload(client, as_upload(wb))) is None
    assert not pending_dir.exists() or not list(pending_dir.glob("*.json"))
    assert ProgressUpdate.objects.count() == 1


def test_cancel_discards_the_preview(client, officer_a, tasks, pending_dir):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    ws[f"K{row_of(ws, tasks['first'])}"] = "新的进展"
    preview = upload(client, as_upload(wb))
    assert list(pending_dir.glob("*.json"))
    client.post(reverse(URL), {"action": "cancel", "token": token_of(preview)})
    assert not list(pending_dir.glob("*.json"))
    client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)})
    assert ProgressUpdate.objects.count() == 1


def test_the_preview_waits_in_the_default_storage_and_is_swept_after_a_working_day(
        client, officer_a, tasks, pending_dir, settings):
    from django.core.files.storage import default_storage

    from tracker.ledger import imports

    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    ws[f"K{row_of(ws, tasks['first'])}"] = "新的进展"
    token = token_of(upload(client, as_upload(wb)))
    # In the storage every app server reads (here MEDIA_ROOT), under the user and the token; not in a temp folder.
    [name] = imports.pending_names()
    assert name == f"pending/{officer_a.pk}-{token}.json" and default_storage.exists(name)
    assert (pending_dir / f"{officer_a.pk}-{token}.json").is_file()
    imports.pending_sweep()
    assert default_storage.exists(name)  # fresh: kept
    old = timezone.now().timestamp() - imports.PENDING_MAX_AGE - 60
    os.utime(pending_dir / f"{officer_a.pk}-{token}.json", (old, old))
    imports.pending_sweep()
    assert imports.pending_names() == []
    client.post(reverse(URL), {"action": "confirm", "token": token})
    assert ProgressUpdate.objects.count() == 1  # gone: nothing written, the user previews again


def test_another_users_token_is_refused(client, officer_a, supervisor, tasks):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    ws[f"K{row_of(ws, tasks['first'])}"] = "新的进展"
    token = token_of(upload(client, as_upload(wb)))
    client.force_login(supervisor)
    response = client.post(reverse(URL), {"action": "confirm", "token": token}, follow=True)
    assert "已失效" in response.content.decode()
    assert ProgressUpdate.objects.count() == 1


# Every bad file: a clear Chinese message, nothing parked, nothing written.

def _swapped_ids(wb, tasks):
    ws = wb["任务清单"]
    r1, r2 = row_of(ws, tasks["first"]), row_of(ws, tasks["second"])
    ws[f"Q{r1}"], ws[f"Q{r2}"] = tasks["second"].pk, tasks["first"].pk
    ws[f"K{r1}"] = "改了ID"
    return wb


def _first_row(**cells):
    """Return an edit that sets ``cells`` (column letter: value) in the first task's row."""
    def edit(wb, tasks):
        ws = wb["任务清单"]
        r = row_of(ws, tasks["first"])
        for column, value in cells.items():
            ws[f"{column}{r}"] = value
        return wb
    return edit


def _foreign_task(wb, tasks):
    ws = wb["任务清单"]
    r = row_of(ws, tasks["first"])
    ws[f"Q{r}"] = tasks["foreign"].pk
    ws[f"B{r}"] = tasks["foreign"].serial
    ws[f"K{r}"] = "替别的单位填"
    return wb


def _swapped_baselines(wb, tasks):
    """Baselines are only compared: another row's baseline makes a changed row a conflict, never a write."""
    ws = wb["任务清单"]
    r1, r2 = row_of(ws, tasks["first"]), row_of(ws, tasks["second"])
    ws[f"R{r1}"], ws[f"R{r2}"] = ws[f"R{r2}"].value, ws[f"R{r1}"].value
    ws[f"K{r1}"] = "改了基准"
    return wb


def _merged(wb, tasks):
    ws = wb["任务清单"]
    r = row_of(ws, tasks["first"])
    ws.merge_cells(f"K{r}:L{r}")
    return wb


def _formula(wb, tasks):
    ws = wb["任务清单"]
    r = row_of(ws, tasks["first"])
    ws[f"L{r}"] = "=40/100"
    return wb


def _foreign_headers(wb, tasks):
    ws = wb["任务清单"]
    ws["K3"] = "工作进展"
    return wb


def _no_ledger_sheet(wb, tasks):
    wb["任务清单"].title = "Sheet1"
    return wb


def _extra_column(wb, tasks):
    wb["任务清单"]["S3"] = "我加的列"
    return wb


EDITED_FILES = {
    "swapped ids": (_swapped_ids, "督办编号与隐藏的任务ID不符"),
    "unknown id": (_first_row(Q=987654, K="改了ID"), "任务不存在或不属于本单位"),
    "garbled id": (_first_row(Q="abc", K="改了ID"), "隐藏的任务ID缺失或被改动"),
    "task of another department": (_foreign_task, "任务不存在或不属于本单位"),
    "garbled baseline": (_first_row(R="随便改的", K="改了基准"), "R列：隐藏的导出基准缺失或被改动"),
    "swapped baselines": (_swapped_baselines, "与系统中较新进展冲突的行（1）"),
    "merged cells": (_merged, "数据区域有合并单元格"),
    "formula in data": (_formula, "数据中含有公式"),
    "foreign headers": (_foreign_headers, "表头与本系统导出的台账不一致"),
    "no ledger sheet": (_no_ledger_sheet, "找不到“任务清单”工作表"),
    "extra column": (_extra_column, "多出了列"),
}


@pytest.mark.parametrize("case", EDITED_FILES)
def test_tampered_workbooks_are_refused(client, officer_a, tasks, pending_dir, case):
    edit, message = EDITED_FILES[case]
    wb = edit(export_workbook(client, officer_a), tasks)
    response = upload(client, as_upload(wb))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'value="confirm"' not in response.content.decode()
    client.post(reverse(URL), {"action": "apply_valid", "token": token_of(response) or ""})
    assert ProgressUpdate.objects.count() == 1
    tasks["first"].refresh_from_db()
    assert tasks["first"].progress == 50


def test_a_foreign_task_and_a_missing_one_get_the_same_message(client, officer_a, tasks):
    """The error must not tell an officer whether another department's task id exists."""
    def message_for(task_id):
        wb = export_workbook(client, officer_a)
        ws = wb["任务清单"]
        r = row_of(ws, tasks["first"])
        ws[f"Q{r}"] = task_id
        ws[f"K{r}"] = "试探别的任务ID"
        page = upload(client, as_upload(wb)).content.decode()
        return re.search(rf"第{r}行 Q列：([^<]+)</li>", page).group(1)

    missing = Task.objects.order_by("-pk").first().pk + 100
    assert message_for(tasks["foreign"].pk) == message_for(missing)
    assert "不存在或不属于本单位" in message_for(missing)


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _bomb():
    return _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>",
                 "xl/worksheets/sheet1.xml": b"\0" * (3 * 1024 * 1024)})


RAW_FILES = {
    "csv renamed": (b"\xe5\xba\x8f\xe5\x8f\xb7,\xe4\xbb\xbb\xe5\x8a\xa1\n1,2\n", "文件不是 Excel 工作簿"),
    "old xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "旧版 Excel（.xls）"),
    "word document": (_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}), "可能是 Word 文档"),
    "broken zip": (b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    "zip bomb": (_bomb(), "解压后超过 2 MB"),
    "broken workbook": (_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<not xml"}), "文件已损坏"),
    "empty file": (b"", "所提交的是空文件"),
}


@pytest.mark.parametrize("case", RAW_FILES)
def test_files_that_are_not_ledgers_are_refused(client, officer_a, tasks, settings, pending_dir, case):
    settings.LEDGER_IMPORT_MAX_UNCOMPRESSED = 2 * 1024 * 1024
    data, message = RAW_FILES[case]
    client.force_login(officer_a)
    response = upload(client, SimpleUploadedFile("台账.xlsx", data))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert token_of(response) is None
    assert not pending_dir.exists() or not list(pending_dir.glob("*.json"))
    assert ProgressUpdate.objects.count() == 1


def test_oversized_upload_is_refused(client, officer_a, tasks, settings):
    settings.LEDGER_IMPORT_MAX_BYTES = 1024 * 1024
    client.force_login(officer_a)
    response = upload(client, SimpleUploadedFile("台账.xlsx", b"PK\x03\x04" + b"\0" * (1024 * 1024 + 10)))
    assert "文件超过 1 MB" in response.content.decode()


@pytest.mark.parametrize("rows,cells,declared,message", [
    (20_000, 0, None, "表格超过 113 行（含分组行、空白行）"),
    (150, 3, "A1:Q10", "表格超过 113 行（含分组行、空白行）"),  # the dimension lies: the count still stops it
    (20_000, 3, None, "文件内容超出上限"),  # more elements than 100 rows allow: refused before openpyxl loads
])
def test_a_sheet_of_rows_past_the_cap_is_refused_before_its_rows_are_read(client, officer_a, tasks, settings,
                                                                           pending_dir, rows, cells, declared,
                                                                           message):
    """Issue 11: a million empty rows took 26 s an upload. Empty rows, rows of a few cells, a lying dimension."""
    from bench.bench_ledger_hostile import hostile_ledger
    from tracker.ledger import export

    settings.LEDGER_IMPORT_MAX_ROWS = 100
    client.force_login(officer_a)
    data = hostile_ledger(export.HEADERS, rows=rows, cells=cells, declared=declared)
    response = upload(client, SimpleUploadedFile("台账.xlsx", data))
    page = response.content.decode()
    assert message in page and "每次最多导入 100 行任务" in page
    assert token_of(response) is None
    assert not pending_dir.exists() or not list(pending_dir.glob("*.json"))


def test_workbook_without_data_rows_is_refused(client, officer_a, tasks):
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    ws.delete_rows(4, ws.max_row)
    ws["A4"] = "一、只剩分组行的讲话　共 0 项"  # a group heading is not a task row
    assert "文件中没有任务数据行" in upload(client, as_upload(wb)).content.decode()


def test_a_plain_workbook_is_refused(client, officer_a, tasks):
    wb = Workbook()
    wb.active["A1"] = "hello"
    client.force_login(officer_a)
    assert "找不到“任务清单”工作表" in upload(client, as_upload(wb)).content.decode()


@pytest.mark.parametrize("persona,status", [("supervisor", 200), ("officer_a", 200), ("leader", 403)])
def test_who_may_open_the_import_page(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == status


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_admin_index_links_to_the_import(client, officer_a):
    client.force_login(officer_a)
    assert reverse(URL) in client.get(reverse("admin:index")).content.decode()


def _filled_ledger(user, tasks):
    """The user's exported ledger with every row's 最新进展 filled in, as bytes."""
    from tracker import lights, selectors
    from tracker.ledger import export

    buffer = io.BytesIO()
    export.ledger_write(tasks=lights.annotate_signal(selectors.task_list(user=user, queryset=tasks)),
                         target=buffer)
    wb = load_workbook(io.BytesIO(buffer.getvalue()))
    for row in wb["任务清单"].iter_rows(min_row=4):
        if row[16].value is not None:  # a task row (its hidden 任务ID), not a group heading
            row[10].value = "本周已完成排查"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_preview_query_count_does_not_grow_with_rows(officer_a, make_task, departments,
                                                     django_assert_max_num_queries):
    """Co-department tasks too: visibility is read for all rows at once, not asked per task."""
    from tracker.ledger import imports

    for i in range(55):
        make_task(title=f"联合任务{i}", lead_department=departments["b"], co_departments=[departments["a"]],
                  status=Task.Status.IN_PROGRESS)
    ids = list(Task.objects.order_by("pk").values_list("pk", flat=True))
    small = _filled_ledger(officer_a, Task.objects.filter(pk__in=ids[:5]))
    large = _filled_ledger(officer_a, Task.objects.filter(pk__in=ids[5:]))
    with django_assert_max_num_queries(8) as five:
        assert len(imports.ledger_preview(user=officer_a, data=small).changes) == 5
    with django_assert_max_num_queries(8) as fifty:
        assert len(imports.ledger_preview(user=officer_a, data=large).changes) == 50
    assert len(fifty) <= len(five)


def test_an_imported_entry_completes_the_reporting_cycle(client, officer_a, tasks):
    """The bulk path keeps report_due like progress_report: 逾期未报 clears once the entry is in."""
    from datetime import timedelta

    today = timezone.localdate()
    long_ago = timezone.now() - timedelta(days=70)
    Task.objects.filter(pk=tasks["second"].pk).update(report_rule="monthly", report_day=1, created_at=long_ago)
    ProgressUpdate.objects.filter(task=tasks["second"]).update(created_at=long_ago)
    services.report_cycles_refresh(today=today)
    tasks["second"].refresh_from_db()
    assert tasks["second"].report_due < today  # 逾期未报
    wb = export_workbook(client, officer_a)
    ws = wb["任务清单"]
    assert str(ws.cell(row=row_of(ws, tasks["second"]), column=15).value).startswith("逾期未报")
    ws[f"K{row_of(ws, tasks['second'])}"] = "补助资金已拨付"
    preview = upload(client, as_upload(wb))
    client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    tasks["second"].refresh_from_db()
    assert tasks["second"].report_due >= today


# Printed layouts: group headings among the rows, the 制表 line above the header -----------

@pytest.fixture
def speech_tasks(tasks, supervisor):
    """Two of officer_a's tasks under one speech, the others under none: two group headings."""
    from speeches.models import Speech

    speech = Speech.objects.create(title="在全县教育工作会议上的讲话", meeting="全县教育工作会议", text="……",
                                   uploaded_by=supervisor)
    Task.objects.filter(pk__in=[tasks["first"].pk, tasks["second"].pk]).update(speech=speech)
    return tasks


def export_grouped(client, user, group):
    client.force_login(user)
    response = client.get(reverse("tracker:export_tasks") + f"?group={group}")
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def group_headings(ws):
    return [row[0].value for row in ws.iter_rows(min_row=4) if isinstance(row[0].value, str)]


@pytest.mark.parametrize("group", ["speech", "department", "none"])
def test_an_untouched_grouped_ledger_round_trips_with_no_change_and_no_error(client, officer_a, speech_tasks, group):
    wb = export_grouped(client, officer_a, group)
    if group != "none":
        assert len(group_headings(wb["任务清单"])) == 2
    page = upload(client, as_upload(wb)).content.decode()
    assert "没有需要写入的进展" in page and "无变化：3 行" in page
    assert "有误：<strong>0</strong> 行" in page and "第4行" not in page  # the heading in row 4 is not a task
    assert ProgressUpdate.objects.count() == 1


def test_a_row_filled_in_a_grouped_ledger_is_imported(client, officer_a, speech_tasks):
    wb = export_grouped(client, officer_a, "speech")
    ws = wb["任务清单"]
    assert group_headings(ws)[0].startswith("一、《在全县教育工作会议上的讲话》")
    r = row_of(ws, speech_tasks["second"])
    ws[f"K{r}"] = "补助资金已拨付"
    ws[f"L{r}"] = 0.3
    preview = upload(client, as_upload(wb))
    assert "确认导入 1 项" in preview.content.decode()
    done = client.post(reverse(URL), {"action": "confirm", "token": token_of(preview)}, follow=True)
    assert "已导入 1 条进展" in done.content.decode()
    speech_tasks["second"].refresh_from_db()
    assert (speech_tasks["second"].progress, speech_tasks["second"].latest_progress) == (30, "补助资金已拨付")


def test_a_heading_row_typed_into_is_reported_not_skipped(client, officer_a, speech_tasks):
    """Only a row with nothing but text in its first column is a heading: anything more is a row to check."""
    wb = export_grouped(client, officer_a, "speech")
    ws = wb["任务清单"]
    ws["K4"] = "填错了行"
    page = upload(client, as_upload(wb)).content.decode()
    assert "第4行 Q列：隐藏的任务ID缺失或被改动" in page


def test_a_ledger_with_its_header_on_row_2_still_imports(client, officer_a, tasks):
    """Ledgers exported before the 制表 line (issue 16) have their header on row 2."""
    wb = export_grouped(client, officer_a, "none")
    ws = wb["任务清单"]
    for merged in [r for r in ws.merged_cells.ranges if r.min_row == 2]:
        ws.unmerge_cells(str(merged))
    ws.delete_rows(2)
    assert [c.value for c in ws[2]][:2] == ["序号", "督办编号"]
    r = row_of(ws, tasks["first"])
    ws[f"K{r}"] = "已排查全部学校"
    ws[f"L{r}"] = 0.9
    page = upload(client, as_upload(wb)).content.decode()
    assert "确认导入 1 项" in page and f"第{r}行" not in page
