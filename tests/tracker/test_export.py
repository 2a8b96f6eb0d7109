"""The ledger export: the file a user downloads, read back with openpyxl."""
import io
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tracker import services
from tracker.ledger import export
from tracker.models import Task

pytestmark = pytest.mark.django_db

HEADERS = ["序号", "督办编号", "任务来源", "任务内容", "类别", "牵头单位", "配合单位", "责任人", "完成时限",
           "原定时限", "最新进展", "完成率", "状态", "红黄绿灯", "报送情况", "备注", "任务ID", "导出基准"]


def download(client, user, query=""):
    client.force_login(user)
    response = client.get(reverse("tracker:export_tasks") + query)
    assert response.status_code == 200, response
    body = b"".join(response.streaming_content)
    return response, load_workbook(io.BytesIO(body))


def data_rows(ws):
    return [row for row in ws.iter_rows(min_row=3)]


def col(name):
    return HEADERS.index(name)


@pytest.fixture
def ledger(make_task, departments, supervisor):
    today = timezone.localdate()
    overdue = make_task(title="逾期的任务", lead_department=departments["a"], deadline=today - timedelta(days=3),
                        status=Task.Status.IN_PROGRESS)
    soon = make_task(title="快到期的任务", lead_department=departments["b"], deadline=today + timedelta(days=2),
                     co_departments=[departments["a"], departments["c"]])
    green = make_task(title="=HYPERLINK(\"http://evil\",\"点我\")", lead_department=departments["b"],
                      deadline=today + timedelta(days=60), note="@SUM(1+1)", responsible_person="-张三")
    closed = make_task(title="已办结任务", lead_department=departments["c"], deadline=today - timedelta(days=30),
                       status=Task.Status.CLOSED)
    services.progress_report(task=overdue, reported_by=supervisor, date=today, content="已完成一半", percent=50)
    return {"overdue": overdue, "soon": soon, "green": green, "closed": closed}


def test_sheets_title_headers_and_one_row_per_task(client, supervisor, ledger):
    response, wb = download(client, supervisor)
    assert wb.sheetnames == ["任务清单", "汇总"]
    ws = wb["任务清单"]
    assert "督办任务台账" in ws["A1"].value and "导出时间" in ws["A1"].value and "共 4 项" in ws["A1"].value
    assert [c.value for c in ws[2]] == HEADERS
    rows = data_rows(ws)
    assert len(rows) == Task.objects.count() == 4
    assert [r[0].value for r in rows] == [1, 2, 3, 4]
    ids = {r[col("任务ID")].value for r in rows}
    assert ids == set(Task.objects.values_list("pk", flat=True))
    serials = {r[col("督办编号")].value for r in rows}
    assert serials == set(Task.objects.values_list("serial", flat=True))


def test_file_name_is_chinese_with_rfc6266_filename_star(client, supervisor, ledger):
    response, _ = download(client, supervisor)
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''" + quote("督办任务台账_") in disposition
    assert response["Content-Type"] == export.XLSX_CONTENT_TYPE
    assert int(response["Content-Length"]) > 1000


def test_layout_frozen_header_autofilter_hidden_id_print_setup(client, supervisor, ledger):
    _, wb = download(client, supervisor)
    ws = wb["任务清单"]
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:R6"
    assert "A1:P1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["Q"].hidden is True and ws.column_dimensions["R"].hidden is True
    assert ws.column_dimensions["D"].width >= 30
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$1:$2"
    cell = data_rows(ws)[0][col("任务内容")]
    assert cell.alignment.wrap_text is True
    assert cell.border.left.style == "thin"


def test_dates_are_dates_and_percent_is_a_formatted_number(client, supervisor, ledger):
    _, wb = download(client, supervisor)
    row = next(r for r in data_rows(wb["任务清单"]) if r[col("任务ID")].value == ledger["overdue"].pk)
    deadline = row[col("完成时限")]
    assert deadline.is_date and deadline.value.date() == ledger["overdue"].deadline
    assert deadline.number_format == "yyyy-mm-dd"
    percent = row[col("完成率")]
    assert percent.value == 0.5 and percent.data_type == "n" and percent.number_format == "0%"
    assert row[col("最新进展")].value == "已完成一半"


