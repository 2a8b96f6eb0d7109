"""The ledger export: the file a user downloads, read back with openpyxl."""
import io
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from speeches.models import Speech
from tracker import lights, services
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
    """The task rows: those with a (hidden) 任务ID, group headings left out."""
    return [row for row in ws.iter_rows(min_row=4) if row[col("任务ID")].value is not None]


def headings(ws):
    """The group heading rows' texts: a text in the first column, nothing else."""
    return [row[0].value for row in ws.iter_rows(min_row=4)
            if isinstance(row[0].value, str) and not any(c.value for c in row[1:])]


def byline(ws):
    """The 制表 line under the title, its texts in order."""
    return [c.value for c in ws[2] if c.value]


def col(name):
    return HEADERS.index(name)


def hidden(ws):
    return {HEADERS[i] for i in range(len(HEADERS)) if ws.column_dimensions[chr(ord("A") + i)].hidden}


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
    assert ws["A1"].value == "督办任务台账"
    today = timezone.localdate()
    assert byline(ws) == ["制表单位：督查室", "共 4 项", f"制表日期：{today.year}年{today.month}月{today.day}日"]
    assert [c.value for c in ws[3]] == HEADERS
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
    assert ws.freeze_panes == "A4"
    assert ws.auto_filter.ref == "A3:R8"  # a heading (未关联讲话的任务) and four tasks
    assert "A1:P1" in {str(r) for r in ws.merged_cells.ranges}
    assert ws.column_dimensions["Q"].hidden is True and ws.column_dimensions["R"].hidden is True
    assert ws.print_area == "'任务清单'!$A$1:$R$8"  # up to the hidden 任务ID and 导出基准, which are not printed
    assert ws.column_dimensions["D"].width >= 20
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == int(ws.PAPERSIZE_A4)
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.print_title_rows == "$3:$3"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"
    assert wb._fonts[0].name == "宋体"  # the unit of every column width: the same in Excel, WPS and LibreOffice
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
    assert note == f"时限调整：\n{first:%Y-%m-%d} →\n{second:%Y-%m-%d} →\n{second + timedelta(days=10):%Y-%m-%d}"
    unchanged = next(r for r in data_rows(wb["任务清单"]) if r[col("任务ID")].value == ledger["overdue"].pk)
    assert unchanged[col("原定时限")].value is None


def test_summary_counts_each_status_red_and_closed_share_per_department(client, supervisor, ledger, departments,
                                                                       make_task):
    make_task(title="已中止任务", lead_department=departments["c"], status=Task.Status.SUSPENDED)
    make_task(title="申请办结的任务", lead_department=departments["a"], status=Task.Status.CLOSING)
    _, wb = download(client, supervisor)
    ws = wb["汇总"]
    today = timezone.localdate()
    assert ws["A1"].value == "督办任务办理情况汇总"
    assert byline(ws) == ["制表单位：督查室", "共 6 项", f"制表日期：{today.year}年{today.month}月{today.day}日"]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=3)]
    assert rows[0] == ["单位", "任务数", "待签收", "办理中", "申请办结", "已办结", "已中止", "红灯", "办结率"]
    by_name = {r[0]: r[1:] for r in rows[1:]}
    assert by_name[departments["a"].name] == [2, 0, 1, 1, 0, 0, 1, 0]
    assert by_name[departments["b"].name] == [2, 2, 0, 0, 0, 0, 0, 0]
    # 办结率 = 已办结 ÷ (任务数 − 已中止): the suspended task is not counted against the department.
    assert by_name[departments["c"].name] == [2, 0, 0, 0, 1, 1, 0, 1]
    assert by_name["合计"] == [6, 2, 1, 1, 1, 1, 1, 0.2]
    assert ws.cell(row=4, column=9).number_format == "0%"
    note = next(r[0] for r in rows if r[0] and str(r[0]).startswith("注："))
    assert "办结率 = 已办结 ÷（任务数 − 已中止）" in note and "完成率" in note
    charts = ws._charts
    assert len(charts) == 1 and charts[0].tagname == "barChart"
    assert ws.page_setup.orientation == "landscape"
    assert ws.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_filters_of_the_task_list_apply_to_the_export(client, supervisor, ledger, departments):
    _, wb = download(client, supervisor, f"?lead_department={departments['b'].pk}&signal=yellow")
    rows = data_rows(wb["任务清单"])
    assert [r[col("任务ID")].value for r in rows] == [ledger["soon"].pk]
    scope = byline(wb["任务清单"])[1]
    assert "牵头单位：县财政局" in scope and "红黄绿灯：黄灯" in scope and scope.endswith("共 1 项")


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


