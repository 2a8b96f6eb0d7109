"""Who may do what to which task: the one place that decides.

The admin, the pages and the exports all ask these functions; none of them
repeats a rule. Roles are the groups of ``tracker.roles``; a superuser counts
as a supervisor.
"""
from django.db.models import Q

from tracker import roles


def role_names(user):
    """Return the set of role group names of ``user`` (cached on the user object)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
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
        dept = user.department_id
        return Q(**{f"{prefix}lead_department_id": dept}) | Q(**{f"{prefix}co_departments__id": dept})
    return Q(pk__in=[])


def can_view_task(user, task):
    if sees_everything(user):
        return True
    if is_officer(user):
        dept = user.department_id
        return task.lead_department_id == dept or task.co_departments.filter(pk=dept).exists()
    return False


def can_edit_task(user, task=None):
    """Change title, content, assignment, deadline: supervisors only."""
    return is_supervisor(user)


def can_report_progress(user, task):
    """Officers of the lead or a co-department report progress on open tasks; supervisors too."""
    if not task.is_open:
        return False
    if is_supervisor(user):
        return True
    return is_officer(user) and can_view_task(user, task)


def can_import_speech(user):
    """Upload speeches, review their items and confirm them into tasks: supervisors only."""
    return is_supervisor(user)
