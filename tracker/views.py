"""The product's task pages: list, task page, history, workflow steps, progress, downloads.

Views only wire requests to selectors (reads, scoped by tracker.permissions) and
services (writes). A task the user may not see answers 404, as if it did not exist.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tracker import filters, history, permissions, selectors, services, task_cache, workflow
from tracker.forms import ProgressForm, ReassignForm, SubtaskForm, TransitionForm
from tracker.list_rows import only_row_columns, task_rows_html
from tracker.models import Attachment
from tracker.pages import CountCachedPaginator, render_page, task_or_404

PAGE_SIZE = 50


@login_required
@require_GET
def task_list(request):
    """The tasks this user may see, filtered, 50 to a page (one COUNT, kept in the cache until a task changes)."""
    filterset, tasks = selectors.task_list_filtered(user=request.user, params=request.GET)
    filters.quick_form(filterset)
    count_key = task_cache.reading_key("task_count", user=request.user, filterset=filterset,
                                       today=timezone.localdate())
    page = CountCachedPaginator(only_row_columns(tasks), PAGE_SIZE, count_key=count_key).get_page(request.GET.get("page"))
    rows = task_rows_html(page.object_list)  # in Python: 50 rows through template tags cost a quarter of the page
    query = request.GET.copy()
    query.pop("page", None)
    return render_page(request, "tracker/task_list.html", {
        "title": "任务清单",
        "filterset": filterset,
        "filter_text": filters.describe_filters(filterset),  # the folded bar's summary on a phone
        "page": page,
        "rows": rows,
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
    return _render_task(request, pk)


def _render_task(request, pk, *, bound=None, status=200):
    """Render the task page from its TaskPage; ``bound`` is a submitted form to show again with its errors."""
    page = task_or_404(request.user, pk, get=selectors.task_page)
    action_forms = [
        bound if isinstance(bound, TransitionForm) and bound.transition.action == transition.action
        else transition_form(transition, task=page.task)
        for transition in page.transitions
    ]
    progress_form = None
    if page.may_report:
        progress_form = bound if isinstance(bound, ProgressForm) else ProgressForm()
    subtask_form = None
    if page.may_break_down and page.breakdown_units:  # a unit with nothing under it has nothing to break down to
        subtask_form = bound if isinstance(bound, SubtaskForm) else SubtaskForm(units=page.breakdown_units,
                                                                               parent=page.task)
    return render_page(request, "tracker/task_detail.html", {
        "title": f"{page.task.serial} {page.task.title}",
        "page": page,
        "task": page.task,
        "progress_form": progress_form,
        "subtask_form": subtask_form,
        **ordered_steps(action_forms),
    }, status=status)


def transition_form(transition, *args, task, **kwargs):
    """The form of one workflow step: 转办 names a new lead department, the others only a reason (and files)."""
    if transition.needs_department:
        return ReassignForm(*args, transition=transition, task=task, **kwargs)
    form = TransitionForm(*args, transition=transition, **kwargs)
    if transition.action == "suspend":
        open_parts = len(selectors.open_subtasks_below(task=task))
        if open_parts:  # say so before the click: services.subtasks_suspend suspends these
            form.fields["reason"].help_text = f"其下 {open_parts} 项未办结的子任务将一并中止，并通知其承办单位。"
    return form


# The order an officer works in: 签收 (or 退回, not ours) comes before 填报进展, 申请办结 after it.
STEPS_BEFORE_PROGRESS = {"accept", "decline"}


def ordered_steps(forms):
    """Split the workflow forms into the parts of the page: ``start_forms`` above 填报进展,
    ``finish_forms`` below it, and the supervisor's ``decision_forms`` (销号/退回/中止/转办) as one block."""
    decision = [f for f in forms if f.transition.performer == workflow.BY_SUPERVISOR]
    start = [f for f in forms if f not in decision and f.transition.action in STEPS_BEFORE_PROGRESS]
    finish = [f for f in forms if f not in decision and f not in start]
    return {"start_forms": start, "finish_forms": finish, "decision_forms": decision}


def _refused(request, task, form, error):
    """Show a service's refusal: a task whose state moved on goes back to its page, else the form shows why."""
    if getattr(error, "code", None) == "status":
        messages.error(request, "；".join(error.messages))
        return redirect("tracker:task_detail", pk=task.pk)
    for message in error.messages:
        form.add_error(None, message)
    return _render_task(request, task.pk, bound=form, status=400)


