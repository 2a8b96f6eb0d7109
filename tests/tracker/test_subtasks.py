"""The organisation as a tree and tasks broken into sub-tasks (分解下达).

Scope follows the tree: an officer sees their unit's tasks and those of every unit under
it, never a sibling's or a parent unit's. A sub-task is its unit's own part: its lead
unit's officer accepts it, reports on it and asks to close it; the parent asks to close
only when every part is closed or suspended. Bad input (a cycle, a late deadline, a unit
outside the lead's subtree) gets a Chinese message and saves nothing.
"""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.conftest import make_user
from tracker import permissions, rollup, services, tree
from tracker.models import Department, Task

pytestmark = pytest.mark.django_db


@pytest.fixture
def units(db):
    """县教育局 → 甲镇中心学校 → 甲镇一小 → 甲镇一小新村教学点; 甲镇中心学校 → 甲镇二小; 县教育局 → 乙镇中心学校."""
    top = Department.objects.create(name="县教育局")
    mid = Department.objects.create(name="甲镇中心学校", parent=top)
    child = Department.objects.create(name="甲镇一小", parent=mid, order=1)
    child2 = Department.objects.create(name="甲镇二小", parent=mid, order=2)
    grandchild = Department.objects.create(name="甲镇一小新村教学点", parent=child)
    sibling = Department.objects.create(name="乙镇中心学校", parent=top)
    return {"parent": top, "own": mid, "child": child, "child2": child2, "grandchild": grandchild,
            "sibling": sibling}


@pytest.fixture
def officers(units):
    return {key: make_user(f"officer_{key}", "部门填报员", dept) for key, dept in units.items()}


@pytest.fixture
def tasks(units, make_task):
    deadline = timezone.localdate() + timedelta(days=30)
    return {key: make_task(title=f"{dept.name}的任务", lead_department=dept, deadline=deadline)
            for key, dept in units.items()}


def fresh(user):
    """The user as a new request loads them (no cached roles or units)."""
    return type(user).objects.get(pk=user.pk)


# --- the tree -------------------------------------------------------------------------


def test_subtree_is_the_unit_and_everything_under_it(units):
    ids = {key: dept.pk for key, dept in units.items()}
    assert tree.subtree_ids(ids["own"]) == {ids["own"], ids["child"], ids["child2"], ids["grandchild"]}
    assert tree.subtree_ids(ids["grandchild"]) == {ids["grandchild"]}
    assert tree.below_ids(ids["parent"]) == set(ids.values()) - {ids["parent"]}
    assert tree.subtree_ids(None) == frozenset()


def test_subtree_is_one_query(units, django_assert_num_queries):
    with django_assert_num_queries(1):
        tree.subtree_ids(units["parent"].pk)


def test_tree_order_puts_each_unit_before_the_units_under_it(units):
    order = tree.tree_order(list(Department.objects.order_by("-name")))
    assert [(depth, d.name) for depth, d in order] == [
        (0, "县教育局"), (1, "乙镇中心学校"), (1, "甲镇中心学校"), (2, "甲镇一小"), (3, "甲镇一小新村教学点"),
        (2, "甲镇二小"),
    ]


@pytest.mark.parametrize("new_parent", ["own", "child", "grandchild"])
def test_a_cycle_in_the_tree_is_refused_in_chinese(units, new_parent):
    own = units["own"]
    own.parent = units[new_parent]
    with pytest.raises(ValidationError) as error:
        own.full_clean()
    assert "循环" in error.value.message_dict["parent"][0]
    assert Department.objects.get(pk=own.pk).parent_id == units["parent"].pk


def test_the_admin_refuses_a_cycle_and_saves_nothing(client, units):
    root = make_user("root2", None)
    root.is_superuser = True
    root.save()
    client.force_login(root)
    top = units["parent"]
    response = client.post(reverse("admin:tracker_department_change", args=[top.pk]), {
        "name": top.name, "short_name": "", "aliases": "", "is_active": "on", "order": "0",
        "parent": units["grandchild"].pk, "webhook_url": "",
    })
    assert response.status_code == 200
    assert "循环" in response.content.decode()
    assert Department.objects.get(pk=top.pk).parent_id is None


