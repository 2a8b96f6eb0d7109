"""The product's four journeys in a real Chromium, each from the login form on.

1. The supervisor turns a speech file into tasks: upload, review (untick one item,
   give another a different lead department), confirm, find the tasks in the list.
2. A department officer sees only their department's tasks, reports progress and
   applies to close one (申请办结 with a closing report).
3. The supervisor closes it (销号), sees the dashboard's numbers move and exports the
   ledger from the task list.
4. A department officer downloads the ledger, fills in progress, imports it back
   (preview, confirm) and finds the new progress on the task page.
5. A 中心学校 officer breaks a task down to two schools (分解下达); a school's officer
   sees only the school's part, accepts it and reports progress; the 中心学校 officer
   finds the roll-up on the parent, which may not ask to close while parts are open.

Each journey saves screenshots of its key pages (see the ``shoot`` fixture).
"""
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from speeches.models import Speech
from tests.browser.steps import NARROW, WIDE, kpi, submit, table_column
from tracker import services
from tracker.models import ProgressUpdate, Task, TaskTransition

pytestmark = pytest.mark.django_db(transaction=True)

# A county education speech whose directives name 各学校 and 教育部门 (demo departments' aliases).
SEED = "002_915ebad580f742a8.txt"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def messages_text(page):
    return page.inner_text(".messagelist")


def ledger_rows(path):
    """The 任务清单 sheet's task rows as dicts by header (above the headers: the title and 制表 line)."""
    ws = load_workbook(path)["任务清单"]
    rows = ws.iter_rows(min_row=3, values_only=True)
    headers = next(rows)
    return [dict(zip(headers, row)) for row in rows if row[headers.index("督办编号")]]


def download_ledger(page, tmp_path):
    """Press the task list's export button and keep the file it sends."""
    with page.expect_download() as info:
        page.click("a.duban-export")
    download = info.value
    assert download.suggested_filename.startswith("督办任务台账_")
    assert download.suggested_filename.endswith(".xlsx")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    return path


def test_supervisor_uploads_a_speech_reviews_it_and_finds_the_tasks(
        page, live_server, login, shoot, supervisor, county, shared_dir):
    seed = shared_dir / "seeds" / SEED
    login("sup")
    assert "讲话任务督办系统" in page.inner_text("#site-name")
    assert "督办工作台" in page.inner_text("#content")
    shoot("1-workbench")

    submit(page, "#duban-shortcuts a:has-text('上传讲话')")
    page.fill("#id_meeting", "2022年全县教育工作暨党风廉政建设工作会议")
    page.fill("#id_speaker", "县委副书记")
    page.set_input_files("#id_file", str(seed))
    shoot("2-upload")
    submit(page, "input[type=submit][value='上传并识别']")
    page.wait_for_selector("#speech-text")
    speech = Speech.objects.get()
    dropped = speech.items.get(title__contains="增强党对教育工作的全面领导")
    moved = speech.items.get(title__contains="突出以人为本")
    schools, safety = county["各乡镇中心学校"], county["县教育局安全稳定股"]

    shoot("3-review")
    shoot("3-review-narrow", width=NARROW)

    # Clicking an item shows where it stands in the speech, in the text beside it.
    page.click(f"#item-{moved.pk} .review-locate")
    assert page.locator("#speech-text mark").inner_text() == speech.text[moved.start:moved.end]
    assert page.locator(f"#item-{moved.pk}.is-selected").count() == 1
    assert page.locator("#speech-text mark").is_visible()
    shoot("4-review-located", full_page=False)
    page.set_viewport_size({"width": NARROW, "height": 900})
    page.click(f"#item-{moved.pk} .review-locate")  # again: the panel scrolls to the mark for this width
    assert page.locator("#speech-text mark").is_visible()
    shoot("4-review-located-narrow", full_page=False)
    page.set_viewport_size({"width": WIDE, "height": 900})

    # Untick one item: its fields fold away and the count drops.
    proposed = int(page.locator(".js-included-count").first.inner_text())
    page.uncheck(f"#id_item-{dropped.pk}-include")
    assert not page.locator(f"#item-{dropped.pk} .review-fields").is_visible()
    assert int(page.locator(".js-included-count").first.inner_text()) == proposed - 1
    # Give another item a different lead department than the one the speech's words matched.
    lead = page.locator(f"#id_item-{moved.pk}-lead_department")
    assert lead.input_value() == str(schools.pk)
    lead.select_option(str(safety.pk))

    submit(page, "input[type=submit][value='确认生成任务'] >> nth=0")
    assert f"已生成 {proposed - 1} 项督办任务" in messages_text(page)
    assert page.locator(f"#item-{moved.pk} .review-task").count() == 1
    shoot("5-confirmed")

    submit(page, ".breadcrumbs a:has-text('首页')")
    submit(page, "#duban-shortcuts a:has-text('任务清单')")
    titles = table_column(page, "#task-table", "任务名称")
    leads = dict(zip(titles, table_column(page, "#task-table", "牵头单位")))
    assert len(titles) == proposed - 1
    assert not any("增强党对教育工作" in title for title in titles)
    [moved_title] = [title for title in titles if "突出以人为本" in title]
    assert leads[moved_title] == safety.name
    shoot("6-task-list")
    shoot("6-task-list-narrow", width=NARROW)

    assert not Task.objects.filter(source_item=dropped).exists()
    assert Task.objects.get(source_item=moved).lead_department == safety
    assert Task.objects.filter(speech=speech).count() == proposed - 1


