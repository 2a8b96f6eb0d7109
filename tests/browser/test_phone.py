"""The pages an official opens on a phone (政务微信/钉钉, 390 px wide): nothing scrolls sideways,
text is readable and every control is big enough to tap. Screenshots at 390 and 1280 px wide
go to $DUBAN_SCREENSHOT_DIR.
"""
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker import services

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}

# Controls a thumb must hit, and text a reader must read, inside the page's content.
CONTROLS = ("#content input:not([type=hidden]):not([type=checkbox]):not([type=radio]), "
            "#content select, #content textarea, #content button, #content input[type=submit]")
SIZES_JS = """(selector) => Array.from(document.querySelectorAll(selector))
    .filter(el => el.offsetParent !== null)
    .map(el => ({what: el.outerHTML.slice(0, 80), height: el.getBoundingClientRect().height,
                 font: parseFloat(getComputedStyle(el).fontSize),
                 cut: el.getBoundingClientRect().right > Math.min(document.documentElement.clientWidth,
                     (el.closest('.duban-card') || document.documentElement).getBoundingClientRect().right) + 1}))"""
WIDE_JS = """() => Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .filter(el => !Array.from(el.children).some(c => c.getBoundingClientRect().right > document.documentElement.clientWidth + 1))
    .slice(0, 5).map(el => el.outerHTML.slice(0, 100))"""
TEXT_JS = """() => Array.from(document.querySelectorAll('#content td, #content th, #content p, #content label, #content li'))
    .filter(el => el.offsetParent !== null && el.innerText.trim())
    .map(el => ({what: el.outerHTML.slice(0, 80), font: parseFloat(getComputedStyle(el).fontSize)}))"""


def check_phone_page(page, shoot, name):
    """Assert the page in the window fits a phone: no sideways scroll, ≥ 14 px text, ≥ 40 px controls."""
    page.set_viewport_size(PHONE)
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    shoot(f"{name}-390")
    assert widths[0] <= widths[1], (
        f"{name}: 页面宽 {widths[0]} px，窗口只有 {widths[1]} px：{page.evaluate(WIDE_JS)}")
    small = [c for c in page.evaluate(SIZES_JS, CONTROLS) if c["height"] < 40 or c["font"] < 14 or c["cut"]]
    assert not small, f"{name}: 太小或超出窗口的控件 {small[:8]}"
    tiny = [t for t in page.evaluate(TEXT_JS) if t["font"] < 14]
    assert not tiny, f"{name}: 字太小 {tiny[:5]}"
    page.set_viewport_size(DESKTOP)
    shoot(f"{name}-1280")
    page.set_viewport_size(PHONE)


@pytest.fixture
def tasks(make_task, departments, supervisor, officer_a):
    today = timezone.localdate()
    many = dict(co_departments=[departments["b"], departments["c"]], deadline=today + timedelta(days=3),
                deadline_text="本月底前", content="对全县中小学校舍开展拉网式排查，建立问题台账，逐项整改销号。")
    pending = make_task(title="完成全县校舍安全隐患排查整改工作", lead_department=departments["a"], **many)
    working = make_task(title="推进课后服务全覆盖，确保每所学校至少开设两项特色课程", lead_department=departments["a"], **many)
    closing = make_task(title="落实义务教育经费保障机制", lead_department=departments["a"], **many)
    for task in (working, closing):
        services.task_transition(task=task, action="accept", by=officer_a, reason="", files=[])
    services.progress_report(task=closing, reported_by=officer_a, date=today, content="已完成九成。",
                             percent=90, files=[])
    services.task_transition(task=closing, action="request_close", by=officer_a, reason="已全部完成。", files=[])
    return {"pending": pending, "working": working, "closing": closing}


def test_login_page_fits_a_phone(page, live_server, shoot, supervisor):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/login/")
    check_phone_page(page, shoot, "login")


def test_officer_pages_fit_a_phone(page, live_server, login, shoot, tasks, officer_a):
    page.set_viewport_size(PHONE)
    login("officer_a")
    for name, url in [("home", "/home/"), ("list", "/tasks/"), ("pending", f"/tasks/{tasks['pending'].pk}/"),
                      ("working", f"/tasks/{tasks['working'].pk}/"), ("closing", f"/tasks/{tasks['closing'].pk}/"),
                      ("dashboard", "/dashboard/")]:
        page.goto(live_server.url + url)
        check_phone_page(page, shoot, name)
    page.goto(f"{live_server.url}/tasks/{tasks['working'].pk}/")
    files = page.locator("#id_progress-files")
    assert "image/*" in files.get_attribute("accept")


def test_supervisor_pages_fit_a_phone(page, live_server, login, shoot, tasks, supervisor):
    page.set_viewport_size(PHONE)
    login("sup")
    for name, url in [("home", "/home/"), ("list", "/tasks/"), ("closing", f"/tasks/{tasks['closing'].pk}/"),
                      ("working", f"/tasks/{tasks['working'].pk}/"),
                      ("dashboard", "/dashboard/"), ("upload", "/speeches/upload/")]:
        page.goto(live_server.url + url)
        check_phone_page(page, shoot, name)


def test_leader_pages_fit_a_phone(page, live_server, login, shoot, tasks, leader, supervisor):
    """The county leader reads on a phone: 待办 (red tasks, 待批示, this month), the list, a task with its
    批示 form, and the dashboard with its charts and 督办通报 picker."""
    late = dict(lead_department=tasks["working"].lead_department, deadline=timezone.localdate() - timedelta(days=20),
                deadline_text="上月底前", content="按期完成全县学校食堂明厨亮灶改造，逾期须说明原因。")
    red = services.task_create(created_by=supervisor, title="完成全县学校食堂明厨亮灶改造", **late)
    page.set_viewport_size(PHONE)
    login("boss")
    for name, url in [("home", "/home/"), ("list", "/tasks/"), ("red", f"/tasks/{red.pk}/"),
                      ("closing", f"/tasks/{tasks['closing'].pk}/"), ("dashboard", "/dashboard/")]:
        page.goto(live_server.url + url)
        check_phone_page(page, shoot, name)
    page.goto(f"{live_server.url}/home/")
    assert "完成全县学校食堂明厨亮灶改造" in page.inner_text("#content")


def test_breakdown_form_fits_a_phone(page, live_server, login, shoot, make_task):
    """分解下达 on a 中心学校 officer's phone: the form and the sub-task table fit 390 px."""
    from tests.conftest import make_user
    from tracker.models import Department

    centre = Department.objects.create(name="各乡镇中心学校")
    school = Department.objects.create(name="城关镇第一小学", parent=centre)
    Department.objects.create(name="城关镇第二小学", parent=centre)
    officer = make_user("zhongxin", "部门填报员", centre)
    task = make_task(title="常态化开展防溺水教育，确保每所学校开展一次专题教育", lead_department=centre,
                     deadline=timezone.localdate() + timedelta(days=30))
    services.subtask_create(parent=task, created_by=officer, lead_department=school, title="城关一小开展防溺水专题教育",
                            deadline=task.deadline)
    page.set_viewport_size(PHONE)
    login("zhongxin")
    page.goto(f"{live_server.url}/tasks/{task.pk}/")
    assert page.locator("#subtask-form").count() == 1
    check_phone_page(page, shoot, "breakdown")