def test_the_admin_lists_units_as_a_tree(client, units, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("admin:tracker_department_changelist")).content.decode()
    assert page.index("县教育局") < page.index("甲镇中心学校") < page.index("甲镇一小") < page.index("甲镇一小新村教学点")
    assert "└" in page


# --- scope follows the tree ------------------------------------------------------------

# The 甲镇中心学校 officer's view of tasks led by each unit.
SCOPE = [("own", True), ("child", True), ("grandchild", True), ("sibling", False), ("parent", False),
         ("child2", True)]


@pytest.mark.parametrize("lead,visible", SCOPE)
def test_an_officer_sees_their_unit_and_the_units_under_it(client, officers, tasks, lead, visible):
    officer = officers["own"]
    task = tasks[lead]
    assert (task in Task.objects.filter(permissions.task_visibility_q(fresh(officer)))) is visible
    assert permissions.can_view_task(fresh(officer), task) is visible
    client.force_login(officer)
    assert client.get(reverse("tracker:task_detail", args=[task.pk])).status_code == (200 if visible else 404)
    listed = client.get(reverse("tracker:task_list")).content.decode()
    assert (task.serial in listed) is visible


@pytest.mark.parametrize("co_unit,visible", SCOPE)
def test_a_co_department_anywhere_in_the_subtree_shows_the_task(officers, units, make_task, co_unit, visible):
    outside = Department.objects.create(name="县财政局")
    task = make_task(lead_department=outside, co_departments=[units[co_unit]])
    assert permissions.can_view_task(fresh(officers["own"]), task) is visible


# test_permission_matrix.py checks the Q and can_view_task agree over its matrix and the tree.


def test_the_visibility_q_returns_no_task_twice(officers, units, make_task):
    task = make_task(lead_department=units["own"], co_departments=[units["child"], units["grandchild"]])
    visible = Task.objects.filter(permissions.task_visibility_q(fresh(officers["own"])))
    assert list(visible.values_list("pk", flat=True)).count(task.pk) == 1


# --- breaking a task down ----------------------------------------------------------------


@pytest.fixture
def parent_task(tasks, officers):
    task = tasks["own"]
    services.task_transition(task=task, action="accept", by=officers["own"])
    return task


def breakdown(task, officer, unit, **fields):
    fields.setdefault("title", f"{unit.name}落实")
    fields.setdefault("deadline", task.deadline)
    return services.subtask_create(parent=task, created_by=officer, lead_department=unit, **fields)


def test_a_sub_task_has_its_own_serial_lead_deadline_and_status(parent_task, officers, units):
    first = breakdown(parent_task, officers["own"], units["child"], deadline=parent_task.deadline - timedelta(days=5))
    second = breakdown(parent_task, officers["own"], units["grandchild"])
    assert first.serial == f"{parent_task.serial}-01" and second.serial == f"{parent_task.serial}-02"
    assert first.parent_id == parent_task.pk and first.lead_department == units["child"]
    assert first.status == Task.Status.PENDING and first.progress == 0
    assert first.deadline == parent_task.deadline - timedelta(days=5)
    assert first.created_by == officers["own"]
    # The school's officer is told, as for any assigned task.
    assert officers["child"].notices.filter(task=first).exists()


@pytest.mark.parametrize("unit,message", [
    ("own", "不是本任务牵头单位的下级单位"),
    ("sibling", "不是本任务牵头单位的下级单位"),
    ("parent", "不是本任务牵头单位的下级单位"),
])
def test_a_unit_outside_the_lead_units_subtree_is_refused(parent_task, officers, units, unit, message):
    with pytest.raises(ValidationError) as error:
        breakdown(parent_task, officers["own"], units[unit])
    assert message in error.value.messages[0]
    assert not parent_task.children.exists()


def test_a_co_department_may_be_given_its_part(units, officers, make_task):
    outside = Department.objects.create(name="县财政局")
    task = make_task(lead_department=units["own"], co_departments=[outside],
                     deadline=timezone.localdate() + timedelta(days=9))
    child = breakdown(task, officers["own"], outside)
    assert child.lead_department == outside


