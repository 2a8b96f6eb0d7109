"""催办: one log row per chase, one e-mail per officer after commit, each with their own tasks only."""
from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tracker.models import Chase
from tracker.supervision import chasing

pytestmark = pytest.mark.django_db


@pytest.fixture
def officers(officer_a, officer_b, departments):
    officer_a.email = "a@example.gov.cn"
    officer_a.save()
    officer_b.email = "b@example.gov.cn"
    officer_b.save()
    c = make_user("officer_c", "部门填报员", departments["c"])  # no e-mail address
    return {"a": officer_a, "b": officer_b, "c": c}


def test_chase_logs_once_and_mails_each_officer_their_own_tasks(
        supervisor, officers, departments, make_task, django_capture_on_commit_callbacks):
    soon = timezone.localdate() + timedelta(days=3)
    t1 = make_task(title="校舍排查", lead_department=departments["a"], co_departments=[departments["b"]], deadline=soon)
    t2 = make_task(title="经费拨付", lead_department=departments["b"], deadline=soon)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        chase = chasing.chase_send(sent_by=supervisor, tasks=[t1, t2], message="请本周内报送进展。")
    assert len(callbacks) == 1
    chase.refresh_from_db()
    assert chase.kind == Chase.Kind.CHASE and chase.channel == "email" and chase.sent_by == supervisor
    assert set(chase.tasks.all()) == {t1, t2}
    assert set(chase.recipients.all()) == {officers["a"], officers["b"]}
    by_to = {message.to[0]: message for message in mail.outbox}
    assert set(by_to) == {"a@example.gov.cn", "b@example.gov.cn"}
    assert "请本周内报送进展。" in by_to["a@example.gov.cn"].body
    assert "校舍排查" in by_to["a@example.gov.cn"].body
    assert "经费拨付" not in by_to["a@example.gov.cn"].body  # department a is not involved in t2
    assert "校舍排查" in by_to["b@example.gov.cn"].body and "经费拨付" in by_to["b@example.gov.cn"].body
    assert by_to["a@example.gov.cn"].subject == "【督办催办】1 项任务请抓紧办理"


def test_no_mail_leaves_before_the_transaction_commits(supervisor, officers, departments, make_task,
                                                       django_capture_on_commit_callbacks):
    task = make_task(lead_department=departments["a"])
    with django_capture_on_commit_callbacks(execute=False):
        chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧。")
    assert mail.outbox == []


@pytest.mark.parametrize("message,error", [("", "请填写催办内容"), ("   ", "请填写催办内容"), ("x" * 2001, "不能超过")])
def test_bad_message_writes_nothing(supervisor, departments, make_task, message, error):
    task = make_task(lead_department=departments["a"])
    with pytest.raises(ValidationError, match=error):
        chasing.chase_send(sent_by=supervisor, tasks=[task], message=message)
    assert not Chase.objects.exists()


def test_closed_tasks_are_not_chased(supervisor, departments, make_task):
    task = make_task(lead_department=departments["a"], status="closed")
    with pytest.raises(ValidationError, match="无需催办"):
        chasing.chase_send(sent_by=supervisor, tasks=[task], message="请抓紧。")
    assert not Chase.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "officer_a"])
def test_only_supervisors_chase(request, persona, departments, make_task):
    task = make_task(lead_department=departments["a"])
    with pytest.raises(PermissionDenied):
        chasing.chase_send(sent_by=request.getfixturevalue(persona), tasks=[task], message="请抓紧。")
    assert not Chase.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_chase_button_on_task_page(client, supervisor, officers, departments, make_task):
    """Committed for real: the notice reports the e-mails the server took, after the commit."""
    task = make_task(lead_department=departments["a"])
    client.force_login(supervisor)
    response = client.post(reverse("tracker:task_chase", args=[task.pk]), {"message": "请今天报送。"})
    assert response.status_code == 302
    assert task.chases.get().message == "请今天报送。"
    assert [m.to for m in mail.outbox] == [["a@example.gov.cn"]]
    page = client.get(response["Location"])
    assert "已催办，邮件发送给 1 位填报员。" in page.content.decode()
    assert "请今天报送。" in page.content.decode()  # shown on the task, in the timeline


