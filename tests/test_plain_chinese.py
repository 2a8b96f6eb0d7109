"""The pages a user meets speak plain Chinese: no English or stock-Django phrases left over
from the framework (the sort menu's "(descending)", "Error:", "---------" in select boxes,
the admin's "无可选的" and "选择 任务 来修改")."""
import re

import pytest
from django.urls import reverse

from tracker import services

pytestmark = pytest.mark.django_db

DENIED_WORDS = ["descending", "Error", "Select", "Choose"]
DENIED_TEXT = ["---------", "无可选的", "来修改"]


def leftovers(html):
    """Return the denied words and phrases in what the page shows (text and attribute values, not code)."""
    shown = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    shown = re.sub(r"\b(class|id|name|for|href|src|action|type|rel|data-[\w-]+)=\"[^\"]*\"", " ", shown)
    words = [word for word in DENIED_WORDS if re.search(rf"\b{word}\b", shown)]
    return words + [text for text in DENIED_TEXT if text in shown]


@pytest.fixture
def task(make_task, departments, officer_a):
    task = make_task(title="完成校舍安全隐患排查", lead_department=departments["a"])
    services.task_transition(task=task, action="accept", by=officer_a)
    return task


@pytest.mark.parametrize("persona", ["supervisor", "officer_a", "leader"])
def test_the_product_pages_speak_chinese(request, client, task, persona):
    client.force_login(request.getfixturevalue(persona))
    urls = [reverse("tracker:task_list"), reverse("tracker:task_list") + "?ordering=-deadline&status=nonsense",
            reverse("tracker:task_detail", args=[task.pk]), reverse("tracker:dashboard"),
            reverse("admin:index"), reverse("admin:tracker_task_changelist")]
    if persona == "supervisor":
        urls += [reverse("speeches:upload"), reverse("admin:tracker_task_add"),
                 reverse("admin:tracker_task_change", args=[task.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert leftovers(response.content.decode()) == [], url


def test_the_sort_menu_says_descending_in_chinese(client, task, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_list")).content.decode()
    assert ">完成时限（倒序）</option>" in page and ">全部</option>" in page


def test_the_admin_changelist_is_titled_plainly(client, task, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_task_changelist")).content.decode()
    assert "<h1>督办任务列表</h1>" in page


def test_a_failed_login_is_explained_in_chinese(client, supervisor):
    response = client.post(reverse("admin:login"), {"username": "sup", "password": "wrong"})
    page = response.content.decode()
    assert "用户名或密码不正确" in page
    assert leftovers(page) == []
    assert "<title>登录未成功" in page


def test_the_login_page_speaks_chinese(client):
    assert leftovers(client.get(reverse("admin:login")).content.decode()) == []