def test_officer_sees_own_tasks_reports_progress_and_applies_to_close(
        page, live_server, login, shoot, make_task, departments, officer_a, tmp_path):
    today = timezone.localdate()
    own = make_task(title="完成全县校舍安全隐患排查整改", lead_department=departments["a"],
                    co_departments=[departments["c"]], deadline=today + timedelta(days=3),
                    deadline_text="本月底前", content="对全县中小学校舍开展拉网式排查，建立问题台账。")
    helping = make_task(title="推进课后服务全覆盖", lead_department=departments["c"],
                        co_departments=[departments["a"]], deadline=today - timedelta(days=2))
    foreign = make_task(title="落实义务教育经费保障机制", lead_department=departments["b"])

    login("officer_a")
    submit(page, "#duban-shortcuts a:has-text('任务清单')")
    assert sorted(table_column(page, "#task-table", "督办编号")) == sorted([own.serial, helping.serial])
    assert foreign.title not in page.inner_text("#task-table")
    shoot("1-task-list")
    for url in (f"/tasks/{foreign.pk}/", f"/tasks/{foreign.pk}/history/"):
        assert page.goto(live_server.url + url).status in (403, 404)
        assert "页面不存在" in page.inner_text("#content") and foreign.title not in page.content()
    shoot("2-refused")

    page.goto(f"{live_server.url}/tasks/")
    submit(page, f"#task-table a:text-is('{own.serial}')")
    submit(page, "input[value=签收]")
    assert "已签收" in messages_text(page)
    photo = tmp_path / "现场照片.png"
    photo.write_bytes(PNG)
    page.fill("#id_progress-percent", "60")
    page.fill("#id_progress-content", "已排查 120 所学校，发现隐患 14 处，已整改 9 处。")
    page.set_input_files("#id_progress-files", str(photo))
    submit(page, "input[value=填报进展]")
    assert "进展已填报" in messages_text(page)
    timeline = page.inner_text("#timeline")
    assert "已排查 120 所学校" in timeline and "现场照片.png" in timeline
    assert "60%" in page.inner_text("#task-fields")

    page.fill("#id_request_close-reason", "隐患已全部整改到位，申请办结。")
    submit(page, "input[value=申请办结]")
    assert "已申请办结" in messages_text(page)
    assert "申请办结" in page.inner_text("#task-fields")
    assert "隐患已全部整改到位" in page.inner_text("#timeline")
    shoot("3-task-page")

    own.refresh_from_db()
    assert own.status == Task.Status.CLOSING and own.progress == 60
    assert ProgressUpdate.objects.get(task=own).reported_by == officer_a
    assert TaskTransition.objects.filter(task=own, reason="隐患已全部整改到位，申请办结。").exists()


