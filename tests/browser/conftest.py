"""Real-browser fixtures: Playwright driving Debian's Chromium against the live server.

Chromium comes from the system (``apt-get install chromium``): this machine cannot
download a browser of Playwright's own. Where it is missing the tests skip with a
reason; CI installs it, so there they run.
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

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests
# make between browser steps are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def chromium_path():
    for name in (os.environ.get("CHROMIUM_PATH"), "chromium", "chromium-browser", "google-chrome"):
        if name and (path := shutil.which(name)):
            return path
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = None
    if chromium_path() is None:
        reason = "未找到 Chromium（apt-get install chromium），跳过浏览器测试"
    elif settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        reason = "浏览器测试只在 SQLite 上运行（live server）"
    else:
        try:
            import playwright  # noqa: F401
        except ImportError:
            reason = "未安装 playwright，跳过浏览器测试"
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
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(
        viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True,
    )
    context.set_default_timeout(15000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def shoot(page, screenshot_dir, request):
    """Save a full-page screenshot named after the test and a step."""
    def take(step):
        path = screenshot_dir / f"{request.node.name}-{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def login(page, live_server):
    """Log in through the real admin login form."""
    def do(username, password="Test#pass-2024"):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.wait_for_selector("#site-name")
        return page

    return do
