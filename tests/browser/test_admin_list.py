"""The admin's task list in a real browser: signal badges, and the way from a task's admin form to its page."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.browser.steps import submit

pytestmark = pytest.mark.django_db(transaction=True)


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
