"""Who gets what, as one table: each view × supervisor, leader, officer of the task's
department, officer of another department, superuser. Enforced on the server, for every page.

A cell is a status code; "200+" means 200 and the task is listed, "200-" means 200
and the task is not listed (a list never answers 403, it just leaves the task out).
"""
from datetime import date, timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from speeches.models import Speech
from tests.conftest import make_user
from tracker import services
from tracker.models import (
    Attachment,
    Chase,
    ExportJob,
    ExtensionRequest,
    Instruction,
    Notice,
    ProgressUpdate,
    Task,
    TaskTransition,
    User,
)
from tracker.supervision import extensions

pytestmark = pytest.mark.django_db

PERSONAS = ["supervisor", "leader", "officer_own", "officer_other", "superuser"]


def get(name, *args):
    return lambda client, ctx: client.get(reverse(name, args=[ctx[a] for a in args]))


def admin_change_post(client, ctx):
    task = ctx["task"]
    return client.post(reverse("admin:tracker_task_change", args=[task.pk]), {
        "title": "改过的标题", "content": "", "category": "deploy", "lead_department": task.lead_department_id,
        "deadline": "2024-12-31", "note": "", "expected_version": task.version,
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    })


def transition_post(action):
    def post(client, ctx):
        return client.post(reverse("tracker:task_transition", args=[ctx["task"].pk, action]),
                           {f"{action}-reason": "按要求处理"})
    return post


def reassign_post(client, ctx):
    return client.post(reverse("tracker:task_transition", args=[ctx["task"].pk, "reassign"]), {
        "reassign-lead_department": ctx["other_department_pk"], "reassign-reason": "改由财政局牵头",
        "reassign-expected_version": ctx["task"].version,
    })


def progress_post(client, ctx):
    return client.post(reverse("tracker:progress_add", args=[ctx["task"].pk]), {
        "progress-date": "2024-09-10", "progress-percent": "40", "progress-content": "已完成四成",
    })


def subtask_post(client, ctx):
    """分解下达 the task's part to its co-department (a unit the lead officer may name)."""
    task = ctx["task"]
    return client.post(reverse("tracker:subtask_add", args=[task.pk]), {
        "subtask-title": "安稳股负责的部分", "subtask-lead_department": ctx["co_department_pk"],
        "subtask-deadline": task.deadline.isoformat()})


def post(name, key, data):
    return lambda client, ctx: client.post(reverse(name, args=[ctx[key]]), data)


def password_post(key):
    def post(client, ctx):
        return client.post(reverse("admin:auth_user_password_change", args=[ctx[key]]),
                           {"password1": "Xin#mima-2025-long", "password2": "Xin#mima-2025-long",
                            "usable_password": "true"})
    return post


def extension_post(client, ctx):
    new = (ctx["task"].deadline + timedelta(days=10)).isoformat()
    return client.post(reverse("tracker:extension_request", args=[ctx["pk"]]), {"new_deadline": new, "reason": "等待拨款"})


def paper(name, *args, **params):
    """A Word paper as a response whose content is its text and the serials of the tasks it lists.

    A 分解表 names tasks by their 工作任务, not their serial: a task counts as listed
    when its title is in the text.
    """
    def fetch(client, ctx):
        from types import SimpleNamespace

        from tests.papers_docx import all_text, read

        response = client.get(reverse(name, args=[ctx[a] for a in args]), {k: ctx[v] for k, v in params.items()})
        if response.status_code != 200:
            return response
        text = all_text(read(b"".join(response.streaming_content)))
        listed = [t.serial for t in Task.objects.all() if t.title in text]
        return SimpleNamespace(status_code=200, content=" ".join([text, *listed]).encode())
    return fetch


def ledger_export(client, ctx):
    """The export as a response whose content is the serials listed in its ledger sheet."""
    import io
    from types import SimpleNamespace

    from openpyxl import load_workbook

    response = client.get(reverse("tracker:export_tasks"))
    if response.status_code != 200:
        return response
    ws = load_workbook(io.BytesIO(b"".join(response.streaming_content)))["任务清单"]
    serials = " ".join(str(row[1]) for row in ws.iter_rows(min_row=3, values_only=True))
    return SimpleNamespace(status_code=200, content=serials.encode())


