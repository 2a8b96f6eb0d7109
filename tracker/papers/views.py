"""Downloads of the Word papers: 任务分解表, 督办通知单, 督办通报.

Each view reads through ``tracker.papers.selectors`` (scoped to what the user may
see), writes the paper with its module and sends it; a task or speech the user may
not see is a 404, a bulletin for an officer a 403, bad input a Chinese message.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from speeches.models import Speech
from tracker import permissions, selectors
from tracker.filters import describe_filters
from tracker.forms import errors_text
from tracker.pages import task_or_404
from tracker.papers import breakdown, bulletin, notice, output
from tracker.papers import selectors as papers
from tracker.papers.forms import PeriodForm


def bad_request(text):
    return HttpResponseBadRequest(text, content_type="text/plain; charset=utf-8")


class BadFilters(ValueError):
    pass


def filtered_tasks(request):
    """Return (filterset, tasks) for the querystring, or raise BadFilters with the problems in Chinese."""
    filterset, tasks = selectors.task_list_filtered(user=request.user, params=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        raise BadFilters(f"筛选条件有误：{errors_text(filterset.form)}")
    return filterset, tasks


@login_required
@require_GET
def speech_breakdown(request, pk):
    """The 分解表 of one speech: the tasks of it the user may see."""
    try:
        speech = papers.speech_for_breakdown(user=request.user, pk=pk)
    except Speech.DoesNotExist:
        raise Http404("讲话不存在，或您无权查看其任务。") from None
    paper = papers.speech_breakdown(user=request.user, speech=speech)
    return output.docx_response(breakdown.build(paper), paper.title)


@login_required
@require_GET
def tasks_breakdown(request):
    """The 分解表 of the tasks the task list shows for the same querystring."""
    try:
        filterset, tasks = filtered_tasks(request)
    except BadFilters as exc:
        return bad_request(f"{exc}，无法生成分解表。")
    speech = filterset.form.cleaned_data.get("speech") if filterset.is_bound else None
    paper = papers.tasks_breakdown(tasks=tasks, speech=speech, subtitle=describe_filters(filterset))
    return output.docx_response(breakdown.build(paper), f"{paper.title}_{timezone.localdate():%Y%m%d}")


@login_required
@require_GET
def task_notice(request, pk):
    """The 督办通知单 of one task."""
    task = task_or_404(request.user, pk, get=selectors.task_get)
    rows = papers.notice_rows(selectors.task_list(user=request.user).filter(pk=task.pk))
    document = notice.build(rows, issuer=papers.issuer(), day=timezone.localdate(), site_url=papers.site_url())
    return output.docx_response(document, f"{notice.TITLE}_{task.serial}")


@login_required
@require_GET
def tasks_notices(request):
    """The 督办通知单 of the open tasks among those the task list shows (e.g. one department's), a page each."""
    back = reverse("tracker:task_list") + (f"?{request.GET.urlencode()}" if request.GET else "")
    try:
        filterset, tasks = filtered_tasks(request)
    except BadFilters as exc:
        return bad_request(f"{exc}，无法生成督办通知单。")
    tasks = papers.open_tasks(tasks)
    count = tasks.count()
    if not count:
        messages.error(request, "所选范围内没有在办的任务，无需生成督办通知单。")
        return redirect(back)
    if count > papers.NOTICE_LIMIT:
        messages.error(request, f"所选范围内有 {count} 项在办任务，超过一次 {papers.NOTICE_LIMIT} 份的上限，请缩小筛选范围。")
        return redirect(back)
    data = filterset.form.cleaned_data
    department = data.get("lead_department") or data.get("department")
    document = notice.build(papers.notice_rows(tasks), issuer=papers.issuer(), day=timezone.localdate(),
                            site_url=papers.site_url())
    return output.docx_response(document, f"{notice.TITLE}_{department or '所选任务'}_{count}项")


@login_required
@require_GET
def tasks_bulletin(request):
    """The 督办通报 for a period (default: last month): supervisors and leaders."""
    if not permissions.can_issue_bulletin(request.user):
        raise PermissionDenied("只有督查员和领导可以生成督办通报。")
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return bad_request(f"通报期间有误：{errors_text(form)}")
    start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    document = bulletin.build(papers.bulletin_build(user=request.user, start=start, end=end))
    return output.docx_response(document, f"督办通报_{bulletin.period_label(start, end)}")
