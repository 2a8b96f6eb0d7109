"""What the cache may keep about tasks, and how a write makes all of it stale at once.

Every cached reading of tasks (today the dashboard) carries in its key the current
*tasks version*, a random token kept in the cache. Any write to a task, a progress
entry, a workflow step, a co-department link or a department replaces the token, so the
next reader misses and builds afresh from the database; entries under the old token are
never read again and expire on their own. The token is replaced twice: at once (so the
writer's own next page, and a test inside one transaction, see the write), and again
after the commit (so a reading built by another request between the write and its
commit, from the data before it, is not kept).

The save and delete signals catch every write made through a model's ``save()`` or
``delete()``: the services, the admin, the commands. Writes that bypass them (bulk
INSERT and UPDATE in the ledger import and the reporting-cycle refresh) call
``tasks_changed()`` themselves. Signals rather than calls in each service because a
write path that forgets the call would show stale numbers with nothing failing.

The cache is an aid, never a dependency: if it cannot be reached, readers build from
the database and writers go on; the error is logged.
"""
import hashlib
import logging
import uuid

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "tasks:version"
log = logging.getLogger(__name__)


def tasks_version() -> str | None:
    """Return the current tasks version (made on first use), or None if the cache cannot be reached."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # the cache's own errors (Redis down) differ by backend
        log.warning("缓存不可用，按数据库现算", exc_info=True)
        return None


def _replace_version():
    try:
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        log.warning("缓存不可用，未能标记任务已变更", exc_info=True)


def tasks_changed(**_signal_kwargs):
    """Mark every cached reading of tasks stale: now, and again once the current transaction commits."""
    _replace_version()
    transaction.on_commit(_replace_version)


def cached_get(key):
    """Return the cached value of ``key``, or None (also when the cache cannot be reached)."""
    try:
        return cache.get(key)
    except Exception:
        log.warning("缓存不可用，按数据库现算", exc_info=True)
        return None


def cached_set(key, value, timeout):
    try:
        cache.set(key, value, timeout=timeout)
    except Exception:
        log.warning("缓存不可用，未能保存", exc_info=True)


def reading_key(kind, *, user, filterset, today):
    """Return the cache key of a reading of ``user``'s tasks filtered by ``filterset``, or None when it
    may not be cached (the filters are invalid, or the cache cannot be reached).

    Supervisors and leaders see every task, so they share one entry per filter; anyone
    else is their own scope (user and department), so nobody is ever handed a reading
    built for what another may see. The key holds the filters as the form read them
    (the same filter written two ways shares an entry), today's date (the lights
    change at midnight) and the tasks version (any write makes every entry stale).
    """
    if not filterset.is_valid():
        return None
    filters = sorted((name, filter_value_text(value)) for name, value in filterset.form.cleaned_data.items()
                     if value not in (None, "", [], ()))
    return scoped_key(kind, user=user, today=today, detail=hashlib.sha256(repr(filters).encode()).hexdigest()[:32])


def scoped_key(kind, *, user, today, detail=""):
    """Return the cache key of a reading of what ``user`` may see (see reading_key), or None without a cache."""
    from tracker import permissions

    version = tasks_version()
    if version is None:
        return None
    scope = "all" if permissions.sees_everything(user) else f"user{user.pk}-dept{user.department_id}"
    return f"{kind}:{version}:{scope}:{today:%Y%m%d}:{detail}"


def versioned_key(kind):
    """Return the cache key of a reading that is the same for everyone (until any write), or None."""
    version = tasks_version()
    return None if version is None else f"{kind}:{version}"


def filter_value_text(value):
    """Return a filter's cleaned value as stable text: a row by its pk, a date range by its ends."""
    if hasattr(value, "pk"):
        return f"pk={value.pk}"
    if isinstance(value, slice):
        return f"{value.start}..{value.stop}"
    if isinstance(value, (list, tuple)):
        return repr([filter_value_text(item) for item in value])
    return repr(value)


def connect_signals():
    """Replace the tasks version on every save or delete of what tasks' readings show (called once, at startup)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from tracker.models import Department, ExtensionRequest, Instruction, ProgressUpdate, Task, TaskTransition

    # Instruction: a 领导批示 takes a task off the 待批示 list (filters.todo_q).
    for model in (Task, ProgressUpdate, TaskTransition, ExtensionRequest, Department, Instruction):
        post_save.connect(tasks_changed, sender=model, dispatch_uid=f"task_cache_save_{model.__name__}")
        post_delete.connect(tasks_changed, sender=model, dispatch_uid=f"task_cache_delete_{model.__name__}")
    m2m_changed.connect(tasks_changed, sender=Task.co_departments.through, dispatch_uid="task_cache_co_departments")