def speech_choices(name):
    """The page's 来源讲话 choices, as a response whose content is the task's serial if its speech is offered."""
    from types import SimpleNamespace

    def fetch(client, ctx):
        response = client.get(reverse(name))
        page = response.content.decode()
        choices = page[page.index('<select name="speech"'):].split("</select>")[0]
        offered = ctx["task"].speech.title in choices
        return SimpleNamespace(status_code=response.status_code, content=ctx["task"].serial.encode() if offered else b"")
    return fetch


MATRIX = [
    # view                        request                                             sup     leader  own     other   superuser
    ("admin changelist",          get("admin:tracker_task_changelist"),               ["200+", "200+", "200+", "200-", "200+"]),
    ("admin change (GET)",        get("admin:tracker_task_change", "pk"),             [200, 200, 200, 302, 200]),
    ("admin change (POST)",       admin_change_post,                                  [302, 403, 403, 403, 302]),
    ("admin history",             get("admin:tracker_task_history", "pk"),            [200, 200, 200, 404, 200]),
    ("admin history version",     get("admin:tracker_task_simple_history", "pk", "history_id"), [200, 200, 200, 404, 200]),
    # The record is append-only for everyone: a task is 中止ed, never deleted; entries are never changed or deleted.
    ("admin delete",              get("admin:tracker_task_delete", "pk"),             [403, 403, 403, 403, 403]),
    ("admin progress delete",     post("admin:tracker_progressupdate_delete", "progress_pk", {"post": "yes"}),
                                                                                      [403, 403, 403, 403, 403]),
    ("admin attachment delete",   post("admin:tracker_attachment_delete", "attachment_pk", {"post": "yes"}),
                                                                                      [403, 403, 403, 403, 403]),
    ("admin extension delete",    post("admin:tracker_extensionrequest_delete", "extension_pk", {"post": "yes"}),
                                                                                      [403, 403, 403, 403, 403]),
    ("admin transition change",   post("admin:tracker_tasktransition_change", "transition_pk",
                                       {"action": "close", "from_status": "closing", "to_status": "closed"}),
                                                                                      [403, 403, 403, 403, 403]),
    ("admin transition add",      get("admin:tracker_tasktransition_add"),            [403, 403, 403, 403, 403]),
    ("admin progress list",       get("admin:tracker_progressupdate_changelist"),     ["200+", "200+", "200+", "200-", "200+"]),
    ("admin progress history",    get("admin:tracker_progressupdate_history", "progress_pk"), [200, 200, 200, 404, 200]),
    ("admin attachment",          get("admin:tracker_attachment_change", "attachment_pk"), [200, 200, 200, 302, 200]),
    ("task list page",            get("tracker:task_list"),                           ["200+", "200+", "200+", "200-", "200+"]),
    ("task page",                 get("tracker:task_detail", "pk"),                   [200, 200, 200, 404, 200]),
    ("history page",              get("tracker:task_history", "pk"),                  [200, 200, 200, 404, 200]),
    ("attachment download",       get("tracker:attachment_download", "attachment_pk"), [200, 200, 200, 404, 200]),
    ("transition POST 签收",       transition_post("accept"),                          [403, 403, 302, 404, 403]),
    ("transition POST 中止",       transition_post("suspend"),                         [302, 403, 403, 404, 302]),
    # 退回（不属于本单位）: only the lead department's officer, before signing; 转办: supervisors only.
    ("transition POST 退回不属本单位", transition_post("decline"),                      [403, 403, 302, 404, 403]),
    ("transition POST 转办",       reassign_post,                                      [302, 403, 403, 404, 302]),
    ("progress POST",             progress_post,                                      [302, 403, 302, 404, 302]),
    # Only the lead unit's officer breaks a task down; supervisors assign in the admin.
    ("subtask POST 分解下达",       subtask_post,                                       [403, 403, 302, 404, 403]),
    ("dashboard",                 get("tracker:dashboard"),                           [200, 200, 200, 200, 200]),
    ("chase POST 催办",            post("tracker:task_chase", "pk", {"message": "请抓紧"}), [302, 403, 403, 404, 302]),
    ("instruction POST 批示",      post("tracker:instruction_add", "pk", {"kind": "instruction", "content": "按期完成"}),
                                                                                      [302, 302, 403, 404, 302]),
    ("comment POST 留言",          post("tracker:instruction_add", "pk", {"kind": "comment", "content": "收到"}),
                                                                                      [302, 302, 302, 404, 302]),
    ("extension POST 延期申请",     extension_post,                                     [403, 403, 302, 404, 403]),
    ("extension decide POST",     post("tracker:extension_decide", "extension_pk", {"decision": "approve"}),
                                                                                      [302, 403, 403, 404, 302]),
    ("ledger export",             ledger_export,                                      ["200+", "200+", "200+", "200-", "200+"]),
    ("ledger import page",        get("tracker:ledger_import"),                       [200, 403, 200, 200, 200]),
    # The filter's 来源讲话 offers the task's speech to those who see the task.
    ("task list speech choices",  speech_choices("tracker:task_list"),                ["200+", "200+", "200+", "200-", "200+"]),
    ("dashboard speech choices",  speech_choices("tracker:dashboard"),                ["200+", "200+", "200+", "200-", "200+"]),
    # A 催办 of the task and of a task of B: B's officer reads it, but not the task.
    ("admin chase view",          get("admin:tracker_chase_change", "chase_pk"),      ["200+", "200+", "200+", "200-", "200+"]),
    # A's daily digest also names a task B helps on: it stays A's.
    ("admin reminder view",       get("admin:tracker_chase_change", "reminder_pk"),   ["200+", "200+", "200+", 302, "200+"]),
    # Accounts (tracker.permissions.can_manage_account): a supervisor manages officers' accounts, not
    # their own, a leader's or another supervisor's; only superusers manage those; nobody else any.
    ("account list",              get("admin:tracker_user_changelist"),               [200, 403, 403, 403, 200]),
    ("account add",               get("admin:tracker_user_add"),                      [200, 403, 403, 403, 200]),
    ("officer's account",         get("admin:tracker_user_change", "officer_account"), [200, 403, 403, 403, 200]),
    ("officer's password POST",   password_post("officer_account"),                   [302, 403, 403, 403, 302]),
    ("leader's account",          get("admin:tracker_user_change", "leader_account"), [403, 403, 403, 403, 200]),
    ("leader's password POST",    password_post("leader_account"),                    [403, 403, 403, 403, 302]),
    ("supervisor's account",      get("admin:tracker_user_change", "supervisor_account"), [403, 403, 403, 403, 200]),
    ("supervisor's password POST", password_post("supervisor_account"),               [403, 403, 403, 403, 302]),
    ("account delete",            get("admin:tracker_user_delete", "officer_account"), [403, 403, 403, 403, 200]),
    ("paper 分解表 of a speech",   paper("tracker:paper_speech_breakdown", "speech_pk"), ["200+", "200+", "200+", 404, "200+"]),
    ("paper 分解表 of the list",   paper("tracker:paper_breakdown"),                   ["200+", "200+", "200+", "200-", "200+"]),
    ("paper 通知单 of a task",     paper("tracker:paper_task_notice", "pk"),           [200, 200, 200, 404, 200]),
    # B's officer gets A's notices only for the task B helps on, never the others.
    ("paper 通知单 of a department", paper("tracker:paper_notices", lead_department="department_pk"),
                                                                                      ["200+", "200+", "200+", "200-", "200+"]),
    ("paper 督办通报",             get("tracker:paper_bulletin"),                      [200, 200, 403, 403, 200]),
    # The 待办 page lists the task to those who have it to do: the supervisor (a pending extension),
    # the leader (not red, not closing: nothing awaits him), A's officer (a notice), B's officer nothing.
    ("home 待办",                  get("tracker:home"),                                ["200-", "200-", "200+", "200-", "200-"]),
    # A notice is its recipient's own (A's officer): anybody else's request is a 404 and changes nothing.
    ("notice 标为已读 POST",        post("tracker:notice_read", "notice_pk", {}),       [404, 404, 302, 404, 404]),
    ("notice open",               get("tracker:notice_open", "notice_pk"),            [404, 404, 302, 404, 404]),
    # A large export (导出任务) is its requester's alone (A's officer here): it lists the tasks as they see them.
    ("export job page",           get("tracker:export_job", "export_job_pk"),         [404, 404, 200, 404, 404]),
    ("export job download",       get("tracker:export_job_download", "export_job_pk"), [404, 404, 200, 404, 404]),
]