def test_overdue_row_is_red_due_soon_row_is_yellow(client, supervisor, ledger):
    _, wb = download(client, supervisor)
    by_id = {r[col("任务ID")].value: r for r in data_rows(wb["任务清单"])}
    red = by_id[ledger["overdue"].pk]
    assert red[col("红黄绿灯")].value == "红灯"
    assert {c.fill.fgColor.rgb for c in red} == {"00FFC7CE"}
    yellow = by_id[ledger["soon"].pk]
    assert yellow[col("红黄绿灯")].value == "黄灯"
    assert {c.fill.fgColor.rgb for c in yellow} == {"00FFEB9C"}
    assert by_id[ledger["green"].pk][col("任务内容")].fill.fill_type is None
    assert by_id[ledger["closed"].pk][col("红黄绿灯")].value == "已办结"
    assert by_id[ledger["closed"].pk][col("状态")].value == "已办结"


def test_formula_like_text_is_stored_as_text_with_quote_prefix(client, supervisor, ledger):
    _, wb = download(client, supervisor)
    row = next(r for r in data_rows(wb["任务清单"]) if r[col("任务ID")].value == ledger["green"].pk)
    for name, expected in [("任务内容", ledger["green"].title), ("备注", "@SUM(1+1)"), ("责任人", "-张三")]:
        cell = row[col(name)]
        assert cell.value == expected
        assert cell.data_type == "s", name
        assert cell.quotePrefix is True, name


def test_co_departments_and_changed_deadline_are_shown(client, supervisor, ledger, departments):
    task = ledger["soon"]
    first, second = task.deadline, task.deadline + timedelta(days=30)
    task.deadline = second
    task.save()
    task.deadline = second + timedelta(days=10)
    task.save()
    _, wb = download(client, supervisor)
    row = next(r for r in data_rows(wb["任务清单"]) if r[col("任务ID")].value == task.pk)
    assert set(row[col("配合单位")].value.split("、")) == {departments["a"].name, departments["c"].name}
    assert row[col("原定时限")].value.date() == first
    assert row[col("完成时限")].value.date() == second + timedelta(days=10)
    note = row[col("备注")].value
    assert note == f"时限调整：{first:%Y-%m-%d} → {second:%Y-%m-%d} → {second + timedelta(days=10):%Y-%m-%d}"
    unchanged = next(r for r in data_rows(wb["任务清单"]) if r[col("任务ID")].value == ledger["overdue"].pk)
    assert unchanged[col("原定时限")].value is None


