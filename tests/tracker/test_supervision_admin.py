"""The admin side of supervision: signal column, filter and sort; log records added only through services."""
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tracker.models import Chase, ExtensionRequest, Instruction
from tracker.supervision import chasing

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(make_task, departments):
    today = timezone.localdate()
    return {
        "green": make_task(title="绿灯任务", lead_department=departments["a"], deadline=today + timedelta(days=40)),
        "red": make_task(title="红灯任务", lead_department=departments["a"], deadline=today - timedelta(days=2)),
        "yellow": make_task(title="黄灯任务", lead_department=departments["b"], deadline=today + timedelta(days=1)),
    }


def test_changelist_shows_badges_filters_and_sorts_by_signal(client, supervisor, three):
    client.force_login(supervisor)
    url = reverse("admin:tracker_task_changelist")
    page = client.get(url).content.decode()
    assert '<span class="badge badge-red">红灯</span>' in page and "duban/duban.css" in page
    filtered = client.get(url, {"signal": "red"}).content.decode()
    assert "红灯任务" in filtered and "绿灯任务" not in filtered and "黄灯任务" not in filtered
    ordered = client.get(url, {"o": "5"}).content.decode()  # fifth column: 红黄绿灯
    assert ordered.index("红灯任务") < ordered.index("黄灯任务") < ordered.index("绿灯任务")


def test_officer_cannot_post_an_instruction_through_the_admin(client, officer_a, three):
    client.force_login(officer_a)
    response = client.post(reverse("admin:tracker_instruction_add"),
                           {"task": three["red"].pk, "kind": "instruction", "content": "冒充批示"})
    assert response.status_code == 200
    assert "只有领导或督查员可以作出批示。" in response.content.decode()
    assert not Instruction.objects.exists()
    response = client.post(reverse("admin:tracker_instruction_add"),
                           {"task": three["red"].pk, "kind": "comment", "content": "已在办理。"})
    assert response.status_code == 302
    assert Instruction.objects.get().author == officer_a


def test_officer_cannot_pick_another_departments_task_in_the_admin(client, officer_a, three):
    client.force_login(officer_a)
    response = client.post(reverse("admin:tracker_instruction_add"),
                           {"task": three["yellow"].pk, "kind": "comment", "content": "看看"})
    assert response.status_code == 200 and not Instruction.objects.exists()


def test_admin_extension_request_goes_through_the_rules(client, officer_a, three):
    client.force_login(officer_a)
    url = reverse("admin:tracker_extensionrequest_add")
    late = client.post(url, {"task": three["red"].pk, "new_deadline": "2099-01-01", "reason": "晚了"})
    assert "不能再申请延期" in late.content.decode()
    ok = client.post(url, {"task": three["green"].pk, "new_deadline": "2099-01-01", "reason": "需要更多时间"})
    assert ok.status_code == 302
    request = ExtensionRequest.objects.get()
    assert request.old_deadline == three["green"].deadline and request.requested_by == officer_a
    # A decided or pending request is a record, not a form to edit.
    page = client.get(reverse("admin:tracker_extensionrequest_change", args=[request.pk])).content.decode()
    assert 'name="_save"' not in page


def test_supervisor_adding_a_chase_in_the_admin_sends_it(client, supervisor, officer_a, three,
                                                        django_capture_on_commit_callbacks):
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    client.force_login(supervisor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:tracker_chase_add"),
                               {"tasks": [three["red"].pk], "message": "请说明逾期原因。"})
    assert response.status_code == 302
    chase = Chase.objects.get()
    assert chase.sent_by == supervisor and list(chase.recipients.all()) == [officer_a]
    assert len(mail.outbox) == 1


def test_officer_reads_only_chases_about_own_tasks(client, supervisor, officer_a, three):
    chasing.chase_send(sent_by=supervisor, tasks=[three["red"]], message="甲单位请注意")
    chasing.chase_send(sent_by=supervisor, tasks=[three["yellow"]], message="乙单位请注意")
    client.force_login(officer_a)
    page = client.get(reverse("admin:tracker_chase_changelist")).content.decode()
    assert "甲单位请注意" in page and "乙单位请注意" not in page


@pytest.fixture
def shared_chase(supervisor, officer_a, officer_b, departments, make_task):
    """One 催办 naming a task of A (department c helps) and a task of B, each department with an officer."""
    from tests.conftest import make_user

    officer_c = make_user("officer_c", "部门填报员", departments["c"])
    for officer in (officer_a, officer_b, officer_c):
        officer.email = f"{officer.username}@example.gov.cn"
        officer.save()
    ours = make_task(title="甲单位牵头的任务", lead_department=departments["a"], co_departments=[departments["c"]])
    theirs = make_task(title="乙单位独办的任务", lead_department=departments["b"])
    chase = chasing.chase_send(sent_by=supervisor, tasks=[ours, theirs], message="请两个单位抓紧。")
    return {"chase": chase, "ours": ours, "theirs": theirs, "officer_c": officer_c}


def test_officer_reading_a_chase_sees_only_the_tasks_and_colleagues_of_their_own(client, shared_chase, officer_b):
    """The chase names two tasks; department c helps on one: its officer reads that one and no one else's name."""
    client.force_login(shared_chase["officer_c"])
    page = client.get(reverse("admin:tracker_chase_change", args=[shared_chase["chase"].pk])).content.decode()
    ours, theirs = shared_chase["ours"], shared_chase["theirs"]
    assert ours.serial in page and ours.title in page
    assert theirs.serial not in page and theirs.title not in page
    assert "officer_c" in page
    assert "officer_a" not in page and "officer_b" not in page


def test_supervisor_reading_a_chase_sees_every_task_and_recipient(client, supervisor, shared_chase):
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_chase_change", args=[shared_chase["chase"].pk])).content.decode()
    for task in (shared_chase["ours"], shared_chase["theirs"]):
        assert task.serial in page and task.title in page
        assert reverse("tracker:task_detail", args=[task.pk]) in page
    assert all(name in page for name in ("officer_a", "officer_b", "officer_c"))


def test_officer_does_not_read_another_departments_daily_reminder(client, officer_a, officer_b, departments,
                                                                  make_task, django_capture_on_commit_callbacks):
    """A's digest names a task B helps on: it stays A's; B reads its own digest only."""
    from tracker.supervision import reminders

    today = timezone.localdate()
    for officer in (officer_a, officer_b):
        officer.email = f"{officer.username}@example.gov.cn"
        officer.save()
    make_task(title="甲单位逾期任务", lead_department=departments["a"], deadline=today - timedelta(days=3))
    make_task(title="两家共办任务", lead_department=departments["a"], co_departments=[departments["b"]],
              deadline=today - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        digest_a = reminders.reminder_send_department(department=departments["a"], today=today).chase
        digest_b = reminders.reminder_send_department(department=departments["b"], today=today).chase
    client.force_login(officer_b)
    listing = client.get(reverse("admin:tracker_chase_changelist")).content.decode()
    assert departments["b"].name in listing and departments["a"].name not in listing
    assert client.get(reverse("admin:tracker_chase_change", args=[digest_a.pk])).status_code == 302
    own = client.get(reverse("admin:tracker_chase_change", args=[digest_b.pk])).content.decode()
    assert "两家共办任务" in own and "甲单位逾期任务" not in own
    client.force_login(officer_a)
    page = client.get(reverse("admin:tracker_chase_change", args=[digest_a.pk])).content.decode()
    assert "两家共办任务" in page and "甲单位逾期任务" in page