@pytest.fixture
def world(supervisor, leader, officer_a, officer_b, superuser, departments, make_task, media_root):
    deadline = timezone.localdate() + timedelta(days=30)
    speech = Speech.objects.create(title="全县秋季开学工作会议讲话", meeting="秋季开学工作会议", text="……",
                                   uploaded_by=supervisor)
    task = make_task(title="完成校舍安全排查", lead_department=departments["a"], co_departments=[departments["c"]],
                     deadline=deadline, speech=speech)
    other = make_task(title="另一项任务", lead_department=departments["a"], deadline=deadline)
    pending = extensions.extension_request_create(task=other, requested_by=officer_a, reason="需协调",
                                                  new_deadline=deadline + timedelta(days=5))
    update = services.progress_report(task=task, reported_by=officer_a, date=date(2024, 9, 1), content="已启动",
                                      percent=10, files=[SimpleUploadedFile("说明.txt", "排查方案".encode())])
    task.refresh_from_db()
    attachment = Attachment.objects.get(progress_update=update)
    theirs = make_task(title="财政局的任务", lead_department=departments["b"], deadline=deadline)
    shared = make_task(title="财政局配合的任务", lead_department=departments["a"], co_departments=[departments["b"]],
                       deadline=deadline)
    chase = Chase.objects.create(message="请两单位抓紧", sent_by=supervisor)
    chase.tasks.set([task, theirs])
    chase.recipients.set([officer_a, officer_b])
    reminder = Chase.objects.create(kind=Chase.Kind.REMINDER, message=f"{departments['a'].name}到期提醒")
    reminder.tasks.set([task, shared])
    reminder.recipients.set([officer_a])
    officer_c = make_user("officer_c", "部门填报员", departments["c"])
    export_job = ExportJob(requested_by=officer_a, state=ExportJob.State.DONE, total=1, filename="督办台账.xlsx")
    export_job.file.save("ledger.xlsx", ContentFile(b"PK"), save=False)
    export_job.save()
    services.task_transition(task=other, action="accept", by=officer_a)
    return {
        "task": task, "pk": task.pk, "history_id": task.history.first().history_id,
        "transition_pk": other.transitions.get().pk, "officer_account": officer_c.pk, "leader_account": leader.pk, "supervisor_account": supervisor.pk,
        "progress_pk": update.pk, "attachment_pk": attachment.pk, "extension_pk": pending.pk,
        "chase_pk": chase.pk, "reminder_pk": reminder.pk, "export_job_pk": export_job.pk,
        "speech_pk": speech.pk, "department_pk": departments["a"].pk, "co_department_pk": departments["c"].pk,
        "other_department_pk": departments["b"].pk, "officer_co": officer_c,
        "notice_pk": Notice.objects.filter(recipient=officer_a, task=task).first().pk,
        "users": {"supervisor": supervisor, "leader": leader, "officer_own": officer_a, "officer_other": officer_b,
                  "superuser": superuser},
    }