def test_a_sub_task_due_after_its_parent_is_refused(parent_task, officers, units):
    with pytest.raises(ValidationError) as error:
        breakdown(parent_task, officers["own"], units["child"], deadline=parent_task.deadline + timedelta(days=1))
    assert "不能晚于上级任务的完成时限" in error.value.messages[0]
    assert not parent_task.children.exists()


@pytest.mark.parametrize("who", ["child", "sibling", "parent"])
def test_only_the_lead_units_officer_breaks_down(parent_task, officers, units, who, supervisor):
    for person in (officers[who], supervisor):
        with pytest.raises(PermissionDenied):
            breakdown(parent_task, person, units["child"])
    assert not parent_task.children.exists()


def test_a_task_awaiting_its_closing_decision_is_not_broken_down(parent_task, officers, units):
    services.task_transition(task=parent_task, action="request_close", by=officers["own"], reason="已完成")
    with pytest.raises(ValidationError) as error:
        breakdown(parent_task, officers["own"], units["child"])
    assert "不能再分解下达" in error.value.messages[0]


def test_a_double_click_makes_one_sub_task(parent_task, officers, units):
    first = breakdown(parent_task, officers["own"], units["child"])
    again = breakdown(parent_task, officers["own"], units["child"])
    assert again.pk == first.pk and again.repeated
    assert parent_task.children.count() == 1


def test_a_supervisor_may_not_move_a_sub_task_past_its_parent_nor_the_parent_before_it(parent_task, officers,
                                                                                     units, supervisor):
    child = breakdown(parent_task, officers["own"], units["child"])
    child.deadline = parent_task.deadline + timedelta(days=3)
    with pytest.raises(ValidationError) as error:
        services.task_update(task=child, expected_version=child.version, changed_by=supervisor)
    assert "不能晚于上级任务" in str(error.value)
    parent = Task.objects.get(pk=parent_task.pk)
    parent.deadline = parent_task.deadline - timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        services.task_update(task=parent, expected_version=parent.version, changed_by=supervisor)
    assert "不能早于其子任务" in str(error.value)
    assert Task.objects.get(pk=child.pk).deadline == parent_task.deadline


def test_a_sub_task_cannot_ask_for_an_extension_past_its_parent(parent_task, officers, units):
    from tracker.supervision import extensions

    child = breakdown(parent_task, officers["own"], units["child"], deadline=parent_task.deadline - timedelta(days=9))
    with pytest.raises(ValidationError) as error:
        extensions.extension_request_create(task=child, requested_by=officers["child"], reason="等待",
                                            new_deadline=parent_task.deadline + timedelta(days=1))
    assert "不能晚于上级任务" in error.value.messages[0]


# --- each unit does its own part ------------------------------------------------------------


def test_a_sub_tasks_steps_belong_to_its_own_units_officer(parent_task, officers, units, today):
    child = breakdown(parent_task, officers["own"], units["child"])
    # The 中心学校 officer sees the school's part but neither accepts nor reports on it.
    assert permissions.can_view_task(fresh(officers["own"]), child)
    with pytest.raises(PermissionDenied):
        services.task_transition(task=child, action="accept", by=fresh(officers["own"]))
    with pytest.raises(PermissionDenied):
        services.progress_report(task=child, reported_by=fresh(officers["own"]), date=today, content="代报",
                                 percent=50)
    services.task_transition(task=child, action="accept", by=officers["child"])
    services.progress_report(task=child, reported_by=officers["child"], date=today, content="已完成一半", percent=50)
    assert Task.objects.get(pk=child.pk).progress == 50


# --- roll-up and the close rule -----------------------------------------------------------


@pytest.mark.parametrize("children,expected", [
    ([], None),
    ([("in_progress", 40), ("pending", 0)], 20),
    ([("closed", 60), ("in_progress", 50)], 75),  # closed counts 100
    ([("suspended", 10), ("in_progress", 30)], 30),  # suspended is left out
    ([("suspended", 10)], None),
    ([("closing", 90), ("in_progress", 33), ("in_progress", 34)], 52),
])
def test_rolled_up_progress(children, expected):
    assert rollup.rolled_up_progress(children) == expected


