"""The product's task pages: list, task page, history, workflow steps, progress, downloads.

Views only wire requests to selectors (reads, scoped by tracker.permissions) and
services (writes). A task the user may not see answers 404, as if it did not exist.
"""
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker import exports, history, imports, permissions, selectors, services, workflow
from tracker.forms import LedgerUploadForm, ProgressForm, TransitionForm
from tracker.ledger_read import LedgerFileError
from tracker.widgets import quicken
from tracker.models import Attachment, Task

PAGE_SIZE = 50


def render_page(request, template, context, status=200):
    """Render a product page with the admin's context (site header, user links), so it looks like the admin."""
    # The admin's navigation sidebar stays on admin screens: task tables need the width.
    context = {**admin.site.each_context(request), "is_nav_sidebar_enabled": False, **context}
    return render(request, template, context, status=status)


def task_or_404(user, pk, *, get=selectors.task_detail_get):
    """Return task ``pk`` as ``get`` reads it; a task ``user`` may not see is a 404, as if it did not exist."""
    try:
        return get(user=user, pk=pk)
    except Task.DoesNotExist:
        raise Http404("任务不存在，或您无权查看。") from None


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


# The 督办台账: export with the task list's filters, and import of filled-in progress.

PREVIEW_LIMIT = 500  # changes listed on the preview page; the rest are counted


@login_required
@require_GET
def export_tasks(request):
    """Send the ledger of the tasks the task list would show for the same querystring."""
    filterset, tasks = selectors.task_list_filtered(user=request.user, params=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        problems = "；".join(
            f"{filterset.form.fields[name].label}：{'，'.join(errs)}" if name in filterset.form.fields
            else "，".join(errs)
            for name, errs in filterset.form.errors.items()
        )
        return HttpResponseBadRequest(f"筛选条件有误，无法导出：{problems}", content_type="text/plain; charset=utf-8")
    return exports.ledger_response(tasks=tasks, subject=exports.describe_filters(filterset))


@login_required
@require_http_methods(["GET", "POST"])
def ledger_import(request):
    """Upload a filled-in ledger, preview what it changes, then confirm (all, or the valid rows)."""
    if not permissions.can_import_ledger(request.user):
        raise PermissionDenied("只有督查员和部门填报员可以导入台账进展。")
    action = request.POST.get("action")
    if request.method == "POST" and action in {"confirm", "apply_valid"}:
        return _confirm(request, partial=action == "apply_valid")
    if request.method == "POST" and action == "cancel":
        imports.pending_discard(request=request)
        messages.info(request, "已取消本次导入，未写入任何数据。")
        return redirect("tracker:ledger_import")

    form = LedgerUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            verdict = imports.ledger_preview(user=request.user, data=form.cleaned_data["file"].read())
        except LedgerFileError as exc:
            form.add_error("file", str(exc))
        else:
            token = imports.pending_save(request=request, verdict=verdict)
            return render_page(request, "tracker/ledger_import_preview.html", {
                "token": token,
                "changes": verdict.changes[:PREVIEW_LIMIT],
                "more": max(0, len(verdict.changes) - PREVIEW_LIMIT),
                "change_count": len(verdict.changes),
                "errors": [str(e) for e in verdict.errors],
                "unchanged": verdict.unchanged,
                "filename": form.cleaned_data["file"].name,
            })
    return render_page(request, "tracker/ledger_import.html", {
        "form": form, "max_mb": settings.LEDGER_IMPORT_MAX_BYTES // (1024 * 1024),
    })


def _confirm(request, *, partial):
    pending = imports.pending_load(request=request, token=request.POST.get("token", ""))
    if pending is None:
        messages.error(request, "导入预览已失效或已处理，请重新上传文件。未写入任何数据。")
        return redirect("tracker:ledger_import")
    changes, preview_errors = pending
    if preview_errors and not partial:
        messages.error(request, "文件中有错误行：请修改后重新上传，或选择“只导入无误的行”。未写入任何数据。")
        return redirect("tracker:ledger_import")
    outcome = services.progress_import(user=request.user, changes=changes, partial=partial)
    if outcome.errors and not partial:
        for error in outcome.errors[:50]:
            messages.error(request, str(error))
        messages.error(request, "确认时发现以上问题，未写入任何数据。请重新导出、填写后再上传。")
        return redirect("tracker:ledger_import")
    imports.pending_discard(request=request)
    skipped = len(preview_errors) + len(outcome.errors)
    text = f"已导入 {outcome.written} 条进展。"
    if skipped:
        text += f"有误的 {skipped} 行未导入。"
    messages.success(request, text)
    for error in outcome.errors[:50]:
        messages.warning(request, str(error))
    return redirect("tracker:ledger_import")
