"""Error pages speak Chinese, keep the product's frame and never leak what was refused."""
import pytest
from django.template.loader import render_to_string

pytestmark = pytest.mark.django_db


def test_a_missing_page_answers_404_in_chinese(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body and "讲话任务督办系统" in body
    assert "Not Found" not in body and "Resolver404" not in body


def test_another_departments_task_looks_like_a_missing_page(client, officer_a, make_task, departments):
    task = make_task(title="落实义务教育经费保障机制", lead_department=departments["b"])
    client.force_login(officer_a)
    response = client.get(f"/tasks/{task.pk}/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode() and task.title not in response.content.decode()


def test_a_refusal_shows_its_chinese_reason(client, officer_a):
    client.force_login(officer_a)
    response = client.get("/speeches/upload/")
    assert response.status_code == 403
    body = response.content.decode()
    assert "无权操作" in body and "只有督查员可以导入讲话" in body


@pytest.mark.parametrize("template, heading", [("400.html", "请求有误"), ("500.html", "系统出错")])
def test_bare_error_pages_render_without_context(template, heading):
    """Django renders 400 and 500 without a request: no context processors, no database."""
    html = render_to_string(template)
    assert heading in html and "讲话任务督办系统" in html