def test_supervisor_closes_a_task_sees_the_dashboard_move_and_exports_the_ledger(
        page, live_server, login, shoot, make_task, departments, officer_a, supervisor, tmp_path):
    today = timezone.localdate()
    closing = make_task(title="完成全县校舍安全隐患排查整改", lead_department=departments["a"],
                        deadline=today + timedelta(days=3))
    services.task_transition(task=closing, action="accept", by=officer_a)
    services.progress_report(task=closing, reported_by=officer_a, date=today, percent=100,
                             content="120 所学校的隐患已全部整改。")
    services.task_transition(task=closing, action="request_close", by=officer_a, reason="已全部整改，申请办结。")
    make_task(title="推进课后服务全覆盖", lead_department=departments["a"], deadline=today - timedelta(days=2))
    make_task(title="落实义务教育经费保障机制", lead_department=departments["b"], deadline=today + timedelta(days=30))

    login("sup")
    submit(page, "#duban-shortcuts a:has-text('督办看板')")
    closed_before, closing_before = kpi(page, "已办结"), kpi(page, "申请办结")
    assert closing_before == 1
    shoot("1-dashboard-before")

    page.goto(f"{live_server.url}/tasks/{closing.pk}/")
    assert "已全部整改，申请办结。" in page.inner_text("#timeline")
    shoot("2-task-closing")
    page.fill("#id_close-reason", "经核查，整改到位，同意销号。")
    submit(page, "input[value=销号]")
    assert "已销号" in messages_text(page)
    assert "已办结" in page.inner_text("#task-fields")
    submit(page, "#content-main a:text-is('修改记录')")
    assert "销号" in page.inner_text("#content")
    shoot("3-history")

    page.goto(f"{live_server.url}/dashboard/")
    assert kpi(page, "已办结") == closed_before + 1
    assert kpi(page, "申请办结") == closing_before - 1
    shoot("4-dashboard-after")

    submit(page, ".breadcrumbs a:has-text('首页')")
    submit(page, "#duban-shortcuts a:has-text('任务清单')")
    serials = table_column(page, "#task-table", "督办编号")
    statuses = dict(zip(serials, table_column(page, "#task-table", "状态")))
    assert len(serials) == 3 and statuses[closing.serial] == "已办结"
    shoot("5-task-list")
    rows = ledger_rows(download_ledger(page, tmp_path))
    assert sorted(row["督办编号"] for row in rows) == sorted(serials)
    assert {row["督办编号"]: row["状态"] for row in rows} == statuses
    [closed_row] = [row for row in rows if row["督办编号"] == closing.serial]
    assert closed_row["完成率"] == 1 and closed_row["任务ID"] == closing.pk