def test_chase_button_refuses_officers_and_empty_messages(client, supervisor, officer_a, departments, make_task):
    task = make_task(lead_department=departments["a"])
    client.force_login(officer_a)
    assert client.post(reverse("tracker:task_chase", args=[task.pk]), {"message": "催"}).status_code == 403
    client.force_login(supervisor)
    response = client.post(reverse("tracker:task_chase", args=[task.pk]), {"message": ""}, follow=True)
    assert "请填写催办内容。" in response.content.decode()
    assert not Chase.objects.exists()


def test_admin_action_asks_for_the_message_then_chases_all_selected(
        client, supervisor, officers, departments, make_task, django_capture_on_commit_callbacks):
    t1 = make_task(title="甲任务", lead_department=departments["a"])
    t2 = make_task(title="乙任务", lead_department=departments["b"])
    client.force_login(supervisor)
    url = reverse("admin:tracker_task_changelist")
    selection = {"action": "chase_tasks", ACTION_CHECKBOX_NAME: [t1.pk, t2.pk]}
    page = client.post(url, selection)
    assert page.status_code == 200
    assert "确认催办" in page.content.decode() and "甲任务" in page.content.decode()
    assert not Chase.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {**selection, "confirm": "1", "message": "请于周五前办结。"})
    assert done.status_code == 302
    chase = Chase.objects.get()
    assert set(chase.tasks.all()) == {t1, t2}
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.gov.cn", "b@example.gov.cn"]


@pytest.mark.django_db(transaction=True)
def test_admin_action_names_the_officers_it_could_not_mail(client, supervisor, officers, departments, make_task):
    """The admin action tells the same story as the task page: officer_c has no e-mail address."""
    t1 = make_task(lead_department=departments["a"])
    t2 = make_task(lead_department=departments["c"])
    client.force_login(supervisor)
    done = client.post(reverse("admin:tracker_task_changelist"), {
        "action": "chase_tasks", ACTION_CHECKBOX_NAME: [t1.pk, t2.pk], "confirm": "1", "message": "请抓紧。"},
        follow=True)
    assert "已催办 2 项任务，邮件发送给 1 位填报员。（officer_c 未填写邮箱，未发送。）" in done.content.decode()


def test_admin_action_with_empty_message_shows_the_page_again(client, supervisor, departments, make_task):
    task = make_task(lead_department=departments["a"])
    client.force_login(supervisor)
    page = client.post(reverse("admin:tracker_task_changelist"),
                       {"action": "chase_tasks", ACTION_CHECKBOX_NAME: [task.pk], "confirm": "1", "message": " "})
    assert page.status_code == 200
    assert "请填写催办内容。" in page.content.decode()
    assert not Chase.objects.exists()


def test_leaders_have_no_chase_action(client, leader, make_task):
    make_task()
    client.force_login(leader)
    page = client.get(reverse("admin:tracker_task_changelist"))
    assert "chase_tasks" not in page.content.decode()


def test_timeline_names_only_the_recipients_of_this_task(supervisor, officers, departments, make_task):
    """A chase of two tasks at once: each task's timeline names the officers told about it, not the others."""
    from tracker import timeline

    ours = make_task(title="甲任务", lead_department=departments["a"])
    theirs = make_task(title="乙任务", lead_department=departments["b"])
    chasing.chase_send(sent_by=supervisor, tasks=[ours, theirs], message="请抓紧。")
    (entry,) = [e for e in timeline.task_timeline(task=ours) if e.kind == "chase"]
    assert "officer_a" in entry.detail and "officer_b" not in entry.detail
    assert "乙任务" not in entry.text + entry.detail