def test_open_children_and_the_close_refusal():
    assert rollup.open_children([("closed", 100), ("suspended", 0), ("closing", 90), ("pending", 0)]) == 2
    assert rollup.close_refusal(0) == ""
    assert "还有 2 项子任务未办结" in rollup.close_refusal(2)


def test_the_parent_asks_to_close_only_when_every_child_is_closed_or_suspended(parent_task, officers, units,
                                                                               supervisor, today):
    first = breakdown(parent_task, officers["own"], units["child"])
    second = breakdown(parent_task, officers["own"], units["child2"])
    with pytest.raises(ValidationError) as error:
        services.task_transition(task=parent_task, action="request_close", by=officers["own"], reason="已完成")
    assert "还有 2 项子任务未办结" in error.value.messages[0]
    assert "request_close" not in [t.action for t in permissions.available_transitions(officers["own"], parent_task)]
    services.task_transition(task=first, action="accept", by=officers["child"])
    services.task_transition(task=first, action="request_close", by=officers["child"], reason="已完成")
    services.task_transition(task=first, action="close", by=supervisor)
    # A child awaiting 销号 still holds the parent open.
    with pytest.raises(ValidationError):
        services.task_transition(task=parent_task, action="request_close", by=officers["own"], reason="已完成")
    services.task_transition(task=second, action="suspend", by=supervisor, reason="撤并")
    services.task_transition(task=parent_task, action="request_close", by=officers["own"], reason="已完成")
    assert Task.objects.get(pk=parent_task.pk).status == Task.Status.CLOSING
    assert Task.objects.get(pk=parent_task.pk).transitions.count() == 2


def test_suspending_a_task_suspends_its_open_sub_tasks_at_every_depth(parent_task, officers, units, supervisor):
    from tracker.models import Notice

    done = breakdown(parent_task, officers["own"], units["child2"])
    services.task_transition(task=done, action="accept", by=officers["child2"])
    services.task_transition(task=done, action="request_close", by=officers["child2"], reason="已完成")
    services.task_transition(task=done, action="close", by=supervisor)
    working = breakdown(parent_task, officers["own"], units["child"])
    services.task_transition(task=working, action="accept", by=officers["child"])
    deeper = breakdown(working, officers["child"], units["grandchild"])

    services.task_transition(task=parent_task, action="suspend", by=supervisor, reason="工作调整")

    statuses = dict(Task.objects.filter(parent__isnull=False).values_list("pk", "status"))
    assert statuses == {done.pk: Task.Status.CLOSED, working.pk: Task.Status.SUSPENDED,
                        deeper.pk: Task.Status.SUSPENDED}
    step = Task.objects.get(pk=deeper.pk).transitions.get()
    assert (step.action, step.by, step.from_status) == ("suspend", supervisor, Task.Status.PENDING)
    assert step.reason == f"上级任务{parent_task.serial}已中止：工作调整"
    told = Notice.objects.filter(kind=Notice.Kind.SUSPENDED)
    assert {(n.recipient, n.task_id) for n in told} == {
        (officers["own"], parent_task.pk), (officers["child"], working.pk), (officers["grandchild"], deeper.pk)}
    assert not Task.objects.get(pk=deeper.pk).report_due  # nothing more is owed
    # the parent's unit may no longer break the suspended task down
    with pytest.raises((PermissionDenied, ValidationError)):
        breakdown(Task.objects.get(pk=parent_task.pk), officers["own"], units["child"])


def test_the_suspend_form_says_the_open_sub_tasks_go_with_it(client, tasks, officers, units, supervisor):
    pending = tasks["own"]  # broken down before it was signed for
    part = breakdown(pending, officers["own"], units["child"])
    breakdown(pending, officers["own"], units["child2"])
    client.force_login(supervisor)
    page = client.get(reverse("tracker:task_detail", args=[pending.pk])).content.decode()
    assert "其下 2 项未办结的子任务将一并中止" in page
    breakdown(part, officers["child"], units["grandchild"])  # a part of a part goes too, and is counted
    page = client.get(reverse("tracker:task_detail", args=[pending.pk])).content.decode()
    assert "其下 3 项未办结的子任务将一并中止" in page


