"""Every page keeps officials' data out of caches and carries a CSP the page itself satisfies.

The pages are rendered for real and their HTML is scanned with the same checks as the
template scan (tests/test_templates_csp.py), so markup that widgets or ``format_html``
produce is covered as well as the templates' own.
"""
import pytest
from django.conf import settings
from django.urls import reverse

from tests.csp_scan import csp_violations

pytestmark = pytest.mark.django_db


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def task(make_task, departments):
    return make_task(lead_department=departments["a"], co_departments=[departments["b"]])


@pytest.fixture
def review_page(sup_client, departments):
    """The speech review page, the one product page with its own script."""
    text = "一、抓好校舍安全\n（一）县教育局基础教育股要在9月30日前完成全部校舍安全排查。\n"
    payload = {"text": text, "meeting": "全县秋季开学工作会议", "speaker": "李县长", "date": "2024-08-16"}
    response = sup_client.post(reverse("speeches:upload"), payload)
    assert response.status_code == 302
    return response["Location"]


def page_urls(task, review_page):
    return [
        reverse("tracker:dashboard"),
        reverse("tracker:task_list"),
        reverse("tracker:task_detail", args=[task.pk]),
        reverse("tracker:task_history", args=[task.pk]),
        reverse("tracker:ledger_import"),
        reverse("speeches:upload"),
        review_page,
        reverse("admin:index"),
        reverse("admin:tracker_task_changelist"),
        reverse("admin:tracker_task_change", args=[task.pk]),
        reverse("admin:tracker_task_history", args=[task.pk]),
    ]


def test_every_product_page_is_private_and_carries_the_policy_it_satisfies(sup_client, task, review_page):
    for url in page_urls(task, review_page):
        response = sup_client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert response["Content-Security-Policy"] == settings.CONTENT_SECURITY_POLICY, url
        assert csp_violations(response.content.decode()) == [], url


def test_pages_without_their_own_cache_rule_get_no_store_private(sup_client):
    response = sup_client.get(reverse("tracker:task_list"))
    assert response["Cache-Control"] == "no-store, private"


def test_the_admins_own_never_cache_header_is_kept(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"
    assert "Content-Security-Policy" in response


def test_error_pages_and_downloads_are_private_too(sup_client, task):
    missing = sup_client.get("/no-such-page/")
    assert missing.status_code == 404 and missing["Cache-Control"] == "no-store, private"
    export = sup_client.get(reverse("tracker:export_tasks"))
    assert export.status_code == 200 and export["Cache-Control"] == "no-store, private"


def test_the_policy_runs_only_our_own_scripts():
    directives = dict(part.split(" ", 1) for part in settings.CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert "unsafe-eval" not in settings.CONTENT_SECURITY_POLICY


def test_static_files_keep_their_own_caching(client, settings):
    """WhiteNoise answers static files above the headers middleware: no no-store for them."""
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/duban/duban.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Content-Security-Policy" not in response
    response.close()