def test_officer_fills_in_the_ledger_and_imports_it_back(
        page, live_server, login, shoot, make_task, departments, officer_a, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    today = timezone.localdate()
    task = make_task(title="开展校园食品安全专项检查", lead_department=departments["a"],
                     deadline=today + timedelta(days=5), status=Task.Status.IN_PROGRESS)
    other = make_task(title="完成秋季学期教材征订", lead_department=departments["a"],
                      deadline=today - timedelta(days=2), status=Task.Status.IN_PROGRESS)
    foreign = make_task(title="落实义务教育经费保障机制", lead_department=departments["b"])

    login("officer_a")
    submit(page, "#duban-shortcuts a:has-text('任务清单')")
    path = download_ledger(page, tmp_path)
    assert sorted(row["督办编号"] for row in ledger_rows(path)) == sorted([task.serial, other.serial])
    assert foreign.serial not in table_column(page, "#task-table", "督办编号")

    # Fill in one row as an officer would in Excel: 最新进展 and 完成率, nothing else.
    wb = load_workbook(path)
    ws = wb["任务清单"]
    headers = [cell.value for cell in ws[3]]
    serial_col, text_col, percent_col = (headers.index(h) for h in ("督办编号", "最新进展", "完成率"))
    [row] = [row for row in ws.iter_rows(min_row=4) if row[serial_col].value == task.serial]
    row[text_col].value = "已检查全部28所学校食堂，发现问题6个，已整改4个"
    row[percent_col].value = 0.7
    wb.save(path)

    submit(page, ".breadcrumbs a:has-text('首页')")
    submit(page, "#duban-shortcuts a:has-text('导入台账进展')")
    shoot("1-import-form")
    page.set_input_files("input[type=file]", str(path))
    submit(page, "input[type=submit][value='上传并预览']")
    page.wait_for_selector("text=核对导入内容")
    preview = page.inner_text(".ledger-preview")
    assert task.serial in preview and other.serial not in preview
    assert "（无）" in preview and "已检查全部28所学校食堂" in preview and "0% → 70%" in preview
    shoot("2-preview")
    submit(page, "button[value=confirm]")
    assert "已导入 1 条进展" in messages_text(page)

    page.goto(f"{live_server.url}/tasks/")
    submit(page, f"#task-table a:text-is('{task.serial}')")
    fields = page.inner_text("#task-fields")
    assert "已检查全部28所学校食堂，发现问题6个，已整改4个" in fields and "70%" in fields
    assert "已检查全部28所学校食堂" in page.inner_text("#timeline")
    shoot("3-task-page")
    task.refresh_from_db()
    assert task.progress == 70
    assert not ProgressUpdate.objects.filter(task=other).exists()


def test_centre_school_breaks_a_task_down_and_a_school_reports_its_part(
        page, live_server, login, shoot, make_task):
    from tests.conftest import make_user
    from tracker.models import Department

    today = timezone.localdate()
    centre = Department.objects.create(name="各乡镇中心学校", short_name="中心学校")
    first = Department.objects.create(name="城关镇第一小学", parent=centre, order=1)
    second = Department.objects.create(name="城关镇第二小学", parent=centre, order=2)
    Department.objects.create(name="河口镇中心学校")  # a sibling, never offered
    make_user("zhongxin", "部门填报员", centre)
    make_user("yixiao", "部门填报员", first)
    make_user("erxiao", "部门填报员", second)
    task = make_task(title="常态化开展防溺水教育", lead_department=centre, deadline=today + timedelta(days=30))

    login("zhongxin")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    submit(page, "input[value=签收]")
    options = page.locator("#id_subtask-lead_department option").all_inner_texts()
    assert options[1:] == ["城关镇第一小学", "城关镇第二小学"]
    for school, title in ((first, "城关一小开展防溺水专题教育"), (second, "城关二小开展防溺水专题教育")):
        page.select_option("#id_subtask-lead_department", str(school.pk))
        page.fill("#id_subtask-title", title)
        page.fill("#id_subtask-deadline", (today + timedelta(days=20)).isoformat())
        submit(page, "input[value=分解下达]")
        assert "已分解下达" in messages_text(page)
    # A deadline after the parent's is refused in Chinese, and nothing is saved.
    page.select_option("#id_subtask-lead_department", str(first.pk))
    page.fill("#id_subtask-deadline", (today + timedelta(days=40)).isoformat())
    submit(page, "input[value=分解下达]")
    assert "不能晚于上级任务的完成时限" in page.inner_text("#subtasks")
    assert table_column(page, "#subtasks table", "督办编号") == [f"{task.serial}-01", f"{task.serial}-02"]
    shoot("1-breakdown")

    login("yixiao")
    page.goto(f"{live_server.url}/tasks/")
    assert table_column(page, "#task-table", "督办编号") == [f"{task.serial}-01"]
    submit(page, f"#task-table a:text-is('{task.serial}-01')")
    assert task.title in page.inner_text("#parent-task")
    submit(page, "input[value=签收]")
    page.fill("#id_progress-percent", "60")
    page.fill("#id_progress-content", "已召开防溺水主题班会，排查周边水域 3 处。")
    submit(page, "input[value=填报进展]")
    assert "进展已填报" in messages_text(page)
    shoot("2-school-reports")

    login("zhongxin")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert "子任务总体进度：30%" in page.inner_text("#rollup")
    assert table_column(page, "#subtasks table", "完成率") == ["60%", "0%"]
    assert page.locator("input[value=申请办结]").count() == 0
    assert "还有 2 项子任务未办结" in page.inner_text("#subtasks")
    shoot("3-roll-up")
    child = Task.objects.get(serial=f"{task.serial}-01")
    assert child.progress == 60 and child.status == Task.Status.IN_PROGRESS
    assert Task.objects.filter(parent=task).count() == 2
