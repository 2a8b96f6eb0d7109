"""Two people save the same task: the second is told it changed meanwhile, and the
first save is kept whole. Transitions happen once, however many click at once.

The version check runs on every database; the real concurrent transactions (threads,
one connection each) need PostgreSQL's row locks and are skipped on SQLite.
"""
import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.urls import reverse

from tracker import services
from tracker.models import Task, TaskTransition

CONFLICT = "任务已被他人修改"


def admin_post(client, task, version, **changes):
    data = {
        "title": task.title, "content": "", "category": "deploy", "lead_department": task.lead_department_id,
        "deadline": "2024-12-31", "deadline_text": "", "owner_text": "", "responsible_person": "", "note": "",
        "expected_version": version, "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return client.post(reverse("admin:tracker_task_change", args=[task.pk]), data)


@pytest.mark.django_db
def test_the_second_service_save_of_the_same_version_is_refused(make_task, supervisor, departments):
    task = make_task(title="原标题", lead_department=departments["a"])
    first, second = Task.objects.get(pk=task.pk), Task.objects.get(pk=task.pk)
    first.title = "甲的标题"
    services.task_update(task=first, expected_version=1, changed_by=supervisor)
    second.note = "乙的备注"
    with pytest.raises(services.TaskConflict) as error:
        services.task_update(task=second, expected_version=1, changed_by=supervisor)
    assert CONFLICT in error.value.messages[0]
    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.note, saved.version) == ("甲的标题", "", 2)


@pytest.mark.django_db
def test_two_editors_in_the_admin_the_second_gets_a_chinese_message(client, make_task, supervisor, departments):
    from tests.conftest import make_user

    other = make_user("sup2", "督查员")
    task = make_task(title="原标题", lead_department=departments["a"])
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_task_change", args=[task.pk])).content.decode()
    assert 'name="expected_version" value="1"' in page  # the form carries the version it was opened at
    second = client.__class__()
    second.force_login(other)
    assert admin_post(client, task, 1, title="甲改的标题").status_code == 302
    response = admin_post(second, task, 1, title="乙改的标题", note="乙的备注")
    assert response.status_code == 200
    assert CONFLICT in response.content.decode()
    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.note, saved.version) == ("甲改的标题", "", 2)


@pytest.mark.django_db
def test_a_progress_report_in_between_also_counts_as_a_change(client, make_task, supervisor, officer_a, departments):
    task = make_task(title="原标题", lead_department=departments["a"])
    client.force_login(supervisor)
    client.get(reverse("admin:tracker_task_change", args=[task.pk]))
    services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="过半", percent=50)
    response = admin_post(client, task, 1, title="督查员改的标题")
    assert CONFLICT in response.content.decode()
    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.progress, saved.latest_progress) == ("原标题", 50, "过半")


@pytest.mark.django_db
def test_a_save_that_loses_the_race_after_its_form_was_checked_is_refused_cleanly(
        client, make_task, supervisor, departments, monkeypatch):
    """The form's early check passed, then someone saved before the conditional UPDATE."""
    from tracker.admin import TaskAdminForm

    task = make_task(title="原标题", lead_department=departments["a"])
    original_clean = TaskAdminForm.clean

    def clean_then_someone_saves(form):
        cleaned = original_clean(form)
        Task.objects.filter(pk=task.pk).update(version=2, title="别人刚保存的标题")
        return cleaned

    monkeypatch.setattr(TaskAdminForm, "clean", clean_then_someone_saves)
    client.force_login(supervisor)
    response = admin_post(client, task, 1, title="我的标题")
    assert response.status_code == 302
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any(CONFLICT in m for m in messages)
    # The simulated save ran inside the request's transaction and is rolled back with it;
    # what matters is that this user's edit was not written over it.
    assert Task.objects.get(pk=task.pk).title != "我的标题"


# ---- real concurrent transactions ------------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="并发事务测试需要 PostgreSQL 的行锁；SQLite 在写事务开始时即锁住整个库，无法交错",
)


def in_thread(work):
    """Run ``work`` on its own thread and database connection; return (thread, outcome dict)."""
    outcome = {}

    def run():
        try:
            outcome["result"] = work()
        except Exception as error:  # reported to the test, which asserts on it
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def hold_and_race(first_step, second_step):
    """Run ``first_step`` in a transaction that stays open until ``second_step`` is blocked on it."""
    holding, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            result = first_step()
            holding.set()
            assert release.wait(10)
        return result

    first_thread, first_outcome = in_thread(first)
    assert holding.wait(10)
    second_thread, second_outcome = in_thread(second_step)
    second_thread.join(0.5)
    blocked = second_thread.is_alive()  # waiting for the first transaction's row lock
    release.set()
    first_thread.join(10)
    second_thread.join(10)
    return blocked, first_outcome, second_outcome


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_one_wins_the_other_is_told(make_task, supervisor, departments):
    task = make_task(title="原标题", lead_department=departments["a"])

    def save(title):
        def step():
            copy = Task.objects.get(pk=task.pk)
            copy.title = title
            return services.task_update(task=copy, expected_version=1, changed_by=supervisor)
        return step

    blocked, first, second = hold_and_race(save("甲的标题"), save("乙的标题"))
    assert blocked, "the second UPDATE should wait for the first transaction"
    assert "error" not in first, first
    assert isinstance(second.get("error"), services.TaskConflict)
    saved = Task.objects.get(pk=task.pk)
    assert (saved.title, saved.version) == ("甲的标题", 2)
    assert saved.history.filter(title="乙的标题").count() == 0


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_supervisors_accepting_at_once_make_one_transition(make_task, supervisor, officer_a, departments):
    from tests.conftest import make_user

    other = make_user("sup2", "督查员")
    task = make_task(lead_department=departments["a"])
    services.task_transition(task=task, action="accept", by=officer_a)
    services.task_transition(task=task, action="request_close", by=officer_a, reason="完成")

    def close(user):
        return lambda: services.task_transition(task=Task.objects.get(pk=task.pk), action="close", by=user)

    blocked, first, second = hold_and_race(close(supervisor), close(other))
    assert blocked
    assert "error" not in first, first
    assert isinstance(second.get("error"), ValidationError)
    assert "任务当前状态为“已办结”" in second["error"].messages[0]
    assert TaskTransition.objects.filter(task=task, action="close").count() == 1
    assert Task.objects.get(pk=task.pk).status == "closed"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_progress_reports_both_land_and_the_version_counts_both(make_task, officer_a, departments):
    task = make_task(lead_department=departments["a"])

    def report(day, percent):
        return lambda: services.progress_report(task=Task.objects.get(pk=task.pk), reported_by=officer_a,
                                                date=date(2024, 9, day), content=f"{day}日", percent=percent)

    blocked, first, second = hold_and_race(report(2, 20), report(3, 30))
    assert blocked
    assert "error" not in first and "error" not in second
    saved = Task.objects.get(pk=task.pk)
    assert (saved.progress, saved.latest_progress, saved.version) == (30, "3日", 3)
