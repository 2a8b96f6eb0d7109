"""Pages and actions of supervision: the dashboard, and the task panel's forms (催办, 延期, 批示).

Each action reads the form, calls one service and sends the user back to the task
page with a message; rules live in the services and tracker.permissions.
"""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from tracker import filters, notices, permissions, selectors, services
from tracker.models import ExtensionRequest, Notice
from tracker.pages import render_page, task_or_404
from tracker.supervision import chasing, dashboard, extensions, home, instructions, scoring
from tracker.supervision.forms import (
    ChaseForm,
    ExtensionDecisionForm,
    ExtensionRequestForm,
    InstructionForm,
    first_error,
)


def back_to_task(task, anchor):
    """Send the user back to the task page, at the part of it they acted on."""
    return redirect(reverse("tracker:task_detail", args=[task.pk]) + f"#{anchor}")


def visible_task(request, pk):
    """The task as the panel's actions need it (no page prefetches), or 404."""
    return task_or_404(request.user, pk, get=selectors.task_get)


def error_text(exc):
    return "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


@login_required
def dashboard_view(request):
    if not permissions.can_view_dashboard(request.user):
        raise PermissionDenied("您没有查看督办看板的权限。")
    board = dashboard.dashboard_build(user=request.user, params=request.GET)
    return render_page(request, "tracker/dashboard.html", {
        "board": board,
        # The departments' chart grows with their number, so 50 names stay readable.
        "chart_height": max(320, 26 * len(board.departments) + 70),
        "filter_fields": [board.filterset.form[name] for name in dashboard.FILTER_FIELDS],
        "filter_text": filters.describe_filters(board.filterset),  # the folded bar's summary on a phone
        "formula": scoring.FORMULA,
        "definitions": scoring.DEFINITIONS,
        "chart_departments": {
            "labels": [d.name for d in board.departments],
            "on_time": [d.on_time for d in board.departments],
            "late": [d.closed - d.on_time for d in board.departments],
            "open": [d.open for d in board.departments],
        },
        "chart_months": {
            "labels": [f"{month:%Y-%m}" for month, _ in board.months],
            "closed": [count for _, count in board.months],
        },
        "title": "督办看板",
        "cache_seconds": settings.TASK_CACHE_SECONDS,
    })


def unless_repeated(record, text):
    """Return ``text``, or the warning that ``record`` came back from a repeated submission."""
    return (messages.WARNING, services.REPEAT_MESSAGE) if getattr(record, "repeated", False) else text


def act_on_task(request, task, form, anchor, action):
    """Validate ``form``, run ``action(cleaned_data)`` (a service call returning the success
    message, or (level, message)) and go back to the task; a refusal becomes the error
    message, nothing saved."""
    if not form.is_valid():
        messages.error(request, first_error(form))
    else:
        try:
            done = action(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            level, text = done if isinstance(done, tuple) else (messages.SUCCESS, done)
            messages.add_message(request, level, text)
    return back_to_task(task, anchor)


@login_required
@require_POST
def task_chase(request, pk):
    task = visible_task(request, pk)
    return act_on_task(request, task, ChaseForm(request.POST), "timeline", lambda data: chasing.chase_notice(
        chasing.chase_send(sent_by=request.user, tasks=[task], message=data["message"])))


@login_required
@require_POST
def extension_request(request, pk):
    task = visible_task(request, pk)

    def request_extension(data):
        filed = extensions.extension_request_create(task=task, requested_by=request.user,
                                                    new_deadline=data["new_deadline"], reason=data["reason"])
        return unless_repeated(filed, "延期申请已提交，等待督查室审批。")

    return act_on_task(request, task, ExtensionRequestForm(request.POST), "deadline", request_extension)


@login_required
@require_POST
def extension_decide(request, pk):
    try:
        extension = ExtensionRequest.objects.get(pk=pk)
    except ExtensionRequest.DoesNotExist:
        raise Http404("延期申请不存在。") from None
    task = visible_task(request, extension.task_id)

    def decide(data):
        approve = data["decision"] == "approve"
        decided = extensions.extension_decide(extension=extension, decided_by=request.user, approve=approve,
                                              comment=data["comment"])
        return unless_repeated(decided, f"已同意延期至 {extension.new_deadline:%Y-%m-%d}。" if approve
                               else "已驳回延期申请。")

    return act_on_task(request, task, ExtensionDecisionForm(request.POST), "deadline", decide)


@login_required
@require_POST
def instruction_add(request, pk):
    task = visible_task(request, pk)

    def add(data):
        item = instructions.instruction_add(task=task, author=request.user, kind=data["kind"], content=data["content"])
        return unless_repeated(item, f"{item.get_kind_display()}已发布。")

    return act_on_task(request, task, InstructionForm(request.POST), "timeline", add)


@login_required
@require_GET
def home_view(request):
    """The 待办 page, the first page after login: what this user has to do, and their unread notices."""
    page = home.home_page(user=request.user)
    return render_page(request, "tracker/home.html", {"title": "待办", "page": page})


def _own_notice(request, pk):
    try:
        return notices.notice_mark_read(user=request.user, pk=pk)
    except Notice.DoesNotExist:
        raise Http404("通知不存在。") from None


@login_required
@require_POST
def notice_read(request, pk):
    """标为已读: only one's own notice; marking it again changes nothing."""
    _own_notice(request, pk)
    return redirect(reverse("tracker:home") + "#notices")


@login_required
@require_GET
def notice_open(request, pk):
    """Open a notice's task, marking the notice read on the way (one's own notices only)."""
    notice = _own_notice(request, pk)
    return redirect("tracker:task_detail", pk=notice.task_id)
