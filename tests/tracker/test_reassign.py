"""退回（不属于本单位） → 待指派 → 转办: the task's record, its lights and lists, who is told (in the system and by mail)."""
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.conftest import make_user
from tracker import history, services, timeline
from tracker.models import Department, Notice, NoticeDelivery, Task, TaskTransition
from tracker.supervision import home

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(supervisor, officer_a, officer_b, departments):
    for user, address in [(supervisor, "sup@example.gov.cn"), (officer_a, "a@example.gov.cn"),
                          (officer_b, "b@example.gov.cn")]:
        user.email = address
        user.save(update_fields=["email"])
    officer_c = make_user("officer_c", "部门填报员", departments["c"])
    officer_c.email = "c@example.gov.cn"
    officer_c.save(update_fields=["email"])
    return {"sup": supervisor, "a": officer_a, "b": officer_b, "c": officer_c}


@pytest.fixture
def task(make_task, departments):
    """A task given to A with C helping, not yet signed for."""
    return make_task(title="做好课后服务经费保障", lead_department=departments["a"], co_departments=[departments["c"]])


def kinds(user, task):
    return sorted(Notice.objects.filter(recipient=user, task=task).values_list("kind", flat=True))


def test_refusal_then_transfer_end_to_end(task, people, departments, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.task_transition(task=task, action="decline", by=people["a"],
                                            reason="经费保障属财政局职责")
    task.refresh_from_db()
    assert (task.status, task.lead_department_id) == (Task.Status.PENDING, None)
    assert (declined.from_department, declined.to_department) == (departments["a"], None)
    # The supervisors are told, in the system and by mail; A no longer has the task.
    assert kinds(people["sup"], task) == ["declined"]
    assert [m.to for m in mail.outbox] == [["sup@example.gov.cn"]]
    assert "经费保障属财政局职责" in mail.outbox[0].body and task.serial in mail.outbox[0].subject
    assert not Task.objects.filter(pk=task.pk, lead_department=departments["a"]).exists()
    supervisor_home = home.home_page(user=people["sup"])
    waiting = next(b for b in supervisor_home.blocks if b.key == "unassigned")
    assert [t.pk for t in waiting.tasks] == [task.pk]
    assert waiting.tasks[0].home_note == "县教育局基础教育股退回（不属于本单位）：经费保障属财政局职责"
    assert task.pk not in [t.pk for b in home.home_page(user=people["a"]).blocks for t in b.tasks]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moved = services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"],
                                       reason="经费由财政局统筹", expected_version=task.version)
    task.refresh_from_db()
    assert (task.status, task.lead_department) == (Task.Status.PENDING, departments["b"])
    assert (moved.from_department, moved.to_department) == (None, departments["b"])
    assert kinds(people["b"], task) == ["reassigned"]
    assert kinds(people["c"], task) == ["reassigned"]
    assert "财政局" in Notice.objects.get(recipient=people["c"], kind="reassigned").text
    assert sorted(m.to[0] for m in mail.outbox) == ["b@example.gov.cn", "c@example.gov.cn"]
    to_b = next(m for m in mail.outbox if m.to == ["b@example.gov.cn"])
    assert "经费由财政局统筹" in to_b.body and "请及时签收" in to_b.body
    accept = next(b for b in home.home_page(user=people["b"]).blocks if b.key == "accept")
    assert [(t.pk, t.home_note) for t in accept.tasks] == [(task.pk, "转办来的任务，转办理由：经费由财政局统筹")]
    # The new lead signs for it as for any task.
    services.task_transition(task=task, action="accept", by=people["b"])
    assert Task.objects.get(pk=task.pk).status == Task.Status.IN_PROGRESS

    # Both steps are in the timeline and in the history.
    steps = [(e.label, e.detail) for e in timeline.task_timeline(task=task) if e.kind == "transition"]
    assert steps[:2] == [
        ("退回（不属于本单位）", "县教育局基础教育股退回，牵头单位改为待指派；待签收 → 待签收"),
        ("转办", "牵头单位：待指派 → 县财政局；待签收 → 待签收"),
    ]
    reasons = [entry.reason for entry in history.task_history(task)]
    assert "退回（不属于本单位）：经费保障属财政局职责" in reasons and "转办：经费由财政局统筹" in reasons
    lead_changes = [(c.old, c.new) for e in history.task_history(task) for c in e.changes if c.label == "牵头单位"]
    assert ("县教育局基础教育股", "（空）") in lead_changes and ("（空）", "县财政局") in lead_changes


def test_refused_tasks_come_first_in_the_supervisors_queue(task, people, make_task, settings):
    settings.HOME_BLOCK_LIMIT = 2
    older = [make_task(title=f"待指派任务{n}") for n in range(3)]
    services.task_transition(task=task, action="decline", by=people["a"], reason="不属于本单位职责")
    waiting = next(b for b in home.home_page(user=people["sup"]).blocks if b.key == "unassigned")
    assert [t.pk for t in waiting.tasks] == [task.pk, older[0].pk] and waiting.count == 4