@login_required
@require_POST
def task_transition(request, pk, action):
    """One workflow step; the service judges role, status and reason, the view only shows its verdict.

    After 退回（不属于本单位） the department no longer sees the task: its officer goes to the
    待办 page, and a second click of the same refusal is told it was already sent.
    """
    transition = workflow.get(action)
    if transition is None:
        raise Http404("未知的操作。")
    try:
        task = task_or_404(request.user, pk, get=selectors.task_get)
    except Http404:
        if transition.changes_lead and services.transition_repeat(
                task_pk=pk, by=request.user, action=action, reason=request.POST.get(f"{action}-reason", "")):
            messages.warning(request, services.REPEAT_MESSAGE)
            return redirect("tracker:home")
        raise
    form = transition_form(transition, request.POST, request.FILES, task=task)
    if not form.is_valid():
        return _render_task(request, task.pk, bound=form, status=400)
    data = form.cleaned_data
    try:
        if transition.needs_department:
            record = services.task_reassign(task=task, by=request.user, lead_department=data["lead_department"],
                                            reason=data["reason"], expected_version=data["expected_version"],
                                            co_departments=form.co_departments_chosen())
        else:
            record = services.task_transition(task=task, action=action, by=request.user,
                                              reason=data["reason"], files=data.get("files", []))
    except services.TaskConflict as error:
        messages.error(request, "；".join(error.messages))
        return redirect("tracker:task_detail", pk=task.pk)
    except ValidationError as error:
        return _refused(request, task, form, error)
    if getattr(record, "repeated", False):
        messages.warning(request, services.REPEAT_MESSAGE)
    elif action == "decline":
        messages.success(request, f"已退回督查室：{task.serial} 不再列在本单位名下，由督查室重新指派。")
        return redirect("tracker:home")
    elif transition.needs_department:
        messages.success(request, f"已转办给{data['lead_department'].name}，任务现为“{task.get_status_display()}”，"
                                  "已通知新的牵头单位和配合单位。")
    else:
        messages.success(request, f"已{transition.label}：任务现为“{task.get_status_display()}”。")
    if action == "decline" and not permissions.can_view_task(request.user, task):
        return redirect("tracker:home")
    return redirect("tracker:task_detail", pk=task.pk)


@login_required
@require_POST
def progress_add(request, pk):
    """A progress entry; the service judges who may report and whether the task is still open."""
    task = task_or_404(request.user, pk, get=selectors.task_get)
    form = ProgressForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_task(request, task.pk, bound=form, status=400)
    data = form.cleaned_data
    try:
        update = services.progress_report(task=task, reported_by=request.user, date=data["date"],
                                          content=data["content"], percent=data["percent"], files=data["files"])
    except ValidationError as error:
        return _refused(request, task, form, error)
    if getattr(update, "repeated", False):
        messages.warning(request, services.REPEAT_MESSAGE)
    else:
        messages.success(request, "进展已填报。")
    return redirect(reverse("tracker:task_detail", args=[task.pk]) + "#timeline")


@login_required
@require_POST
def subtask_add(request, pk):
    """分解下达: a sub-task for a unit under the lead unit; the service judges who, which unit and which date."""
    task = task_or_404(request.user, pk, get=selectors.task_get)
    if not permissions.is_lead_officer_of(request.user, task):
        raise PermissionDenied("只有牵头单位的填报员可以分解下达本任务。")
    units = selectors.subtask_units(task)
    form = SubtaskForm(request.POST, units=units)
    if not form.is_valid():
        return _render_task(request, task.pk, bound=form, status=400)
    data = form.cleaned_data
    try:
        child = services.subtask_create(parent=task, created_by=request.user, lead_department=data["lead_department"],
                                        title=data["title"], deadline=data["deadline"], content=data["content"],
                                        responsible_person=data["responsible_person"])
    except ValidationError as error:
        return _refused(request, task, form, error)
    if getattr(child, "repeated", False):
        messages.warning(request, services.REPEAT_MESSAGE)
    else:
        messages.success(request, f"已分解下达：{child.serial} 交{child.lead_department.name}办理。")
    return redirect(reverse("tracker:task_detail", args=[task.pk]) + "#subtasks")


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