@pytest.mark.parametrize("view,request_,expected", MATRIX, ids=[row[0] for row in MATRIX])
@pytest.mark.parametrize("persona", PERSONAS)
def test_permission_matrix(client, world, persona, view, request_, expected):
    client.force_login(world["users"][persona])
    before = trail()
    response = request_(client, world)
    want = expected[PERSONAS.index(persona)]
    if isinstance(want, str):
        assert response.status_code == 200
        listed = world["task"].serial in response.content.decode()
        assert listed == (want == "200+"), f"{view}: {persona} {'should' if want == '200+' else 'must not'} see the task"
    else:
        assert response.status_code == want, f"{view}: {persona}"
    if response.status_code in (403, 404):
        # A refusal changes nothing.
        assert trail() == before


def trail():
    """What a refused request must leave as it was: tasks, progress, supervision records and accounts."""
    return (
        list(Task.objects.order_by("pk").values_list("title", "status", "version", "deadline")),
        ProgressUpdate.objects.count(), Instruction.objects.count(), Chase.objects.count(),
        list(ExtensionRequest.objects.order_by("pk").values_list("status", "new_deadline")),
        list(TaskTransition.objects.order_by("pk").values_list("action", "from_status", "to_status")),
        Attachment.objects.count(),
        list(Notice.objects.order_by("pk").values_list("recipient", "read_at")),
        list(User.objects.order_by("pk").values_list("password", "is_superuser", "is_staff", "is_active",
                                                     "department")),
    )