def test_transfer_notifies_the_group_robot_of_the_new_lead(task, people, departments, settings):
    settings.NOTICE_WEBHOOK_ALLOW_ANY_HOST = True
    Department.objects.filter(pk=departments["b"].pk).update(webhook_url="https://robot.example.gov.cn/b")
    services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"], reason="改由财政局牵头")
    row = NoticeDelivery.objects.get(department=departments["b"])
    assert "转办" in row.payload["text"]["content"]


def test_a_co_department_made_lead_stops_being_co(task, people, departments):
    services.task_reassign(task=task, by=people["sup"], lead_department=departments["c"], reason="安稳股牵头更合适")
    task.refresh_from_db()
    assert task.lead_department == departments["c"]
    assert list(task.co_departments.all()) == []
    assert "reassigned" not in kinds(people["a"], task)  # the former lead is not told of a task it no longer sees


@pytest.mark.parametrize("reason", ["", "   "])
def test_refusal_without_reason_saves_nothing(task, people, reason):
    before = (Task.objects.get(pk=task.pk).version, TaskTransition.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.task_transition(task=task, action="decline", by=people["a"], reason=reason)
    assert refused.value.messages == ["请填写退回理由（为何不属于本单位）。"]
    assert (Task.objects.get(pk=task.pk).version, TaskTransition.objects.count(), Notice.objects.count()) == before


def test_refusal_after_signing_or_by_another_department_is_refused(task, people):
    with pytest.raises(PermissionDenied):
        services.task_transition(task=task, action="decline", by=people["c"], reason="不归我们")
    services.task_transition(task=task, action="accept", by=people["a"])
    with pytest.raises(ValidationError) as refused:
        services.task_transition(task=task, action="decline", by=people["a"], reason="不归我们")
    assert "办理中" in refused.value.messages[0]


@pytest.mark.parametrize("case,message", [
    ("same", "所选单位就是当前的牵头单位，请选择另一个单位转办。"),
    ("none", "请选择转办的牵头单位。"),
    ("no_reason", "请填写转办理由。"),
    ("closed", "任务当前状态为“已办结”，不能“转办”"),
    ("retired", "“县财政局”已停用，不能转办给该单位。"),
])
def test_bad_transfer_says_why_and_saves_nothing(task, people, departments, case, message):
    lead, reason = departments["b"], "改由财政局牵头"
    if case == "same":
        lead = departments["a"]
    elif case == "none":
        lead = None
    elif case == "no_reason":
        reason = " "
    elif case == "closed":
        Task.objects.filter(pk=task.pk).update(status=Task.Status.CLOSED, completed_at="2024-09-01T00:00:00Z")
    elif case == "retired":
        Department.objects.filter(pk=lead.pk).update(is_active=False)
        lead.refresh_from_db()
    before = (list(Task.objects.values_list("version", "lead_department", "status")),
              TaskTransition.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError) as refused:
        services.task_reassign(task=task, by=people["sup"], lead_department=lead, reason=reason)
    assert refused.value.messages[0].startswith(message)
    assert (list(Task.objects.values_list("version", "lead_department", "status")),
            TaskTransition.objects.count(), Notice.objects.count()) == before


def test_only_supervisors_transfer(task, people, departments, leader):
    for user in (people["a"], people["b"], leader):
        with pytest.raises(PermissionDenied):
            services.task_reassign(task=task, by=user, lead_department=departments["b"], reason="改由财政局")


def test_double_click_transfers_once(task, people, departments):
    first = services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"],
                                   reason="改由财政局牵头", expected_version=task.version)
    again = services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"],
                                   reason="改由财政局牵头", expected_version=task.version - 1)
    assert again.pk == first.pk and again.repeated
    assert TaskTransition.objects.filter(action="reassign").count() == 1
    assert Notice.objects.filter(kind="reassigned", recipient=people["b"]).count() == 1


def test_a_stale_transfer_form_is_refused(task, people, departments):
    read_at = task.version
    services.progress_report(task=task, reported_by=people["a"], date=task.created_at.date(), content="已启动",
                             percent=5)
    with pytest.raises(services.TaskConflict):
        services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"], reason="改由财政局",
                               expected_version=read_at)
    assert Task.objects.get(pk=task.pk).lead_department == task.lead_department


# The pages.

