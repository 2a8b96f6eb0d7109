"""Template tags of supervision: the 红黄绿灯 badge and the task page's supervision panel.

``{% signal_badge task %}`` (or a signal name) draws the coloured badge in any list;
``{% supervision_panel task %}`` draws the panel included by the task page, reading
what it shows through the selectors and asking tracker.permissions which forms to offer.
"""
from django import template
from django.utils import timezone
from django.utils.html import format_html

from tracker import extensions, lights, permissions, timeline
from tracker.models import ExtensionRequest
from tracker.supervision_forms import ChaseForm, ExtensionDecisionForm, ExtensionRequestForm, InstructionForm

register = template.Library()


@register.simple_tag
def signal_badge(task_or_signal):
    """Return the coloured badge of a task (annotated or not) or of a signal name."""
    if isinstance(task_or_signal, str):
        signal = task_or_signal
    else:
        signal = lights.task_signal(task_or_signal)
    if signal not in lights.LABELS:
        return ""
    return format_html('<span class="badge badge-{}" title="红黄绿灯">{}</span>', signal, lights.LABELS[signal])


@register.inclusion_tag("tracker/_supervision_panel.html", takes_context=True)
def supervision_panel(context, task):
    user = context["request"].user
    requests = list(task.extension_requests.select_related("requested_by", "decided_by")
                    .order_by("requested_at", "id"))
    pending = next((ext for ext in requests if ext.status == ExtensionRequest.Status.PENDING), None)
    instruction_form = None
    if permissions.can_add_instruction(user, task) or permissions.can_comment(user, task):
        instruction_form = InstructionForm()
        if not permissions.can_add_instruction(user, task):
            # An officer may only comment: offer no choice of kind.
            instruction_form.fields["kind"].choices = [("comment", "意见留言")]
    today = timezone.localdate()
    can_extend = permissions.can_request_extension(user, task) and pending is None
    return {
        "request": context["request"],
        "today": today,
        "extension_too_late": can_extend and task.deadline is not None and task.deadline < today,
        "csrf_token": context.get("csrf_token"),
        "task": task,
        "signal": lights.task_signal(task),
        "entries": timeline.task_timeline(task=task),
        "extension_requests": requests,
        "pending_extension": pending,
        "deadline_changes": extensions.deadline_changes(task_ids=[task.pk]).get(task.pk, []),
        "chase_form": ChaseForm() if permissions.can_chase(user, task) and task.is_open else None,
        "extension_form": (ExtensionRequestForm() if can_extend and task.deadline is not None
                           and task.deadline >= today else None),
        "decision_form": ExtensionDecisionForm() if pending and permissions.can_decide_extension(user) else None,
        "instruction_form": instruction_form,
    }


@register.simple_tag
def task_url(task):
    """Return the task page of ``task`` (the admin's page until the task page exists)."""
    from tracker.supervision_views import task_page_url

    return task_page_url(task.pk)


@register.filter
def percent(value):
    """Show a fraction as a percentage with one decimal: 0.8571 → 85.7%."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""
