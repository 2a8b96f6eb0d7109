"""The task list's 台账导出 action (imported by tracker.apps once the admin is set up)."""
from django.contrib import admin

from tracker import lights, selectors
from tracker.admin import task_action
from tracker.ledger import export


@task_action
@admin.action(description="导出所选任务为督办台账（Excel）")
def export_ledger(modeladmin, request, queryset):
    """Export the ticked tasks with the same rows, scoping and file as /export/tasks.xlsx (its defaults:
    grouped by speech, A4 landscape)."""
    tasks = lights.annotate_signal(selectors.task_list(user=request.user, queryset=queryset))
    return export.ledger_response(tasks=tasks, subject="所选任务")
