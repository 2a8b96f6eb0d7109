"""The 督办台账 pages: export with the task list's filters, and import of filled-in progress."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_http_methods

from tracker import permissions, selectors
from tracker.filters import describe_filters
from tracker.forms import errors_text
from tracker.ledger import export, export_jobs, imports, services
from tracker.ledger.forms import LedgerUploadForm
from tracker.ledger.read import LedgerFileError
from tracker.models import ExportJob
from tracker.pages import render_page

PREVIEW_LIMIT = 500  # changes listed on the preview page; the rest are counted
EXPORT_REFRESH_SECONDS = 3  # a running export's page reloads itself this often


@login_required
@require_GET
def export_tasks(request):
    """Send the ledger of the tasks the task list would show for the same querystring.

    From LEDGER_EXPORT_JOB_ROWS tasks on, a background job writes it and the user is sent to
    its page (导出任务), which offers the file when ready.

    ``group`` (speech, department, none) and ``paper`` (a4, a3) lay it out; the rest filters.
    """
    try:
        options = export.ledger_options(request.GET)
    except ValueError as exc:
        return HttpResponseBadRequest(f"导出选项有误：{exc}", content_type="text/plain; charset=utf-8")
    filterset, tasks = selectors.task_list_filtered(user=request.user, params=request.GET)
    if filterset.is_bound and not filterset.is_valid():
        return HttpResponseBadRequest(f"筛选条件有误，无法导出：{errors_text(filterset.form)}",
                                      content_type="text/plain; charset=utf-8")
    subject = describe_filters(filterset)
    total = tasks.count() if settings.LEDGER_EXPORT_JOB_ROWS else 0
    if settings.LEDGER_EXPORT_JOB_ROWS and total >= settings.LEDGER_EXPORT_JOB_ROWS:
        # Too many rows to write within a page request: a background job writes it (导出任务).
        job = export_jobs.export_job_start(user=request.user, params=request.GET.urlencode(), subject=subject,
                                           total=total)
        return redirect("tracker:export_job", pk=job.pk)
    return export.ledger_response(tasks=tasks, subject=subject, options=options)


def _own_job(request, pk):
    try:
        return export_jobs.export_job_for(user=request.user, pk=pk)
    except ExportJob.DoesNotExist:
        raise Http404("导出任务不存在，或不是您申请的。") from None


@login_required
@require_GET
def export_job(request, pk):
    """A large export's page: its state and progress (the page reloads itself until done), then the download."""
    job = _own_job(request, pk)
    return render_page(request, "tracker/export_job.html", {
        "job": job, "refresh_seconds": None if job.finished else EXPORT_REFRESH_SECONDS,
    })


@login_required
@require_GET
def export_job_download(request, pk):
    """Send a finished large export from the default storage to its requester."""
    job = _own_job(request, pk)
    if job.state != ExportJob.State.DONE or not job.file:
        return redirect("tracker:export_job", pk=job.pk)
    try:
        handle = job.file.open("rb")
    except OSError:
        raise Http404("导出文件已过期删除，请重新导出。") from None
    return FileResponse(handle, as_attachment=True, filename=job.filename or "督办台账.xlsx",
                        content_type=export.XLSX_CONTENT_TYPE)


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
                "conflicts": verdict.conflicts[:PREVIEW_LIMIT],
                "conflict_count": len(verdict.conflicts),
                "more_conflicts": max(0, len(verdict.conflicts) - PREVIEW_LIMIT),
                "unchanged": verdict.unchanged,
                "filename": form.cleaned_data["file"].name,
            })
    return render_page(request, "tracker/ledger_import.html", {
        "form": form, "max_mb": settings.LEDGER_IMPORT_MAX_BYTES // (1024 * 1024),
        "max_rows": settings.LEDGER_IMPORT_MAX_ROWS,
    })


def _confirm(request, *, partial):
    pending = imports.pending_load(request=request, token=request.POST.get("token", ""))
    if pending is None:
        messages.error(request, "导入预览已失效或已处理，请重新上传文件。未写入任何数据。")
        return redirect("tracker:ledger_import")
    changes, preview_errors = pending
    if preview_errors and not partial:
        messages.error(request, "文件中有错误或冲突的行：请修改后重新上传，或选择“只导入无误的行”。未写入任何数据。")
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
        text += f"有误或冲突的 {skipped} 行未导入。"
    messages.success(request, text)
    for error in outcome.errors[:50]:
        messages.warning(request, str(error))
    return redirect("tracker:ledger_import")
