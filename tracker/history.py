"""A task's history page as a timeline: every saved change of the task and of its
progress entries, with who, when, why and each field's value before and after.

The records are django-simple-history's; this module only reads and labels them.
"""
from dataclasses import dataclass, field
from datetime import datetime

from tracker.models import Department, ProgressUpdate, Task, User

# Bookkeeping fields nobody needs to read in a diff (a progress entry's task is the page's task).
SKIPPED = {"version", "updated_at", "created_at", "task"}
USER_FIELDS = {"created_by", "reported_by"}
KIND_LABELS = {"+": "创建", "~": "修改", "-": "删除"}
LIMIT = 200


@dataclass(slots=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(slots=True)
class Entry:
    at: datetime
    user: object
    subject: str
    kind: str
    reason: str
    changes: list = field(default_factory=list)


def task_history(task, limit=LIMIT):
    """Return the newest ``limit`` history entries of ``task`` and its progress entries, newest first."""
    departments = dict(Department.objects.values_list("pk", "name"))
    task_records = list(
        task.history.select_related("history_user").order_by("-history_date", "-history_id")[: limit + 1]
    )
    progress_records = list(
        ProgressUpdate.history.filter(task_id=task.pk).select_related("history_user")
        .order_by("-history_date", "-history_id")[: limit + 1]
    )
    user_ids = {r.created_by_id for r in task_records} | {r.reported_by_id for r in progress_records}
    names = {"departments": departments,
             "users": {u.pk: str(u) for u in User.objects.filter(pk__in=user_ids - {None})}}
    entries = _entries(task_records, Task, "任务", names)
    entries += _entries(progress_records, ProgressUpdate, "工作进展", names)
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def _entries(records, model, subject, names):
    """Diff each record against the older record of the same object (records come newest first)."""
    entries = []
    older_by_object = {}
    for record in reversed(records):
        older = older_by_object.get(record.id)
        changes = _changes(record, older, model, names) if older is not None else []
        if older is None and record.history_type == "+":
            changes = _initial(record, model, names)
        name = subject if model is Task else f"{subject}（{record.date:%Y-%m-%d}）"
        entries.append(Entry(
            at=record.history_date, user=record.history_user, subject=name,
            kind=KIND_LABELS.get(record.history_type, record.history_type),
            reason=record.history_change_reason or "", changes=changes,
        ))
        older_by_object[record.id] = record
    return entries


def _changes(record, older, model, names):
    delta = record.diff_against(older, excluded_fields=SKIPPED)
    return [
        Change(_label(model, change.field), _show(model, change.field, change.old, names),
               _show(model, change.field, change.new, names))
        for change in delta.changes
    ]


def _initial(record, model, names):
    """What a new object started with: its non-empty fields."""
    changes = []
    for model_field in model._meta.concrete_fields:
        if model_field.name in SKIPPED or model_field.primary_key:
            continue
        value = getattr(record, model_field.attname, None)
        if value in (None, ""):
            continue
        changes.append(Change(str(model_field.verbose_name), "", _show(model, model_field.name, value, names)))
    return changes


def _label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field removed since the record was written
        return name


def _show(model, name, value, names):
    """Render a stored value the way an official reads it."""
    if value is None or value == "":
        return "（空）"
    departments = names["departments"]
    if isinstance(value, list):  # an m2m field: rows of the through table
        listed = [departments.get(row.get("department"), str(row.get("department"))) for row in value]
        return "、".join(listed) or "（空）"
    try:
        model_field = model._meta.get_field(name)
    except Exception:
        return str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in {"lead_department", "lead_department_id"}:
        return departments.get(value, str(value))
    if name in USER_FIELDS:
        return names["users"].get(value, str(value))
    if hasattr(value, "strftime") and hasattr(value, "hour"):
        from django.utils import timezone

        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)
