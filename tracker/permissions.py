"""Who may do what to which task: the one place that decides.

The admin, the pages and the exports all ask these functions; none of them
repeats a rule. Roles are the groups of ``tracker.roles``; a superuser counts
as a supervisor.
"""
from django.db.models import Q

from tracker import roles, workflow


def role_names(user):
    """Return the set of role group names of ``user`` (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        prefetched = getattr(user, "_prefetched_objects_cache", {}).get("groups")
        if prefetched is not None:  # an account in a list that prefetched its groups
            cached = frozenset(group.name for group in prefetched)
        else:
            cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_supervisor(user):
    return getattr(user, "is_authenticated", False) and (
        user.is_superuser or roles.SUPERVISOR in role_names(user)
    )


def is_leader(user):
    return not is_supervisor(user) and roles.LEADER in role_names(user)


def is_officer(user):
    return (
        not is_supervisor(user)
        and not is_leader(user)
        and roles.OFFICER in role_names(user)
        and user.department_id is not None
    )


def sees_everything(user):
    """Supervisors and leaders read every task."""
    return is_supervisor(user) or is_leader(user)


def officer_units(user):
    """Return the ids of the officer's unit and of every unit under it (cached on the user object).

    One recursive query per request (``tracker.tree``); a 中心学校's officer gets the
    中心学校 and its schools. Empty for anyone without a unit.
    """
    dept = getattr(user, "department_id", None)
    cached = getattr(user, "_unit_ids", None)
    # Kept with the unit it was read for: a user object given another unit reads its tree again.
    if cached is None or cached[0] != dept:
        from tracker import tree

        cached = user._unit_ids = (dept, tree.subtree_ids(dept))
    return cached[1]


def task_visibility_q(user, prefix=""):
    """Return a Q that keeps the tasks ``user`` may see (``prefix`` for related lookups).

    An officer sees the tasks led by, or assisted by, their unit or any unit under it
    (a 中心学校's officer sees its schools' sub-tasks), never a sibling's or a parent
    unit's other tasks. Written as ``pk IN (led UNION assisted)``: each half is one
    index lookup (task_dept_status_dates; the co-department table's department index),
    where ``lead IN … OR pk IN (…)`` made PostgreSQL read every task to test the OR.
    Neither half joins, so no task comes back twice.
    """
    if sees_everything(user):
        return Q()
    if is_officer(user):
        return units_tasks_q(officer_units(user), prefix)
    return Q(pk__in=[])


def units_tasks_q(units, prefix=""):
    """Return a Q that keeps the tasks led or assisted by any of ``units`` (department ids), each once."""
    from tracker.models import Task

    units = sorted(units)
    led = Task.objects.order_by().filter(lead_department_id__in=units).values("pk")
    assisted = Task.co_departments.through.objects.order_by().filter(department_id__in=units).values("task_id")
    return Q(**{f"{prefix}pk__in": led.union(assisted)})


def own_unit_tasks_q(user):
    """The tasks of the officer's own unit alone (lead or co-department), not of the units under it:
    what the officer has to do themselves (their 待办), as opposed to what they may read."""
    return units_tasks_q([user.department_id]) if is_officer(user) else Q(pk__in=[])


def _co_department_ids(task):
    """The task's co-department ids, from a prefetch where there is one (lists), else one query."""
    prefetched = getattr(task, "_prefetched_objects_cache", {}).get("co_departments")
    if prefetched is not None:
        return {d.pk for d in prefetched}
    return set(task.co_departments.values_list("pk", flat=True))


def can_view_task(user, task):
    """The same rule as ``task_visibility_q``, for one task in hand (the tests check both agree)."""
    if sees_everything(user):
        return True
    if is_officer(user):
        units = officer_units(user)
        if task.lead_department_id in units:
            return True
        return bool(_co_department_ids(task) & units)
    return False


def is_task_unit_officer(user, task):
    """An officer of the task's own lead or co-department (not of a unit above it)."""
    if not is_officer(user):
        return False
    return task.lead_department_id == user.department_id or user.department_id in _co_department_ids(task)


def can_edit_task(user, task=None):
    """Change title, content, assignment, deadline: supervisors only."""
    return is_supervisor(user)


def may_report_progress(user, task):
    """Officers of the lead or a co-department report progress; supervisors too (status aside).

    Each unit reports on its own part: the officer of a unit above (who sees a school's
    sub-task) reads the school's reports but does not write them.
    """
    if is_supervisor(user):
        return True
    return is_task_unit_officer(user, task)


def can_report_progress(user, task):
    """Progress is reported on open tasks by those ``may_report_progress`` names."""
    return task.is_open and may_report_progress(user, task)


def can_delete_task(user, task=None):
    """Nobody deletes a task, superusers included: it would erase its whole record (progress,
    transitions, files, chases, instructions, extension requests). A task that should not
    go on is 中止ed, with a reason, and keeps its record."""
    return False


def can_delete_department(user, department=None):
    """Nobody deletes a department: it would silently drop out of every task it assists
    (co-departments), rewriting their record. A department that is gone is retired (is_active)."""
    return False


def workflow_actor(user):
    """Describe ``user`` to the workflow table."""
    return workflow.Actor(
        is_supervisor=bool(is_supervisor(user)),
        is_officer=bool(is_officer(user)),
        department_id=getattr(user, "department_id", None),
    )


def workflow_task(task):
    return workflow.TaskFacts(status=task.status, lead_department_id=task.lead_department_id,
                              open_children=open_children_of(task))


def open_children_of(task):
    """How many sub-tasks of ``task`` are neither closed nor suspended (from a prefetch where there is one).

    Asked only where it matters, while the task may still move toward 办结.
    """
    from tracker import rollup

    if task.pk is None or task.status not in workflow.CLOSE_SOURCES:
        return 0
    prefetched = getattr(task, "_prefetched_objects_cache", {}).get("children")
    if prefetched is not None:
        return rollup.open_children((child.status, child.progress) for child in prefetched)
    return task.children.exclude(status__in=rollup.SETTLED).count()


def is_lead_officer_of(user, task):
    """An officer of ``task``'s own lead unit."""
    return is_officer(user) and task.lead_department_id is not None and task.lead_department_id == user.department_id


def can_break_down(user, task):
    """分解下达: the lead unit's officer splits an open task (not yet awaiting 销号) into sub-tasks
    for the units under it, or for the task's co-departments. Supervisors keep to their own
    tools (the admin); the sub-task is the unit's own to do."""
    return is_lead_officer_of(user, task) and task.status in workflow.BREAKDOWN_STATUSES


def transition_refusal(user, task, action, reason="", department_id=None):
    """Return the workflow's Refusal for ``user`` doing ``action`` to ``task``, or None.

    ``department_id``: the new lead department of a step that names one (转办).
    """
    if not can_view_task(user, task):
        return workflow.Refusal("role", "您无权处理此任务。")
    return workflow.check(action, actor=workflow_actor(user), task=workflow_task(task), reason=reason,
                          department_id=department_id)


def available_transitions(user, task):
    """Return the workflow transitions ``user`` may start on ``task`` now."""
    if not can_view_task(user, task):
        return []
    return workflow.available(actor=workflow_actor(user), task=workflow_task(task))


def can_import_ledger(user):
    """Who may upload a filled-in ledger: supervisors and department officers (not leaders)."""
    return is_supervisor(user) or is_officer(user)


def can_download_export(user, job):
    """A large export (导出任务) is its requester's alone: it holds the tasks as *they* may see them.

    Another user, supervisor or not, gets a 404 for it, as if it did not exist.
    """
    return bool(user.is_authenticated and user.is_active and job.requested_by_id == user.pk)


def can_import_speech(user):
    """Upload speeches, review their items and confirm them into tasks: supervisors only."""
    return is_supervisor(user)


# Supervision: chasing, extension requests, instructions, the dashboard.

def can_chase(user, task=None):
    """Chasing (催办) is the supervisors' job."""
    return is_supervisor(user)


def can_request_extension(user, task):
    """Officers of the lead department ask for a later deadline on an open task."""
    return (
        task.is_open
        and is_officer(user)
        and task.lead_department_id is not None
        and task.lead_department_id == user.department_id
    )


def can_decide_extension(user, task=None):
    """Only supervisors approve or refuse a request for a later deadline."""
    return is_supervisor(user)


def can_add_instruction(user, task):
    """Leaders and supervisors write instructions (批示)."""
    return is_supervisor(user) or (is_leader(user) and can_view_task(user, task))


def can_comment(user, task):
    """Whoever may see a task may leave a comment on it (officers, leaders, supervisors)."""
    return (is_supervisor(user) or is_leader(user) or is_officer(user)) and can_view_task(user, task)


def can_view_dashboard(user):
    """Every role has a dashboard; what it counts is scoped by task_visibility_q."""
    return is_supervisor(user) or is_leader(user) or is_officer(user)


def chase_visibility_q(user):
    """Return a Q that keeps the chase records (催办记录) ``user`` may read.

    Supervisors and leaders read them all. An officer reads a 催办 that names a task
    they may see, and a daily reminder only if it was their own department's digest:
    another department's digest is that department's list, even where it names a task
    the officer's department helps on. What a record shows of its tasks and recipients
    is narrowed again by ``task_visibility_q`` and ``recipient_visibility_q``.
    """
    if sees_everything(user):
        return Q()
    if is_officer(user):
        from tracker.models import Chase, Task

        visible = Task.objects.filter(task_visibility_q(user)).values("pk")
        naming = Chase.tasks.through.objects.filter(task_id__in=visible).values("chase_id")
        received = Chase.recipients.through.objects.filter(user__department_id=user.department_id).values("chase_id")
        return Q(kind=Chase.Kind.CHASE, pk__in=naming) | Q(kind=Chase.Kind.REMINDER, pk__in=received)
    return Q(pk__in=[])


def recipient_visibility_q(user):
    """Return a Q on users: whom ``user`` may read among a chase's recipients (an officer: their unit and those under it)."""
    if sees_everything(user):
        return Q()
    if is_officer(user):
        return Q(department_id__in=sorted(officer_units(user)))
    return Q(pk__in=[])


# Accounts: who manages whose account (the user admin asks these).

def is_officer_account(user):
    """An account with no more power than a 部门填报员: no superuser flag, no role but 部门填报员, no direct permission."""
    if user.is_superuser or not role_names(user) <= {roles.OFFICER}:
        return False
    prefetched = getattr(user, "_prefetched_objects_cache", {}).get("user_permissions")
    return not (prefetched if prefetched is not None else user.user_permissions.exists())


def can_manage_account(actor, target=None):
    """Superusers manage every account; a supervisor manages officers' accounts, never their own; nobody else any.

    With no ``target``: whether ``actor`` may open the account screens at all (the list, the add form).
    A supervisor who could reset a leader's password could log in as him and write his 批示;
    one who could edit their own account could make themselves superuser.
    """
    if not getattr(actor, "is_authenticated", False):
        return False
    if actor.is_superuser:
        return True
    if not is_supervisor(actor):
        return False
    return target is None or (target.pk != actor.pk and is_officer_account(target))


def assignable_groups(actor):
    """Return the role groups ``actor`` may give an account: every one for superusers, 部门填报员 for supervisors."""
    from django.contrib.auth.models import Group

    if getattr(actor, "is_superuser", False):
        return Group.objects.all()
    if is_supervisor(actor):
        return Group.objects.filter(name=roles.OFFICER)
    return Group.objects.none()


def can_delete_account(actor, target=None):
    """Only superusers delete accounts; a supervisor deactivates an officer instead (the record keeps their name)."""
    return bool(getattr(actor, "is_superuser", False))


# Papers (Word documents): the 分解表 and 通知单 follow the tasks they list.

def can_issue_bulletin(user):
    """The 督办通报 compares every department: supervisors issue it, leaders read it; officers may not."""
    return is_supervisor(user) or is_leader(user)
