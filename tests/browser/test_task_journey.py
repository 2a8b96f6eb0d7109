"""The closed loop in a real browser: an officer signs for a task, reports progress with
a photo and applies to close it; the supervisor accepts it. Screenshots of each page."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker.models import Task

pytestmark = pytest.mark.django_db(transaction=True)

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def submit(page, selector):
    """Click a button and wait for the page it leads to."""
    with page.expect_navigation():
        page.click(selector)


def test_officer_and_supervisor_close_the_loop(page, live_server, login, shoot, make_task, departments,
                                               officer_a, supervisor, media_root, tmp_path):
    task = make_task(title="完成全县校舍安全隐患排查整改", lead_department=departments["a"],
                     co_departments=[departments["c"]], deadline=timezone.localdate() + timedelta(days=3),
                     deadline_text="本月底前", content="对全县中小学校舍开展拉网式排查，建立问题台账。")
    make_task(title="推进课后服务全覆盖", lead_department=departments["a"],
              deadline=timezone.localdate() - timedelta(days=2))
    make_task(title="财政局的任务（填报员看不到）", lead_department=departments["b"])

    login("officer_a")
    page.goto(f"{live_server.url}/tasks/")
    rows = page.locator("#task-table tbody tr")
    assert rows.count() == 2
    assert "财政局的任务" not in page.content()
    shoot("1-officer-list")

    submit(page, f"text={task.serial}")
    submit(page, "input[value=签收]")
    assert "已签收" in page.inner_text(".messagelist")
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.fill("#id_progress-percent", "60")
    page.fill("#id_progress-content", "已排查 120 所学校，发现隐患 14 处，已整改 9 处。")
    page.set_input_files("#id_progress-files", str(photo))
    submit(page, "input[value=填报进展]")
    assert "进展已填报" in page.inner_text(".messagelist")
    assert "现场照片.png" in page.inner_text("#progress")
    page.fill("#id_request_close-reason", "隐患已全部整改到位，申请办结。")
    submit(page, "input[value=申请办结]")
    shoot("2-officer-task")

    page.context.clear_cookies()
    login("sup")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    shoot("3-supervisor-task")
    submit(page, "input[value=销号]")
    assert "已销号" in page.inner_text(".messagelist")
    task.refresh_from_db()
    assert task.status == Task.Status.CLOSED and task.progress == 60

    submit(page, "text=修改记录")
    assert "销号" in page.content()
    shoot("4-history")


def test_supervisor_admin_list_shows_signals_and_links_to_the_task_page(page, live_server, login, shoot,
                                                                          make_task, departments, supervisor):
    task = make_task(title="推进课后服务全覆盖", lead_department=departments["a"],
                     deadline=timezone.localdate() - timedelta(days=2))
    login("sup")
    page.goto(f"{live_server.url}/admin/tracker/task/")
    assert "红灯" in page.inner_text("#result_list")
    shoot("1-admin-list")
    page.goto(f"{live_server.url}/admin/tracker/task/{task.pk}/change/")
    shoot("2-admin-change")
    submit(page, "text=任务页面（办理与进展）")
    assert page.url.endswith(f"/tasks/{task.pk}/")
