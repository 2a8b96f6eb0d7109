"""The task list's 督办通知单 action (imported by tracker.apps once the admin is set up)."""
from django.contrib import admin
from django.utils import timezone

from tracker import selectors
from tracker.admin import task_action
from tracker.papers import notice, output
from tracker.papers import selectors as papers


@task_action
@admin.action(description="生成所选任务的督办通知单（Word）")
def notices_for_selection(modeladmin, request, queryset):
    """One notice page per ticked task the user may see, in 督办编号 order, whatever its status."""
    rows = papers.notice_rows(selectors.task_list(user=request.user, queryset=queryset))
    document = notice.build(rows, issuer=papers.issuer(), day=timezone.localdate(), site_url=papers.site_url())
    return output.docx_response(document, f"{notice.TITLE}_所选任务_{len(rows)}项")
