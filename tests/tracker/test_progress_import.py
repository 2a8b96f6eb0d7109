"""tracker.ledger.services.progress_import: the ledger import's bulk write keeps every rule and every history record."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tracker import history, services
from tracker.ledger import services as ledger_services
from tracker.ledger import validate
from tracker.models import ProgressUpdate, Task

pytestmark = pytest.mark.django_db


def change_for(task, row=3, text="批量导入的进展", percent=60):
    """The Change the preview would have produced for ``task``, read fresh from the database."""
    task.refresh_from_db()
    newest = task.progress_updates.order_by("-date", "-created_at", "-id").values_list("pk", flat=True).first()
    return validate.Change(
        row=row, task_id=task.pk, serial=task.serial, title=task.title, old_text=task.latest_progress,
        new_text=text, old_percent=task.progress, new_percent=percent,
        baseline=validate.progress_digest(task.pk, newest, task.latest_progress, task.progress),
    )


@pytest.fixture
def open_task(make_task, departments):
    return make_task(title="排查校舍隐患", lead_department=departments["a"], co_departments=[departments["c"]],
                     status=Task.Status.IN_PROGRESS)


def test_import_writes_entries_and_moves_the_tasks(officer_a, open_task):
    version = open_task.version
    outcome = ledger_services.progress_import(user=officer_a, changes=[change_for(open_task, text="已排查32所", percent=70)])
    assert (outcome.written, outcome.errors) == (1, [])
    entry = ProgressUpdate.objects.get(task=open_task)
    assert (entry.content, entry.percent, entry.reported_by, entry.date) == (
        "已排查32所", 70, officer_a, timezone.localdate())
    open_task.refresh_from_db()
    assert (open_task.progress, open_task.latest_progress, open_task.version) == (70, "已排查32所", version + 1)


def test_import_records_task_and_progress_history_with_the_user(officer_a, open_task, departments):
    before = timezone.now()
    ledger_services.progress_import(user=officer_a, changes=[change_for(open_task, text="已排查32所", percent=70)])

    task_record = open_task.history.order_by("-history_date", "-history_id").first()
    assert task_record.history_type == "~" and task_record.history_user == officer_a
    assert task_record.history_change_reason == ledger_services.IMPORT_REASON
    assert (task_record.progress, task_record.latest_progress) == (70, "已排查32所")
    assert task_record.history_date >= before
    # The record carries the task's co-departments, as a single save's record does.
    assert [row.department_id for row in task_record.co_departments.all()] == [departments["c"].pk]
    changed = {c.field for c in task_record.diff_against(task_record.prev_record).changes}
    assert {"progress", "latest_progress"} <= changed and "co_departments" not in changed

    entry_record = ProgressUpdate.history.get(task_id=open_task.pk)
    assert entry_record.history_type == "+" and entry_record.history_user == officer_a
    assert entry_record.content == "已排查32所" and entry_record.id == ProgressUpdate.objects.get().pk

    labels = {c.label for e in history.task_history(open_task) if e.reason == ledger_services.IMPORT_REASON
              for c in e.changes}
    assert "完成率（%）" in labels and "配合单位" not in labels


def test_an_entry_dated_before_a_newer_one_does_not_override_the_task(officer_a, supervisor, open_task):
    today = timezone.localdate()
    services.progress_report(task=open_task, reported_by=supervisor, date=today, content="今天的进展", percent=50)
    outcome = ledger_services.progress_import(user=officer_a, changes=[change_for(open_task, text="昨天的进展", percent=90)],
                                       date=today - timedelta(days=1))
    assert outcome.written == 1
    open_task.refresh_from_db()
    assert (open_task.progress, open_task.latest_progress) == (50, "今天的进展")
    assert ProgressUpdate.objects.filter(task=open_task, content="昨天的进展").exists()

    # The single-entry path follows the same order: an entry dated back does not override either.
    services.progress_report(task=open_task, reported_by=officer_a, date=today - timedelta(days=2),
                             content="前天的进展", percent=10)
    open_task.refresh_from_db()
    assert (open_task.progress, open_task.latest_progress) == (50, "今天的进展")


def test_an_entry_of_the_same_day_is_the_newest(officer_a, supervisor, open_task):
    today = timezone.localdate()
    services.progress_report(task=open_task, reported_by=supervisor, date=today, content="上午的进展", percent=50)
    ledger_services.progress_import(user=officer_a, changes=[change_for(open_task, text="下午的进展", percent=55)])
    open_task.refresh_from_db()
    assert (open_task.progress, open_task.latest_progress) == (55, "下午的进展")


def test_any_refused_row_writes_nothing(officer_a, supervisor, open_task, make_task, departments):
    other = make_task(title="落实营养餐", lead_department=departments["a"], status=Task.Status.IN_PROGRESS)
    changes = [change_for(open_task, row=3), change_for(other, row=4)]
    services.task_transition(task=other, action="suspend", by=supervisor, reason="上级通知暂停")
    outcome = ledger_services.progress_import(user=officer_a, changes=changes)
    assert outcome.written == 0
    assert [(e.row, e.message) for e in outcome.errors] == [(4, "任务已办结或已中止，不能再填报进展")]
    assert not ProgressUpdate.objects.exists()
    open_task.refresh_from_db()
    assert open_task.progress == 0 and not open_task.history.filter(history_change_reason=ledger_services.IMPORT_REASON)


def test_a_task_reported_on_since_export_is_refused_even_with_the_same_words(officer_a, supervisor, open_task):
    """The confirmation honours the export baseline: a new entry is a change in the system, whatever it says."""
    today = timezone.localdate()
    services.progress_report(task=open_task, reported_by=officer_a, date=today, content="同样的话", percent=40)
    change = change_for(open_task)
    # Another person, so not a double click of the first (which writes nothing).
    services.progress_report(task=open_task, reported_by=supervisor, date=today, content="同样的话", percent=40)
    outcome = ledger_services.progress_import(user=officer_a, changes=[change])
    assert outcome.written == 0
    assert [(e.row, e.message) for e in outcome.errors] == [(3, "预览之后该任务的进展已被他人更新，请重新导出后再填报")]
    assert ProgressUpdate.objects.filter(task=open_task).count() == 2


def test_partial_writes_the_valid_rows_and_reports_the_rest(officer_a, open_task, make_task, departments):
    foreign = make_task(title="财政专项审计", lead_department=departments["b"], status=Task.Status.IN_PROGRESS)
    outcome = ledger_services.progress_import(user=officer_a, changes=[change_for(open_task, row=3),
                                                                change_for(foreign, row=4)], partial=True)
    assert outcome.written == 1
    assert [(e.row, e.message) for e in outcome.errors] == [(4, "任务已不存在或不再属于本单位")]
    assert list(ProgressUpdate.objects.values_list("task_id", flat=True)) == [open_task.pk]


@pytest.mark.parametrize("text,percent,message", [
    ("", 40, "进展情况：此字段不能为空"),
    ("进展", 150, "完成率（%）："),
])
def test_an_entry_the_model_refuses_is_a_row_error(officer_a, open_task, text, percent, message):
    """A change that slipped past the preview still meets the model's own validation."""
    outcome = ledger_services.progress_import(user=officer_a, changes=[change_for(open_task, text=text, percent=percent)])
    assert outcome.written == 0 and len(outcome.errors) == 1
    assert outcome.errors[0].row == 3 and message in outcome.errors[0].message
    assert not ProgressUpdate.objects.exists()