def test_matrix_covers_every_task_page_url():
    """A new product URL must get a row here before it ships."""
    from tracker import urls

    covered = {"task_list", "task_detail", "task_history", "progress_add", "task_transition", "attachment_download",
               "dashboard", "task_chase", "instruction_add", "extension_request", "extension_decide",
               "export_tasks", "export_job", "export_job_download", "ledger_import",
               "paper_speech_breakdown", "paper_breakdown", "paper_task_notice", "paper_notices", "paper_bulletin",
               "home", "notice_read", "notice_open", "subtask_add"}
    assert {pattern.name for pattern in urls.urlpatterns} <= covered


@pytest.mark.parametrize("request_", [transition_post("decline"), reassign_post], ids=["退回不属本单位", "转办"])
def test_new_steps_refused_to_co_department_and_anonymous(client, world, request_):
    """A co-department sees the task but may neither refuse it for the lead nor transfer it; a visitor logs in first."""
    before = trail()
    client.force_login(world["officer_co"])
    assert request_(client, world).status_code == 403
    client.logout()
    response = request_(client, world)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    assert trail() == before


def test_anonymous_visitor_is_sent_to_login(client, world):
    for name, args in [("tracker:task_list", []), ("tracker:task_detail", [world["pk"]]),
                       ("tracker:attachment_download", [world["attachment_pk"]])]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_officer_redirected_from_another_departments_admin_page_learns_nothing(client, world):
    client.force_login(world["users"]["officer_other"])
    response = client.get(reverse("admin:tracker_task_change", args=[world["pk"]]), follow=True)
    assert world["task"].title not in response.content.decode()


def test_chases_are_scoped_like_their_tasks(client, world, departments, make_task):
    from tracker.models import Chase

    theirs = make_task(title="财政局的任务", lead_department=departments["b"])
    chase = Chase.objects.create(message="请财政局尽快报送", sent_by=world["users"]["supervisor"])
    chase.tasks.add(theirs)
    client.force_login(world["users"]["officer_own"])
    assert "请财政局尽快报送" not in client.get(reverse("admin:tracker_chase_changelist")).content.decode()
    assert client.get(reverse("admin:tracker_chase_change", args=[chase.pk])).status_code == 302
    client.force_login(world["users"]["officer_other"])
    assert "请财政局尽快报送" in client.get(reverse("admin:tracker_chase_changelist")).content.decode()


