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


def task_visibility_q(user, prefix=""):
    """Return a Q that keeps the tasks ``user`` may see (``prefix`` for related lookups)."""
    if sees_everything(user):
        return Q()
    if is_officer(user):
        # No join: a join through co_departments would repeat rows and defeat the indexes;
        # "lead is mine, or the task is among my department's co-tasks" uses one index each.
        from tracker.models import Task

        dept = user.department_id
        co_tasks = Task.co_departments.through.objects.filter(department_id=dept).values("task_id")
        return Q(**{f"{prefix}lead_department_id": dept}) | Q(**{f"{prefix}pk__in": co_tasks})
    return Q(pk__in=[])


def can_view_task(user, task):
    if sees_everything(user):
        return True
    if is_officer(user):
        dept = user.department_id
        if task.lead_department_id == dept:
            return True
        prefetched = getattr(task, "_prefetched_objects_cache", {}).get("co_departments")
        if prefetched is not None:
            return any(d.pk == dept for d in prefetched)
        return task.co_departments.filter(pk=dept).exists()
    return False


def can_edit_task(user, task=None):
    """Change title, content, assignment, deadline: supervisors only."""
    return is_supervisor(user)


def may_report_progress(user, task):
    """Officers of the lead or a co-department report progress; supervisors too (status aside)."""
    if is_supervisor(user):
        return True
    return is_officer(user) and can_view_task(user, task)


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
    return workflow.TaskFacts(status=task.status, lead_department_id=task.lead_department_id)


def transition_refusal(user, task, action, reason=""):
    """Return the workflow's Refusal for ``user`` doing ``action`` to ``task``, or None."""
    if not can_view_task(user, task):
        return workflow.Refusal("role", "您无权处理此任务。")
    return workflow.check(action, actor=workflow_actor(user), task=workflow_task(task), reason=reason)


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
    """Return a Q on users: whom ``user`` may read among a chase's recipients (an officer: their own department)."""
    if sees_everything(user):
        return Q()
    if is_officer(user):
        return Q(department_id=user.department_id)
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