def test_a_co_department_officer_may_import(officer_a, make_task, departments):
    shared = make_task(title="联合整治", lead_department=departments["b"], co_departments=[departments["a"]],
                       status=Task.Status.IN_PROGRESS)
    assert ledger_services.progress_import(user=officer_a, changes=[change_for(shared)]).written == 1


@pytest.mark.parametrize("persona", ["supervisor", "officer_a"])
def test_query_count_does_not_grow_with_rows(request, persona, make_task, departments,
                                             django_assert_max_num_queries):
    user = request.getfixturevalue(persona)
    tasks = [make_task(title=f"任务{i}", lead_department=departments["a"], co_departments=[departments["c"]],
                       status=Task.Status.IN_PROGRESS) for i in range(55)]
    small = [change_for(task, row=i + 3) for i, task in enumerate(tasks[:5])]
    large = [change_for(task, row=i + 3) for i, task in enumerate(tasks[5:])]
    with django_assert_max_num_queries(15) as five:
        assert ledger_services.progress_import(user=user, changes=small).written == 5
    with django_assert_max_num_queries(15) as fifty:
        assert ledger_services.progress_import(user=user, changes=large).written == 50
    assert len(fifty) <= len(five)  # the first call also reads the user's roles (then cached)
    assert ProgressUpdate.objects.count() == 55
    assert Task.history.filter(history_change_reason=ledger_services.IMPORT_REASON).count() == 55