# --- Scope follows the tree -------------------------------------------------------------------
# 县教育局 → 甲镇中心学校 (the officer's unit) → 甲镇一小 → 甲镇一小新村教学点; 县教育局 → 乙镇中心学校.
# Each column is a task led by that unit; each cell what the 甲镇中心学校 officer gets.
TREE_UNITS = ["own", "child", "grandchild", "sibling", "parent"]
TREE_MATRIX = [
    # view                  request                                        own    child  grandchild sibling parent
    ("task page",           get("tracker:task_detail", "pk"),              [200, 200, 200, 404, 404]),
    ("task list page",      get("tracker:task_list"),                      ["200+", "200+", "200+", "200-", "200-"]),
    ("history page",        get("tracker:task_history", "pk"),             [200, 200, 200, 404, 404]),
    ("ledger export",       ledger_export,                                 ["200+", "200+", "200+", "200-", "200-"]),
    ("paper 通知单 of a task", paper("tracker:paper_task_notice", "pk"),   [200, 200, 200, 404, 404]),
    # Each unit does its own part: the officer above sees a school's task but neither accepts it nor reports on it.
    ("transition POST 签收", transition_post("accept"),                    [302, 403, 403, 404, 404]),
    ("progress POST",       progress_post,                                 [302, 403, 403, 404, 404]),
    ("comment POST 留言",    post("tracker:instruction_add", "pk", {"kind": "comment", "content": "收到"}),
                                                                           [302, 302, 302, 404, 404]),
    ("extension POST 延期申请", extension_post,                              [302, 403, 403, 404, 404]),
]


@pytest.fixture
def tree_world(make_task):
    from tracker.models import Department

    top = Department.objects.create(name="县教育局")
    own = Department.objects.create(name="甲镇中心学校", parent=top)
    child = Department.objects.create(name="甲镇一小", parent=own)
    units = {"own": own, "child": child, "grandchild": Department.objects.create(name="甲镇一小新村教学点", parent=child),
             "sibling": Department.objects.create(name="乙镇中心学校", parent=top), "parent": top}
    deadline = timezone.localdate() + timedelta(days=30)
    tasks = {key: make_task(title=f"{unit.name}牵头的任务", lead_department=unit, deadline=deadline)
             for key, unit in units.items()}
    return {"units": units, "tasks": tasks, "officer": make_user("zhongxin", "部门填报员", own)}


@pytest.mark.parametrize("view,request_,expected", TREE_MATRIX, ids=[row[0] for row in TREE_MATRIX])
@pytest.mark.parametrize("unit", TREE_UNITS)
def test_tree_scope_matrix(client, tree_world, unit, view, request_, expected, media_root):
    task = tree_world["tasks"][unit]
    client.force_login(tree_world["officer"])
    before = trail()
    response = request_(client, {"task": task, "pk": task.pk})
    want = expected[TREE_UNITS.index(unit)]
    if isinstance(want, str):
        assert response.status_code == 200
        assert (task.serial in response.content.decode()) == (want == "200+"), f"{view}: {unit}"
    else:
        assert response.status_code == want, f"{view}: {unit}"
    if response.status_code in (403, 404):
        assert trail() == before


def test_the_visibility_q_and_can_view_task_agree_over_the_matrix(world, tree_world, make_task, departments):
    """One rule, two forms: the Q every list uses and the check for one task never disagree."""
    from tracker import permissions

    units = tree_world["units"]
    for key, unit in units.items():  # each unit as a co-department too
        make_task(title=f"{unit.name}配合的任务", lead_department=departments["b"], co_departments=[unit])
    people = [*world["users"].values(), tree_world["officer"],
              *(make_user(f"officer_{key}", "部门填报员", unit) for key, unit in units.items() if key != "own"),
              make_user("nobody", None)]
    prefetched = list(Task.objects.prefetch_related("co_departments"))
    for person in people:
        person = User.objects.get(pk=person.pk)  # as a request loads them: nothing cached
        by_q = set(Task.objects.filter(permissions.task_visibility_q(person)).values_list("pk", flat=True))
        one_by_one = {task.pk for task in prefetched if permissions.can_view_task(person, task)}
        unprefetched = {task.pk for task in Task.objects.all() if permissions.can_view_task(person, task)}
        assert by_q == one_by_one == unprefetched, person.username