def test_a_refused_suspension_suspends_no_sub_task(parent_task, officers, units, supervisor):
    child = breakdown(parent_task, officers["own"], units["child"])
    with pytest.raises(ValidationError):
        services.task_transition(task=parent_task, action="suspend", by=supervisor, reason="  ")
    assert Task.objects.get(pk=child.pk).status == Task.Status.PENDING


def test_the_parents_page_shows_its_children_and_the_roll_up(client, parent_task, officers, units, today):
    first = breakdown(parent_task, officers["own"], units["child"])
    second = breakdown(parent_task, officers["own"], units["child2"])
    services.task_transition(task=first, action="accept", by=officers["child"])
    services.progress_report(task=first, reported_by=officers["child"], date=today, content="完成六成", percent=60)
    client.force_login(officers["own"])
    page = client.get(reverse("tracker:task_detail", args=[parent_task.pk])).content.decode()
    assert first.serial in page and second.serial in page
    assert "子任务总体进度：<strong>30%</strong>" in page
    assert "还有 2 项子任务未办结" in page
    # The school sees its own part and the parent's name, without a link to a task it may not open.
    client.force_login(officers["child"])
    page = client.get(reverse("tracker:task_detail", args=[first.pk])).content.decode()
    assert parent_task.title in page
    assert reverse("tracker:task_detail", args=[parent_task.pk]) not in page
    # 甲镇一小 has a unit under it, so it may break its part down again; 甲镇二小 has none.
    assert 'id="subtask-form"' in page
    client.force_login(officers["child2"])
    page = client.get(reverse("tracker:task_detail", args=[second.pk])).content.decode()
    assert 'id="subtask-form"' not in page


def test_the_breakdown_form_lists_only_units_under_the_lead(client, parent_task, officers, units):
    client.force_login(officers["own"])
    page = client.get(reverse("tracker:task_detail", args=[parent_task.pk])).content.decode()
    form = page[page.index('id="subtask-form"'):]
    form = form[:form.index("</form>")]
    for key in ("child", "child2", "grandchild"):
        assert units[key].name in form
    for key in ("own", "sibling", "parent"):
        assert f">{units[key].name}<" not in form


def test_the_breakdown_page_refuses_bad_input_in_chinese_and_saves_nothing(client, parent_task, officers, units):
    client.force_login(officers["own"])
    url = reverse("tracker:subtask_add", args=[parent_task.pk])
    late = (parent_task.deadline + timedelta(days=1)).isoformat()
    for data, message in [
        ({"subtask-lead_department": units["sibling"].pk, "subtask-deadline": parent_task.deadline.isoformat()},
         "不是本任务牵头单位的下级单位"),
        ({"subtask-lead_department": units["child"].pk, "subtask-deadline": late}, "不能晚于上级任务的完成时限"),
        ({"subtask-lead_department": units["child"].pk, "subtask-deadline": ""}, "请填写子任务的完成时限"),
        ({"subtask-lead_department": "999999", "subtask-deadline": parent_task.deadline.isoformat()}, "请刷新页面"),
    ]:
        response = client.post(url, {"subtask-title": "落实", **data})
        assert response.status_code == 400
        assert message in response.content.decode()
    assert not parent_task.children.exists()
    response = client.post(url, {"subtask-title": "一小落实", "subtask-lead_department": units["child"].pk,
                                 "subtask-deadline": parent_task.deadline.isoformat()})
    assert response.status_code == 302
    assert parent_task.children.get().lead_department == units["child"]


@pytest.mark.parametrize("who,status", [("own", 302), ("child", 404), ("sibling", 404), ("parent", 403)])
def test_who_may_post_a_breakdown(client, parent_task, officers, units, who, status):
    client.force_login(officers[who])
    response = client.post(reverse("tracker:subtask_add", args=[parent_task.pk]), {
        "subtask-title": "落实", "subtask-lead_department": units["grandchild"].pk,
        "subtask-deadline": parent_task.deadline.isoformat()})
    assert response.status_code == status
    assert parent_task.children.exists() is (status == 302)


@pytest.fixture
def today():
    return timezone.localdate()


