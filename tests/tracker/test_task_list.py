"""The task list page: serial, signal, status, progress; filters; 50 to a page, and a
query count that does not grow with the number of tasks."""
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tracker.models import Task

pytestmark = pytest.mark.django_db


def make_many(make_task, departments, count):
    today = timezone.localdate()
    for i in range(count):
        make_task(title=f"任务{i:03d}", lead_department=departments["ab"[i % 2]],
                  co_departments=[departments["c"]] if i % 3 == 0 else [],
                  deadline=today + timedelta(days=(i % 20) - 5))


@pytest.mark.parametrize("persona", ["supervisor", "officer_a"])
def test_the_number_of_queries_does_not_grow_with_the_tasks(request, client, make_task, departments, persona,
                                                            django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(request.getfixturevalue(persona))
    url = reverse("tracker:task_list")
    counts = []
    for total in (5, 50):
        make_many(make_task, departments, total - Task.objects.count())
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts
    # session, user, roles, COUNT, page, 3 filter choice lists, 2 for the header's 待办 count
    # (unread notices, the role's first block), and for an officer 1 for the units under theirs
    # (tracker.tree.subtree_ids, once per request); no permission reads for the admin's app list
    assert counts[1] <= (11 if persona == "officer_a" else 10), counts
    with django_assert_max_num_queries(counts[1]):
        client.get(url, {"status": "pending", "signal": "red"})
    # One COUNT for the page, never two (and the header's two for its 待办 count).
    assert sum("COUNT(" in q["sql"].upper() for q in queries.captured_queries) == 1 + 2


def test_the_list_shows_what_an_official_needs(client, supervisor, make_task, departments):
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"],
                     deadline=timezone.localdate() - timedelta(days=1))
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_list")).content.decode()
    for text in (task.serial, "完成校舍安全排查", "县教育局基础教育股", "badge-red", "红灯", "待签收", "0%"):
        assert text in page
    assert reverse("tracker:task_detail", args=[task.pk]) in page


def test_fifty_to_a_page_and_filters_are_kept_across_pages(client, supervisor, make_task, departments):
    make_many(make_task, departments, 55)
    client.force_login(supervisor)
    first = client.get(reverse("tracker:task_list"), {"lead_department": departments["a"].pk})
    assert first.context["page"].paginator.count == 28
    second = client.get(reverse("tracker:task_list"))
    assert len(second.context["page"].object_list) == 50
    assert "page=2" in second.content.decode()
    filtered = client.get(reverse("tracker:task_list"), {"q": "任务00"})
    assert "q=%E4%BB%BB%E5%8A%A100&amp;page=" not in filtered.content.decode()  # a single page: no pager
    assert [t.title for t in filtered.context["page"].object_list] == [f"任务00{i}" for i in range(9, -1, -1)]


def test_an_officer_lists_lead_and_co_department_tasks_once_each(client, officer_a, make_task, departments):
    lead = make_task(title="牵头的", lead_department=departments["a"], co_departments=[departments["a"]])
    co = make_task(title="配合的", lead_department=departments["b"], co_departments=[departments["a"]])
    make_task(title="别人的", lead_department=departments["b"])
    client.force_login(officer_a)
    tasks = list(client.get(reverse("tracker:task_list")).context["page"].object_list)
    assert sorted(t.title for t in tasks) == sorted([lead.title, co.title])


def test_bad_filter_values_do_not_break_the_page(client, supervisor, make_task):
    make_task()
    client.force_login(supervisor)
    response = client.get(reverse("tracker:task_list"), {"status": "nope", "deadline_after": "2024-99-99", "page": "x"})
    assert response.status_code == 200


def test_the_admin_frame_of_a_product_page_has_every_key_of_the_admins_own(rf, supervisor):
    """render_page builds the admin's each_context itself (to skip the app list): a Django upgrade
    that adds a key must show up here, not as a blank in the page header."""
    from django.contrib import admin

    from tracker.pages import admin_frame

    request = rf.get("/tasks/")
    request.user = supervisor
    ours, django_own = admin_frame(request), admin.site.each_context(request)
    assert set(ours) == set(django_own)
    assert list(ours["available_apps"]) == django_own["available_apps"]  # built on demand, the same list
    assert ours["is_nav_sidebar_enabled"] is False
    assert {key: ours[key] for key in ("site_title", "site_header", "site_url", "has_permission", "is_popup")} == {
        key: django_own[key] for key in ("site_title", "site_header", "site_url", "has_permission", "is_popup")}
