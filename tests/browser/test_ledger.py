"""The ledger in a real browser: download it, fill in progress, upload, check the preview, confirm."""
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from tracker.models import ProgressUpdate, Task

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_downloads_fills_in_and_imports_the_ledger(page, live_server, login, shoot, officer_a,
                                                           make_task, departments, tmp_path, settings):
    settings.LEDGER_IMPORT_DIR = str(tmp_path / "pending")
    today = timezone.localdate()
    task = make_task(title="开展校园食品安全专项检查", lead_department=departments["a"],
                     deadline=today + timedelta(days=5), status=Task.Status.IN_PROGRESS)
    other = make_task(title="完成秋季学期教材征订", lead_department=departments["a"], deadline=today - timedelta(days=2),
                      status=Task.Status.IN_PROGRESS)
    login("officer_a")

    with page.expect_download() as info:
        page.evaluate(f"window.location.href = '{live_server.url}/export/tasks.xlsx'")
    download = info.value
    assert download.suggested_filename.startswith("督办任务台账_") and download.suggested_filename.endswith(".xlsx")
    path = tmp_path / "ledger.xlsx"
    download.save_as(path)

    wb = load_workbook(path)
    ws = wb["任务清单"]
    for row in ws.iter_rows(min_row=3):
        if row[15].value == task.pk:
            row[10].value = "已检查全部28所学校食堂，发现问题6个，已整改4个"
            row[11].value = 0.7
        if row[15].value == other.pk:
            row[11].value = 1.2
            row[10].value = "已征订"
    wb.save(path)

    page.goto(f"{live_server.url}/ledger/import/")
    shoot("form")
    page.set_input_files("input[type=file]", str(path))
    page.click("input[type=submit]")
    page.wait_for_selector("text=核对导入内容")
    body = page.inner_text("#content")
    assert "完成率必须在0到100之间" in body
    assert "0% → 70%" in body
    shoot("preview")
    page.click("button[value=apply_valid]")
    page.wait_for_selector(".messagelist")
    assert "已导入 1 条进展" in page.inner_text(".messagelist")
    shoot("done")
    task.refresh_from_db()
    assert task.progress == 70
    assert ProgressUpdate.objects.filter(task=other).count() == 0