def test_each_chase_mail_lists_only_tasks_its_reader_may_see(supervisor, officers, departments, make_task,
                                                             django_capture_on_commit_callbacks):
    """Co-departments included: c helps on one task of a, b on one task of c; nobody reads a task that 404s for them."""
    from tracker import selectors

    t1 = make_task(title="甲牵头丙配合", lead_department=departments["a"], co_departments=[departments["c"]])
    t2 = make_task(title="丙牵头乙配合", lead_department=departments["c"], co_departments=[departments["b"]])
    t3 = make_task(title="乙独办", lead_department=departments["b"])
    officers["c"].email = "c@example.gov.cn"
    officers["c"].save()
    with django_capture_on_commit_callbacks(execute=True):
        chasing.chase_send(sent_by=supervisor, tasks=[t1, t2, t3], message="请抓紧。")
    by_user = {officer.email: officer for officer in officers.values()}
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        reader = by_user[message.to[0]]
        visible = set(selectors.task_list(user=reader).values_list("title", flat=True))
        named = {task.title for task in (t1, t2, t3) if task.title in message.body}
        assert named and named <= visible, reader.username
    body_c = next(m.body for m in mail.outbox if m.to == ["c@example.gov.cn"])
    assert "甲牵头丙配合" in body_c and "丙牵头乙配合" in body_c and "乙独办" not in body_c


DOWN = "tests.tracker.mail_backends.DownBackend"
FAILED = "已记录催办，但邮件发送失败，请稍后重试或电话通知。"


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_down_the_page_says_no_mail_went_out_and_logs_why(
        client, settings, caplog, supervisor, officers, departments, make_task):
    settings.EMAIL_BACKEND = DOWN
    task = make_task(lead_department=departments["a"])
    client.force_login(supervisor)
    page = client.post(reverse("tracker:task_chase", args=[task.pk]), {"message": "请今天报送。"},
                       follow=True).content.decode()
    assert FAILED in page and "邮件发送给" not in page
    assert task.chases.get().message == "请今天报送。"  # the chase stays logged, and shows on the task
    (record,) = [r for r in caplog.records if r.name == "tracker.supervision.mailing"]
    assert record.levelname == "ERROR" and record.exc_info and "ConnectionRefusedError" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_admin_action_with_the_mail_server_down_says_so(client, settings, supervisor, officers, departments,
                                                       make_task):
    settings.EMAIL_BACKEND = DOWN
    t1, t2 = make_task(lead_department=departments["a"]), make_task(lead_department=departments["b"])
    client.force_login(supervisor)
    done = client.post(reverse("admin:tracker_task_changelist"), {
        "action": "chase_tasks", ACTION_CHECKBOX_NAME: [t1.pk, t2.pk], "confirm": "1", "message": "请抓紧。"},
        follow=True).content.decode()
    assert "已记录催办 2 项任务，但邮件发送失败，请稍后重试或电话通知。" in done and "邮件发送给" not in done


@pytest.mark.django_db(transaction=True)
def test_admin_add_reports_what_the_mail_server_did(client, settings, supervisor, officers, departments, make_task):
    settings.EMAIL_BACKEND = DOWN
    task = make_task(lead_department=departments["a"])
    client.force_login(supervisor)
    done = client.post(reverse("admin:tracker_chase_add"), {"tasks": [task.pk], "message": "请抓紧。"},
                       follow=True).content.decode()
    assert FAILED in done and Chase.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_refused_address_is_named_and_the_others_are_sent(client, settings, caplog, supervisor, officers,
                                                            departments, make_task):
    settings.EMAIL_BACKEND = "tests.tracker.mail_backends.RefusesOneBackend"
    officers["c"].email = "c@example.gov.cn"
    officers["c"].save()
    t1, t2 = make_task(lead_department=departments["a"]), make_task(lead_department=departments["c"])
    client.force_login(supervisor)
    done = client.post(reverse("admin:tracker_task_changelist"), {
        "action": "chase_tasks", ACTION_CHECKBOX_NAME: [t1.pk, t2.pk], "confirm": "1", "message": "请抓紧。"},
        follow=True).content.decode()
    assert "已催办 2 项任务，邮件发送给 1 位填报员；发给 officer_c 的邮件发送失败，请稍后重试或电话通知。" in done
    assert [m.to for m in mail.outbox] == [["a@example.gov.cn"]]
    assert "c@example.gov.cn" in caplog.text