@pytest.mark.parametrize("group,headings,queries", [("none", 0, 4), ("speech", 1, 5), ("department", 3, 5)])
def test_query_count_does_not_grow_with_rows(ledger, make_task, departments, django_assert_max_num_queries,
                                             group, headings, queries):
    for i in range(30):
        make_task(title=f"任务{i}", lead_department=departments["a"], co_departments=[departments["b"]])
    with django_assert_max_num_queries(queries):
        rows = list(export.ledger_rows(lights.annotate_signal(Task.objects.all()), group=group))
    assert len(rows) == 1 + 34 + headings


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


# Laid out to print: order, groups, the columns a printout needs -------------------------

@pytest.fixture
def speeches(supervisor):
    def speech(title, meeting, day, speaker):
        return Speech.objects.create(title=title, meeting=meeting, date=day, speaker=speaker, text="……",
                                     uploaded_by=supervisor)
    return {
        "spring": speech("在全县春季开学工作会议上的讲话", "全县春季开学工作会议", date(2025, 2, 10), "赵局长"),
        "safety": speech("关于校园安全的讲话", "全县校园安全工作会议", date(2025, 3, 5), "李县长"),
    }


@pytest.fixture
def grouped(make_task, departments, speeches):
    """Tasks made newest speech first, so serial order differs from creation's reverse and from speech order."""
    a, b = departments["a"], departments["b"]
    made = [
        make_task(title="排查校舍", speech=speeches["safety"], lead_department=b),
        make_task(title="征订教材", speech=speeches["spring"], lead_department=a),
        make_task(title="未关联讲话的任务", lead_department=a),
        make_task(title="整治校园周边", speech=speeches["safety"], lead_department=a),
        make_task(title="开学检查", speech=speeches["spring"]),
    ]
    return made


def test_rows_run_in_serial_order_not_newest_first(client, supervisor, grouped):
    _, wb = download(client, supervisor, "?group=none")
    ws = wb["任务清单"]
    assert headings(ws) == []
    assert [r[col("督办编号")].value for r in data_rows(ws)] == [t.serial for t in grouped]
    assert [r[0].value for r in data_rows(ws)] == [1, 2, 3, 4, 5]


def test_the_serial_order_counts_numbers_not_characters(make_task):
    tasks = [make_task(title=f"任务{i}") for i in range(3)]
    year = timezone.localdate().year
    for task, serial in zip(tasks, [f"DB-{year}-10000", f"DB-{year}-9999", f"DB-{year - 1}-10001"]):
        Task.objects.filter(pk=task.pk).update(serial=serial)
    rows = list(export.ledger_rows(lights.annotate_signal(Task.objects.all())))[1:]
    assert [r[1] for r in rows] == [f"DB-{year - 1}-10001", f"DB-{year}-9999", f"DB-{year}-10000"]


def test_grouped_by_speech_a_heading_opens_each_speech_in_date_order(client, supervisor, grouped, speeches):
    _, wb = download(client, supervisor)  # grouping by speech is the default
    ws = wb["任务清单"]
    assert headings(ws) == [
        "一、《在全县春季开学工作会议上的讲话》（赵局长，2025年2月10日）　共 2 项",
        "二、全县校园安全工作会议《关于校园安全的讲话》（李县长，2025年3月5日）　共 2 项",
        "三、未关联讲话的任务　共 1 项",
    ]
    order = [grouped[1], grouped[4], grouped[0], grouped[3], grouped[2]]
    assert [r[col("督办编号")].value for r in data_rows(ws)] == [t.serial for t in order]
    assert [r[0].value for r in data_rows(ws)] == [1, 2, 3, 4, 5]  # 序号 runs on across the groups
    heading = next(r for r in ws.iter_rows(min_row=4) if r[0].value == headings(ws)[0])
    assert heading[0].font.bold and not heading[0].alignment.wrap_text  # one line, running on to the right
    assert "任务来源" in hidden(ws)  # the heading names the speech


def test_without_speeches_the_source_column_is_left_out_of_print(client, supervisor, ledger):
    _, wb = download(client, supervisor, "?group=none")
    assert "任务来源" in hidden(wb["任务清单"])


def test_grouped_by_department_on_a3(client, supervisor, grouped, departments):
    _, wb = download(client, supervisor, "?group=department&paper=a3")
    ws = wb["任务清单"]
    assert headings(ws) == ["一、县教育局基础教育股　共 3 项", "二、县财政局　共 1 项", "三、（未指定牵头单位）　共 1 项"]
    assert "牵头单位" in hidden(ws) and "任务来源" not in hidden(ws)
    assert ws.page_setup.paperSize == 8  # A3
    assert wb["汇总"].page_setup.paperSize == 8