def test_summary_counts_per_department_with_totals_and_a_bar_chart(client, supervisor, ledger, departments):
    _, wb = download(client, supervisor)
    ws = wb["汇总"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["单位", "任务数", "已办结", "办理中", "逾期", "完成率"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name[departments["a"].name] == [1, 0, 1, 1, 0]
    assert by_name[departments["b"].name] == [2, 0, 2, 0, 0]
    assert by_name[departments["c"].name] == [1, 1, 0, 0, 1]
    assert rows[-1] == ["合计", 4, 1, 3, 1, 0.25]
    assert ws.cell(row=2, column=6).number_format == "0%"
    charts = ws._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"
    assert ws.page_setup.orientation == "landscape"


def test_filters_of_the_task_list_apply_to_the_export(client, supervisor, ledger, departments):
    _, wb = download(client, supervisor, f"?lead_department={departments['b'].pk}&signal=yellow")
    rows = data_rows(wb["任务清单"])
    assert [r[col("任务ID")].value for r in rows] == [ledger["soon"].pk]
    assert "牵头单位：县财政局" in wb["任务清单"]["A1"].value
    assert "红黄绿灯：黄灯" in wb["任务清单"]["A1"].value


def test_bad_filter_is_refused_in_chinese(client, supervisor, ledger):
    client.force_login(supervisor)
    response = client.get(reverse("tracker:export_tasks") + "?status=nonsense")
    assert response.status_code == 400
    assert "筛选条件有误" in response.content.decode()


def test_officer_exports_only_their_departments_tasks(client, officer_a, officer_b, ledger):
    _, wb = download(client, officer_a)
    ids = {r[col("任务ID")].value for r in data_rows(wb["任务清单"])}
    assert ids == {ledger["overdue"].pk, ledger["soon"].pk}  # lead of one, co-department of the other
    _, wb = download(client, officer_b)
    ids = {r[col("任务ID")].value for r in data_rows(wb["任务清单"])}
    assert ids == {ledger["soon"].pk, ledger["green"].pk}


def test_anonymous_user_must_log_in(client):
    response = client.get(reverse("tracker:export_tasks"))
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_admin_action_exports_the_ticked_tasks(client, supervisor, ledger):
    client.force_login(supervisor)
    picked = [ledger["overdue"].pk, ledger["closed"].pk]
    response = client.post(reverse("admin:tracker_task_changelist"),
                           {"action": "export_ledger", "_selected_action": picked})
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert sorted(r[col("任务ID")].value for r in data_rows(wb["任务清单"])) == sorted(picked)
    assert "filename*=" in response["Content-Disposition"]


def test_rows_generator_yields_plain_values(ledger):
    from tracker import lights

    rows = list(export.ledger_rows(lights.annotate_signal(Task.objects.all())))
    assert list(rows[0]) == HEADERS
    assert len(rows) == 5
    for row in rows[1:]:
        assert all(v is None or isinstance(v, (str, int, float, date)) for v in row)


def test_each_row_carries_the_baseline_it_was_exported_with(client, supervisor, ledger):
    """The hidden 导出基准: the newest entry, the deadline and a digest of the progress the row shows."""
    from tracker.ledger import validate

    _, wb = download(client, supervisor)
    by_id = {r[col("任务ID")].value: r[col("导出基准")].value for r in data_rows(wb["任务清单"])}
    overdue, soon = ledger["overdue"], ledger["soon"]
    overdue.refresh_from_db()
    entry = overdue.progress_updates.get()
    assert by_id[overdue.pk] == validate.baseline_token(
        task_id=overdue.pk, entry_id=entry.pk, deadline=overdue.deadline, text="已完成一半", percent=50)
    assert by_id[soon.pk] == validate.baseline_token(
        task_id=soon.pk, entry_id=None, deadline=soon.deadline, text="", percent=0)
    assert by_id[soon.pk].startswith("v1:0:")


def test_query_count_does_not_grow_with_rows(ledger, make_task, departments, django_assert_max_num_queries):
    from tracker import lights

    for i in range(30):
        make_task(title=f"任务{i}", lead_department=departments["a"], co_departments=[departments["b"]])
    with django_assert_max_num_queries(4):
        rows = list(export.ledger_rows(lights.annotate_signal(Task.objects.all())))
    assert len(rows) == 35


def test_task_list_links_to_the_export_with_its_filters(client, supervisor, ledger, departments):
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_list") + f"?lead_department={departments['b'].pk}&page=1")
    assert f'href="{reverse("tracker:export_tasks")}?lead_department={departments["b"].pk}"' in page.content.decode()


def test_report_column_shows_overdue_reports_and_the_current_due_date(client, supervisor, ledger):
    from datetime import timedelta

    from django.utils import timezone

    today = timezone.localdate()
    Task.objects.filter(pk=ledger["overdue"].pk).update(report_rule="monthly", report_day=25,
                                                        report_due=today - timedelta(days=2))
    Task.objects.filter(pk=ledger["green"].pk).update(report_rule="weekly", report_day=5,
                                                      report_due=today + timedelta(days=3))
    _, wb = download(client, supervisor)
    by_id = {r[col("任务ID")].value: r for r in data_rows(wb["任务清单"])}
    assert by_id[ledger["overdue"].pk][col("报送情况")].value == f"逾期未报（{today - timedelta(days=2):%m-%d}）"
    assert by_id[ledger["green"].pk][col("报送情况")].value == f"{today + timedelta(days=3):%m-%d}前报送"
    assert by_id[ledger["closed"].pk][col("报送情况")].value in (None, "")
