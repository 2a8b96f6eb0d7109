"""The admin login in a real browser: a wrong password is refused in Chinese.

Logging in successfully is every journey's first step (tests/browser/test_journeys.py).
"""
import pytest

from tests.browser.steps import submit

pytestmark = pytest.mark.django_db(transaction=True)


def test_wrong_password_is_refused_in_chinese(page, live_server, supervisor):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "sup")
    page.fill("#id_password", "wrong-password")
    submit(page, "input[type=submit]")
    assert "用户名或密码不正确" in page.inner_text(".errornote")
    assert "/admin/login/" in page.url