def test_refusal_page_flow_and_double_click(client, task, people):
    client.force_login(people["a"])
    url = reverse("tracker:task_transition", args=[task.pk, "decline"])
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert "退回（不属于本单位）" in page and url in page
    response = client.post(url, {"decline-reason": "不属于本单位职责"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tracker:home")
    assert "已退回督查室" in response.content.decode()
    again = client.post(url, {"decline-reason": "不属于本单位职责"}, follow=True)
    assert "已提交，请勿重复提交。" in again.content.decode()
    assert TaskTransition.objects.filter(action="decline").count() == 1
    assert client.get(reverse("tracker:task_detail", args=[task.pk])).status_code == 404


def test_refusal_page_without_reason_shows_the_message(client, task, people):
    client.force_login(people["a"])
    response = client.post(reverse("tracker:task_transition", args=[task.pk, "decline"]), {"decline-reason": ""})
    assert response.status_code == 400
    assert "请填写退回理由（为何不属于本单位）。" in response.content.decode()
    assert Task.objects.get(pk=task.pk).lead_department_id == task.lead_department_id


def test_transfer_page_flow(client, task, people, departments):
    client.force_login(people["sup"])
    page = client.get(reverse("tracker:task_detail", args=[task.pk])).content.decode()
    assert "转办给（新的牵头单位）" in page
    url = reverse("tracker:task_transition", args=[task.pk, "reassign"])
    same = client.post(url, {"reassign-lead_department": departments["a"].pk, "reassign-reason": "改",
                             "reassign-expected_version": task.version})
    assert same.status_code == 400  # the current lead is not offered: the form refuses it
    assert Task.objects.get(pk=task.pk).lead_department == departments["a"]
    response = client.post(url, {"reassign-lead_department": departments["b"].pk, "reassign-reason": "改由财政局牵头",
                                 "reassign-expected_version": task.version}, follow=True)
    assert "已转办给县财政局" in response.content.decode()
    assert Task.objects.get(pk=task.pk).lead_department == departments["b"]
    stale = client.post(url, {"reassign-lead_department": departments["c"].pk, "reassign-reason": "再改",
                              "reassign-expected_version": task.version}, follow=True)
    assert "任务已被他人修改" in stale.content.decode()
    assert Task.objects.get(pk=task.pk).lead_department == departments["b"]


def test_transfer_without_department_says_so(client, task, people):
    client.force_login(people["sup"])
    response = client.post(reverse("tracker:task_transition", args=[task.pk, "reassign"]),
                           {"reassign-lead_department": "", "reassign-reason": "改",
                            "reassign-expected_version": task.version})
    assert response.status_code == 400
    assert "请选择转办的牵头单位。" in response.content.decode()


def test_transfer_sets_the_co_departments_and_tells_the_new_one(task, people, departments):
    services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"], reason="改由财政局牵头",
                           co_departments=[departments["a"], departments["b"]])
    task.refresh_from_db()
    assert task.lead_department == departments["b"]
    assert list(task.co_departments.all()) == [departments["a"]]  # the new lead is not its own co-department
    text = Notice.objects.get(recipient=people["a"], task=task, kind="reassigned").text
    assert "贵单位为配合单位" in text and "仍为" not in text
    assert not Notice.objects.filter(recipient=people["c"], task=task, kind="reassigned").exists()
    assert services.selectors.task_list(user=people["c"]).filter(pk=task.pk).count() == 0  # C left the task


def test_transfer_refuses_a_stopped_co_department_and_saves_nothing(task, people, departments):
    stopped = Department.objects.create(name="已撤并的单位", is_active=False)
    before = (Task.objects.get(pk=task.pk).version, TaskTransition.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError, match="已撤并的单位”已停用"):
        services.task_reassign(task=task, by=people["sup"], lead_department=departments["b"], reason="改",
                               co_departments=[stopped])
    assert (Task.objects.get(pk=task.pk).version, TaskTransition.objects.count(), Notice.objects.count()) == before
    assert list(Task.objects.get(pk=task.pk).co_departments.all()) == [departments["c"]]


def test_transfer_page_offers_the_co_departments_checked_and_saves_the_choice(client, task, people, departments):
    client.force_login(people["sup"])
    form = client.get(reverse("tracker:task_detail", args=[task.pk])).context["decision_forms"]
    reassign = next(f for f in form if f.transition.action == "reassign")
    assert reassign.initial["co_departments"] == [departments["c"].pk]
    url = reverse("tracker:task_transition", args=[task.pk, "reassign"])
    client.post(url, {"reassign-lead_department": departments["b"].pk, "reassign-reason": "改由财政局牵头",
                      "reassign-expected_version": task.version, "reassign-co_departments_shown": "True",
                      "reassign-co_departments": [departments["a"].pk]})
    assert list(Task.objects.get(pk=task.pk).co_departments.all()) == [departments["a"]]


def test_a_transfer_form_without_the_co_department_box_keeps_them(client, task, people, departments):
    """An older page (or all boxes cleared without the marker) must not drop C silently."""
    client.force_login(people["sup"])
    client.post(reverse("tracker:task_transition", args=[task.pk, "reassign"]),
                {"reassign-lead_department": departments["b"].pk, "reassign-reason": "改由财政局牵头",
                 "reassign-expected_version": task.version})
    assert list(Task.objects.get(pk=task.pk).co_departments.all()) == [departments["c"]]