def test_the_ledger_lists_each_sub_task_once_right_after_its_parent(parent_task, officers, units, make_task,
                                                                  supervisor):
    from tracker import selectors
    from tracker.ledger import export

    first = breakdown(parent_task, officers["own"], units["child"])
    second = breakdown(parent_task, officers["own"], units["child2"])
    later = make_task(title="之后的任务", lead_department=units["own"])
    _, tasks = selectors.task_list_filtered(user=supervisor, params={})
    rows = [row for row in export.ledger_rows(tasks, group=export.GROUP_NONE)][1:]
    serials = [row[1] for row in rows]
    assert len(serials) == len(set(serials)) == Task.objects.count()
    at = serials.index(parent_task.serial)
    assert serials[at:at + 3] == [parent_task.serial, first.serial, second.serial]
    assert serials.index(later.serial) > at + 2
    contents = {row[1]: row[3] for row in rows}
    assert contents[first.serial].startswith(export.SUBTASK_MARK)
    assert not contents[parent_task.serial].startswith(export.SUBTASK_MARK)


def test_the_dashboard_counts_each_task_once(client, parent_task, officers, units, supervisor):
    from tracker.supervision.dashboard import dashboard_build

    breakdown(parent_task, officers["own"], units["child"])
    breakdown(parent_task, officers["own"], units["child2"])
    board = dashboard_build(user=supervisor, params={})
    assert board.total == Task.objects.count()
    officer = fresh(officers["own"])
    board = dashboard_build(user=officer, params={})
    led = {d.name: d.tasks for d in board.departments}
    # The 中心学校's table shows its own unit and the units under it, each task once, in its own unit's row.
    assert led == {"甲镇中心学校": 1, "甲镇一小": 2, "甲镇二小": 2, "甲镇一小新村教学点": 1}
    assert board.total == Task.objects.filter(permissions.task_visibility_q(officer)).count()


def test_a_chased_sub_task_is_on_its_schools_to_do_list_not_the_centres(parent_task, officers, units, supervisor):
    from tracker.supervision import chasing
    from tracker.supervision.home import home_page

    child = breakdown(parent_task, officers["own"], units["child"])
    chasing.chase_send(sent_by=supervisor, tasks=[child], message="请一小抓紧")

    def chased(user):
        block = next(b for b in home_page(user=fresh(user)).blocks if b.key == "chased")
        return [task.pk for task in block.tasks]

    assert chased(officers["child"]) == [child.pk]
    assert chased(officers["own"]) == []


def test_the_admin_refuses_a_sub_task_deadline_after_its_parents(client, parent_task, officers, units, supervisor):
    child = breakdown(parent_task, officers["own"], units["child"])
    client.force_login(supervisor)
    late = (parent_task.deadline + timedelta(days=3)).isoformat()
    response = client.post(reverse("admin:tracker_task_change", args=[child.pk]), {
        "title": child.title, "content": "", "category": child.category, "lead_department": units["child"].pk,
        "deadline": late, "note": "", "expected_version": child.version, "report_rule": "none",
        "progress_updates-TOTAL_FORMS": "0", "progress_updates-INITIAL_FORMS": "0",
    })
    assert response.status_code == 200
    page = response.content.decode()
    assert "不能晚于上级任务的完成时限" in page and parent_task.serial in page
    assert Task.objects.get(pk=child.pk).deadline == child.deadline


def test_serial_order_keeps_sub_tasks_under_their_parent_across_number_lengths(make_task, units):
    from tracker.ledger.export import serial_order

    serials = ["DB-2026-10000", "DB-2026-9999-02", "DB-2026-10000-01", "DB-2026-9999", "DB-2026-0002",
               "DB-2026-9999-01", "DB-2025-10001"]
    for serial in serials:
        Task.objects.filter(pk=make_task(lead_department=units["own"]).pk).update(serial=serial)
    ordered = list(Task.objects.filter(serial__in=serials).order_by(*serial_order()).values_list("serial", flat=True))
    assert ordered == ["DB-2025-10001", "DB-2026-0002", "DB-2026-9999", "DB-2026-9999-01", "DB-2026-9999-02",
                       "DB-2026-10000", "DB-2026-10000-01"]
