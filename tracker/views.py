"""The product's task pages: list, task page, history, workflow steps, progress, downloads.

Views only wire requests to selectors (reads, scoped by tracker.permissions) and
services (writes). A task the user may not see answers 404, as if it did not exist.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tracker import history, permissions, selectors, services, workflow
from tracker.forms import ProgressForm, TransitionForm
from tracker.models import Attachment
from tracker.pages import render_page, task_or_404
from tracker.widgets import quicken

PAGE_SIZE = 50


@login_required
@require_GET
def task_list(request):
    """The tasks this user may see, filtered, 50 to a page (one COUNT per page view)."""
    filterset, tasks = selectors.task_list_filtered(user=request.user, params=request.GET)
    quicken(filterset.form)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "tracker/task_list.html", {
        "title": "任务清单",
        "filterset": filterset,
        "page": page,
        "query": query.urlencode(),
        "sort_links": sort_links(query, SORTABLE),
        "can_add": permissions.can_edit_task(request.user),
    })


# Columns of the task list whose header sorts the list (names of TaskFilter's ordering).
SORTABLE = ["serial", "deadline", "signal", "progress"]


def sort_links(query, names):
    """Return {column: (query string, arrow)}: a header sorts by its column, a second click reverses.

    The filters stay; the page number goes, since a new order starts at page one.
    """
    current = query.get("ordering", "")
    links = {}
    for name in names:
        link = query.copy()
        link["ordering"] = f"-{name}" if current == name else name
        arrow = "▲" if current == name else "▼" if current == f"-{name}" else ""
        links[name] = (link.urlencode(), arrow)
    return links


@login_required
@require_GET
def task_detail(request, pk):
    task = task_or_404(request.user, pk)
    return _render_task(request, task)


def _render_task(request, task, *, bound=None, status=200):
    """Render the task page; ``bound`` is a submitted form to show again with its errors."""
    user = request.user
    action_forms = []
    for transition in permissions.available_transitions(user, task):
        if isinstance(bound, TransitionForm) and bound.transition.action == transition.action:
            action_forms.append(bound)
        else:
            action_forms.append(TransitionForm(transition=transition))
    progress_form = None
    if permissions.can_report_progress(user, task):
        progress_form = bound if isinstance(bound, ProgressForm) else ProgressForm()
    return render_page(request, "tracker/task_detail.html", {
        "title": f"{task.serial} {task.title}",
        "task": task,
        "action_forms": action_forms,
        "progress_form": progress_form,
        "can_edit": permissions.can_edit_task(user, task),
        "status_labels": workflow.STATUS_LABELS,
    }, status=status)


@login_required
@require_POST
def task_transition(request, pk, action):
    task = task_or_404(request.user, pk)
    transition = workflow.get(action)
    if transition is None:
        raise Http404("未知的操作。")
    # The reason is the form's to check: "-" stands in for it so the refusal is about role and status.
    refusal = permissions.transition_refusal(request.user, task, action, reason="-")
    if refusal is not None:
        if refusal.kind == "role":
            raise PermissionDenied(refusal.message)
        messages.error(request, refusal.message)
        return redirect("tracker:task_detail", pk=task.pk)
    form = TransitionForm(request.POST, request.FILES, transition=transition)
    if form.is_valid():
        try:
            services.task_transition(task=task, action=action, by=request.user,
                                     reason=form.cleaned_data["reason"], files=form.cleaned_data.get("files", []))
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, f"已{transition.label}：任务现为“{workflow.STATUS_LABELS[transition.target]}”。")
            return redirect("tracker:task_detail", pk=task.pk)
    return _render_task(request, task, bound=form, status=400)


@login_required
@require_POST
def progress_add(request, pk):
    task = task_or_404(request.user, pk)
    if not permissions.may_report_progress(request.user, task):
        raise PermissionDenied("您无权填报此任务的进展。")
    if not task.is_open:
        messages.error(request, f"任务状态为“{task.get_status_display()}”，不能再填报进展。")
        return redirect("tracker:task_detail", pk=task.pk)
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_report(task=task, reported_by=request.user, date=data["date"],
                                     content=data["content"], percent=data["percent"], files=data["files"])
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, "进展已填报。")
            return redirect(reverse("tracker:task_detail", args=[task.pk]) + "#timeline")
    return _render_task(request, task, bound=form, status=400)


@login_required
@require_GET
def task_history(request, pk):
    task = task_or_404(request.user, pk)
    return render_page(request, "tracker/task_history.html", {
        "title": f"{task.serial} 修改记录",
        "task": task,
        "entries": history.task_history(task),
        "limit": history.LIMIT,
    })


@login_required
@require_GET
def attachment_download(request, pk):
    """Hand a file only to people who may see its task; never as public media."""
    try:
        attachment = selectors.attachment_get(user=request.user, pk=pk)
    except Attachment.DoesNotExist:
        raise Http404("附件不存在，或您无权查看。")
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404("附件文件已丢失，请联系督查室。")
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.content_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


