"""The admin login in a real browser: Chinese, and a wrong password is refused."""
import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_supervisor_logs_in_and_sees_the_chinese_workbench(page, live_server, login, shoot, supervisor):
    login("sup")
    assert "讲话任务督办系统" in page.inner_text("#site-name")
    assert "督办工作台" in page.content()
    shoot("index")


def test_wrong_password_is_refused_in_chinese(page, live_server, supervisor):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "sup")
    page.fill("#id_password", "wrong-password")
    page.click("input[type=submit]")
    assert "请输入一个正确的" in page.inner_text(".errornote")
