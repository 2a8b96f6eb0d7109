"""A double click (or a resent form) writes once: 填报进展, 催办, 批示/留言, 延期申请 and its decision.

The second, identical submission within services.REPEAT_WINDOW finds the first after
locking the task row, writes nothing, and the page says "已提交，请勿重复提交". The lock
makes this hold across app servers and under real concurrency (checked on PostgreSQL).
"""
import threading
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tracker import services
from tracker.models import Chase, ExtensionRequest, Instruction, ProgressUpdate, Task
from tracker.supervision import chasing

pytestmark = pytest.mark.django_db
REPEAT = "已提交，请勿重复提交。"


@pytest.fixture
def task(make_task, departments, officer_a):
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    return make_task(lead_department=departments["a"], deadline=timezone.localdate() + timedelta(days=20))


def twice(client, url, data):
    """Post ``data`` to ``url`` twice, as a double click does; return both responses, redirects followed."""
    return client.post(url, data, follow=True), client.post(url, data, follow=True)


PROGRESS = {"progress-date": "2024-09-10", "progress-percent": "40", "progress-content": "已完成四成"}


def test_double_clicking_progress_reports_once(client, task, officer_a):
    client.force_login(officer_a)
    first, second = twice(client, reverse("tracker:progress_add", args=[task.pk]), PROGRESS)
    assert first.redirect_chain[0][1] == second.redirect_chain[0][1] == 302
    assert ProgressUpdate.objects.filter(task=task).count() == 1
    assert "进展已填报。" in first.content.decode() and REPEAT not in first.content.decode()
    assert REPEAT in second.content.decode() and "进展已填报。" not in second.content.decode()
    assert Task.objects.get(pk=task.pk).version == 2  # created, then one report


def test_a_different_report_or_a_later_one_is_not_a_repeat(client, task, officer_a):
    client.force_login(officer_a)
    url = reverse("tracker:progress_add", args=[task.pk])
    client.post(url, PROGRESS)
    client.post(url, {**PROGRESS, "progress-percent": "45"})
    assert ProgressUpdate.objects.filter(task=task).count() == 2
    ProgressUpdate.objects.update(created_at=timezone.now() - services.REPEAT_WINDOW - timedelta(seconds=1))
    client.post(url, PROGRESS)
    assert ProgressUpdate.objects.filter(task=task).count() == 3


def test_a_colleagues_identical_report_is_their_own(task, officer_a, departments):
    from tests.conftest import make_user

    colleague = make_user("officer_a2", "部门填报员", departments["a"])
    for user in (officer_a, colleague):
        services.progress_report(task=task, reported_by=user, date=timezone.localdate(), content="同样的话",
                                 percent=50)
    assert ProgressUpdate.objects.filter(task=task).count() == 2


def test_the_service_returns_the_first_entry_marked_as_a_repeat(task, officer_a):
    day = timezone.localdate()
    first = services.progress_report(task=task, reported_by=officer_a, date=day, content="过半", percent=50)
    again = services.progress_report(task=task, reported_by=officer_a, date=day, content="过半", percent=50)
    assert again.pk == first.pk and again.repeated and not getattr(first, "repeated", False)


def test_double_clicking_chase_on_the_task_page_chases_once(client, supervisor, task,
                                                            django_capture_on_commit_callbacks):
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        first, second = twice(client, reverse("tracker:task_chase", args=[task.pk]), {"message": "请今天报送。"})
    assert first.redirect_chain[0][1] == 302
    assert Chase.objects.count() == 1 and len(mail.outbox) == 1
    assert REPEAT in second.content.decode()


