"""The task list's rows written in Python are the HTML the template wrote, cell for cell."""
import re
from datetime import timedelta

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from tracker import lights, selectors
from tracker.list_rows import only_row_columns, task_rows_html
from tracker.models import Task

pytestmark = pytest.mark.django_db

# The rows as templates/tracker/task_list.html wrote them before they moved to tracker/list_rows.py.
TEMPLATE_ROWS = """{% load badges %}{% for task in tasks %}{% url 'tracker:task_detail' task.pk as detail_url %}
      <tr>
        <td class="nowrap card-serial" data-label="督办编号"><a href="{{ detail_url }}">{{ task.serial }}</a></td>
        <td class="card-title" data-label="任务名称"><a href="{{ detail_url }}">{{ task.title }}</a></td>
        <td class="dept" data-label="牵头单位">{% if task.lead_department %}{{ task.lead_department.name }}{% else %}<span class="duban-muted">待指派</span>{% endif %}</td>
        <td class="nowrap" data-label="完成时限">{{ task.deadline|date:"Y-m-d"|default:"—" }}</td>
        <td data-label="红黄绿灯">{% signal_badge task.signal %} {% report_badge task %}</td>
        <td class="nowrap" data-label="状态">{{ task.get_status_display }}</td>
        <td class="nowrap" data-label="完成率">{{ task.progress }}%</td>
      </tr>
    {% endfor %}"""


def squeeze(html):
    return re.sub(r">\s+<", "><", html.strip())


@pytest.fixture
def tasks(make_task, departments, supervisor):
    today = timezone.localdate()
    make_task(lead_department=departments["a"], title="完成<校舍> & “安全”排查", deadline=today - timedelta(days=1))
    make_task(lead_department=None, title="待指派的任务", deadline=None)
    make_task(lead_department=departments["b"], title="按期报送", deadline=today + timedelta(days=3), status="closed",
              completed_at=timezone.now())
    overdue = make_task(lead_department=departments["c"], title="逾期未报的任务", deadline=today + timedelta(days=60))
    Task.objects.filter(pk=overdue.pk).update(report_rule="weekly", report_day=1, report_due=today - timedelta(days=2),
                                              progress=35)
    _, listed = selectors.task_list_filtered(user=supervisor, params={})
    return list(listed)


def test_rows_are_the_templates_html(tasks):
    expected = engines["django"].from_string(TEMPLATE_ROWS).render({"tasks": tasks})
    assert squeeze(task_rows_html(tasks)) == squeeze(expected)


def test_rows_show_what_the_list_needs(tasks):
    html = task_rows_html(tasks)
    assert "完成&lt;校舍&gt; &amp; “安全”排查" in html and "<校舍>" not in html
    assert f'href="{reverse("tracker:task_detail", args=[tasks[0].pk])}"' in html
    assert "待指派" in html and "badge-report-overdue" in html and "35%" in html
    assert {lights.LABELS[t.signal] for t in tasks} <= set(re.findall(r'class="badge badge-\w+">(\w+)<', html))


def test_the_list_page_shows_the_rows_and_the_empty_row(client, supervisor, tasks):
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_list")).content.decode()
    assert page.count('data-label="督办编号"') == len(tasks)
    empty = client.get(reverse("tracker:task_list"), {"q": "没有这样的任务"}).content.decode()
    assert "没有符合条件的任务。" in empty


def test_the_rows_read_from_their_own_columns_only_are_the_same_without_another_query(
        tasks, supervisor, django_assert_num_queries):
    _, listed = selectors.task_list_filtered(user=supervisor, params={})
    with django_assert_num_queries(1):  # one SELECT: no deferred column fetched row by row
        narrow = task_rows_html(list(only_row_columns(listed)))
    assert narrow == task_rows_html(tasks)