def test_columns_empty_throughout_are_left_out_of_print(client, supervisor, grouped, make_task):
    _, wb = download(client, supervisor)
    assert hidden(wb["任务清单"]) == {"任务来源", "责任人", "原定时限", "备注", "报送情况", "任务ID", "导出基准"}
    make_task(title="有责任人的任务", responsible_person="张三", note="县领导已批示")
    _, wb = download(client, supervisor)
    assert hidden(wb["任务清单"]) == {"任务来源", "原定时限", "报送情况", "任务ID", "导出基准"}


def test_a_changed_deadline_shows_the_note_column(client, supervisor, grouped):
    task = grouped[0]
    task.deadline = date(2030, 1, 1)
    task.save()
    _, wb = download(client, supervisor)
    assert "备注" not in hidden(wb["任务清单"])


@pytest.mark.parametrize("query,message", [("?group=year", "分组方式有误"), ("?paper=b5", "纸张有误")])
def test_unknown_options_are_refused_in_chinese(client, supervisor, query, message):
    client.force_login(supervisor)
    response = client.get(reverse("tracker:export_tasks") + query)
    assert response.status_code == 400 and message in response.content.decode()


@pytest.mark.parametrize("params,expected", [
    ({}, export.LedgerOptions(group="speech", paper="a4")),
    ({"group": "department", "paper": "A3"}, export.LedgerOptions(group="department", paper="a3")),
    ({"group": "none", "paper": ""}, export.LedgerOptions(group="none", paper="a4")),
])
def test_ledger_options_from_the_query_string(params, expected):
    assert export.ledger_options(params) == expected


@pytest.mark.parametrize("group", ["speech", "department", "none"])
@pytest.mark.parametrize("persons,notes", [(False, False), (True, True)])
def test_the_printed_columns_fit_a4_landscape_at_nine_tenths_or_more(group, persons, notes):
    """10 pt text prints at 9 pt or more: the shown columns fit the page at 90% or more (100% most often)."""
    from tracker.ledger import xlsx_writer as xl

    columns = export.ledger_columns(options=export.LedgerOptions(group=group), persons=persons, notes=notes)
    assert xl.print_scale(columns, xl.A4) >= 0.9
    if not persons and not notes:
        assert xl.print_scale(columns, xl.A4) == 1
    assert xl.print_scale(export.ledger_columns(options=export.LedgerOptions(group=group, paper="a3"),
                                                persons=persons, notes=notes), xl.A3) == 1


def test_task_list_offers_the_grouping_and_the_paper_with_its_filters(client, supervisor, ledger, departments):
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_list") + f"?lead_department={departments['b'].pk}&page=1&group=department")
    html = page.content.decode()
    form = html[html.index('class="duban-toolbar duban-export-options"'):]
    form = form[:form.index("</form>")]
    assert f'<input type="hidden" name="lead_department" value="{departments["b"].pk}">' in form
    assert 'name="page"' not in form and 'type="hidden" name="group"' not in form
    assert '<option value="department" selected>按牵头单位分组</option>' in form
    assert '<option value="a3">A3 横向</option>' in form
    assert f'action="{reverse("tracker:export_tasks")}"' in html


def test_a_heading_too_long_for_one_printed_line_is_shortened(client, supervisor, make_task):
    """A heading runs on over its row, one line (a merged cell would stop the import): it must fit the page."""
    from tracker.ledger import xlsx_writer as xl

    title = "在全县" + "教育" * 60 + "工作会议上的讲话"
    speech = Speech.objects.create(title=title, meeting="全县另一个会议", speaker="县长", date=date(2025, 3, 1),
                                   text="……", uploaded_by=supervisor)
    make_task(title="任务", speech=speech)
    _, wb = download(client, supervisor)
    ws = wb["任务清单"]
    [heading] = headings(ws)
    assert heading.startswith("一、《在全县教育") and heading.endswith("…》（县长，2025年3月1日）　共 1 项")
    assert "全县另一个会议" not in heading  # the meeting goes first
    shown = sum(ws.column_dimensions[chr(ord("A") + i)].width for i in range(len(HEADERS))
                if not ws.column_dimensions[chr(ord("A") + i)].hidden)
    assert (len(heading) + len(heading.encode())) / 2 <= xl.wrap_capacity(shown, 10.5)
