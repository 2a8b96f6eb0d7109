"""Real-browser fixtures: Playwright driving Debian's Chromium against the live server.

Chromium comes from the system (``apt-get install chromium``): this machine cannot
download a browser of Playwright's own. Where it is missing, or the database is not
SQLite, the tests skip with a reason. Where Chromium is present but Playwright cannot
drive it, they fail: a broken browser set-up must not pass as "skipped". CI sets
DUBAN_REQUIRE_BROWSER=1, so there a missing Chromium fails the SQLite run as well.
"""
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
from tests.browser.steps import WIDE

PASSWORD = "Test#pass-2024"  # the personas' password (tests/conftest.py)

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path():
    for name in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    return None


def browser_required():
    return os.environ.get("DUBAN_REQUIRE_BROWSER", "") not in ("", "0")


def skip_reason():
    """Why the browser tests cannot run here, or None. Only reasons that are no fault of the set-up."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        return "浏览器测试只在 SQLite 上运行（live server）"
    if chromium_path() is None and not browser_required():
        return "未找到 Chromium（apt-get install chromium），跳过浏览器测试"
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = skip_reason()
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def screenshot_dir():
    """Where journeys save screenshots: $DUBAN_SCREENSHOT_DIR or a folder in the temp dir."""
    folder = Path(os.environ.get("DUBAN_SCREENSHOT_DIR") or Path(tempfile.gettempdir()) / "duban-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session; a set-up that cannot launch it fails loudly."""
    executable = chromium_path()
    if executable is None:
        pytest.fail("DUBAN_REQUIRE_BROWSER 已设置，但未找到 Chromium：请安装 chromium 与 fonts-noto-cjk", pytrace=False)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        pytest.fail(f"已安装 Chromium（{executable}），但无法导入 playwright：{error}", pytrace=False)
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        except Exception as error:  # Playwright raises its own Error with the browser's log
            pytest.fail(f"已安装 Chromium（{executable}），但 Playwright 无法启动它：{error}", pytrace=False)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh window; a test whose pages break the Content-Security-Policy fails.

    The browser blocks such a script or handler silently apart from a console error, so
    the journeys could pass while a feature is dead; the console is read to catch it.
    """
    context = browser.new_context(
        viewport={"width": WIDE, "height": 900}, locale="zh-CN", accept_downloads=True,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    refused = []
    page.on("console", lambda message: refused.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    context.close()
    assert not refused, "页面违反了内容安全策略（CSP）：\n" + "\n".join(refused)


@pytest.fixture
def shoot(page, screenshot_dir, request):
    """Save a screenshot named after the test and a step: the whole page, or (``full_page=False``) what
    the window shows, which is what a sticky panel looks like to the user; ``width`` looks at a narrower window.
    """
    def take(step, *, width=None, full_page=True):
        path = screenshot_dir / f"{request.node.name}-{step}.png"
        if width is None:
            page.screenshot(path=str(path), full_page=full_page)
            return path
        size = page.viewport_size
        page.set_viewport_size({"width": width, "height": size["height"]})
        try:
            page.screenshot(path=str(path), full_page=full_page)
        finally:
            page.set_viewport_size(size)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """Log in through the real admin login form (as someone else: the cookies of the last user go)."""
    def do(username, password=PASSWORD):
        page.context.clear_cookies()
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        with page.expect_navigation():
            page.click("input[type=submit]")
        assert "/admin/login/" not in page.url, page.inner_text("#content")
        # The first page after login is the 待办 page; the journeys start from the admin's workbench.
        assert page.url.endswith("/home/"), page.url
        page.wait_for_selector("#duban-todo")
        with page.expect_navigation():
            page.click("#site-name a")
        page.wait_for_selector("#user-tools")
        return page

    return do