def test_double_clicking_the_admin_chase_action_chases_once(client, supervisor, task, make_task, departments,
                                                            django_capture_on_commit_callbacks):
    other = make_task(lead_department=departments["b"])
    client.force_login(supervisor)
    data = {"action": "chase_tasks", ACTION_CHECKBOX_NAME: [task.pk, other.pk], "confirm": "1", "message": "请抓紧。"}
    with django_capture_on_commit_callbacks(execute=True):
        first, second = twice(client, reverse("admin:tracker_task_changelist"), data)
    assert Chase.objects.count() == 1 and len(mail.outbox) == 1
    assert "催办 2 项任务" in first.content.decode() and REPEAT in second.content.decode()
    # The same message to a different selection is a new chase.
    chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧。")
    assert Chase.objects.count() == 2


@pytest.mark.parametrize("persona,kind", [("leader", "instruction"), ("officer_a", "comment")])
def test_double_clicking_an_instruction_or_comment_posts_once(request, client, task, persona, kind):
    client.force_login(request.getfixturevalue(persona))
    first, second = twice(client, reverse("tracker:instruction_add", args=[task.pk]),
                          {"kind": kind, "content": "请按期完成。"})
    assert first.redirect_chain[0][1] == 302 and Instruction.objects.count() == 1
    assert REPEAT in second.content.decode()


def test_double_clicking_an_extension_request_files_one_without_an_error(client, task, officer_a):
    client.force_login(officer_a)
    new = (task.deadline + timedelta(days=10)).isoformat()
    first, second = twice(client, reverse("tracker:extension_request", args=[task.pk]),
                          {"new_deadline": new, "reason": "等待拨款"})
    assert ExtensionRequest.objects.count() == 1
    assert "延期申请已提交" in first.content.decode()
    page = second.content.decode()
    assert REPEAT in page and "已有一份待审批" not in page


def test_double_clicking_an_extension_decision_is_not_an_error(client, task, officer_a, supervisor):
    from tracker.supervision import extensions

    pending = extensions.extension_request_create(task=task, requested_by=officer_a, reason="需协调",
                                                  new_deadline=task.deadline + timedelta(days=5))
    client.force_login(supervisor)
    first, second = twice(client, reverse("tracker:extension_decide", args=[pending.pk]), {"decision": "approve"})
    assert "已同意延期至" in first.content.decode()
    page = second.content.decode()
    assert REPEAT in page and "不能重复审批" not in page
    assert Task.objects.get(pk=task.pk).deadline == pending.new_deadline


def test_a_different_decision_after_the_first_is_still_refused(task, officer_a, supervisor):
    from django.core.exceptions import ValidationError

    from tracker.supervision import extensions

    pending = extensions.extension_request_create(task=task, requested_by=officer_a, reason="需协调",
                                                  new_deadline=task.deadline + timedelta(days=5))
    extensions.extension_decide(extension=pending, decided_by=supervisor, approve=True)
    with pytest.raises(ValidationError, match="该申请已同意，不能重复审批。"):
        extensions.extension_decide(extension=pending, decided_by=supervisor, approve=False, comment="不同意")


# ---- two submissions at the same moment -------------------------------------------------

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="并发事务测试需要 PostgreSQL 的行锁；SQLite 在写事务开始时即锁住整个库，无法交错",
)


def at_once(work, times=2):
    """Run ``work`` on ``times`` threads (one connection each) released together; return their errors."""
    start, errors = threading.Barrier(times), []

    def run():
        try:
            start.wait(10)
            work()
        except Exception as error:  # noqa: BLE001 - reported to the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return errors


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_reports_write_one(make_task, departments, officer_a):
    task = make_task(lead_department=departments["a"])
    day = timezone.localdate()
    errors = at_once(lambda: services.progress_report(task=Task.objects.get(pk=task.pk), reported_by=officer_a,
                                                      date=day, content="同时提交", percent=30), times=4)
    assert errors == []
    assert ProgressUpdate.objects.filter(task=task).count() == 1


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_simultaneous_identical_chases_log_one(make_task, departments, supervisor):
    tasks = [make_task(lead_department=departments["a"]), make_task(lead_department=departments["b"])]
    errors = at_once(lambda: chasing.chase_send(sent_by=supervisor, tasks=tasks, message="同时催办"), times=4)
    assert errors == []
    assert Chase.objects.count() == 1
