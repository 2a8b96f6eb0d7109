"""Template tags of supervision: the 红黄绿灯 badge and the task page's supervision panel.

``{% signal_badge task %}`` (or a signal name) draws the coloured badge in any list;
``{% supervision_panel task %}`` draws the panel included by the task page, reading
what it shows through the selectors and asking tracker.permissions which forms to offer.
"""
from django import forms, template
from django.utils import timezone

from tracker import lights, permissions, timeline
from tracker.models import ExtensionRequest, Instruction
from tracker.supervision import extensions
from tracker.supervision.forms import ChaseForm, ExtensionDecisionForm, ExtensionRequestForm, InstructionForm

register = template.Library()


@register.simple_tag
def signal_badge(task_or_signal):
    """Return the coloured badge of a task (annotated or not) or of a signal name."""
    if isinstance(task_or_signal, str):
        signal = task_or_signal
    else:
        signal = lights.task_signal(task_or_signal)
    return lights.badge_html(signal)


@register.inclusion_tag("tracker/_supervision_panel.html", takes_context=True)
def supervision_panel(context, task):
    """Gather what the panel shows of ``task`` and the forms this user may use on it."""
    user = context["request"].user
    requests = list(task.extension_requests.select_related("requested_by", "decided_by")
                    .order_by("requested_at", "id"))
    pending = next((ext for ext in requests if ext.status == ExtensionRequest.Status.PENDING), None)
    can_instruct = permissions.can_add_instruction(user, task)
    instruction_form = None
    if can_instruct or permissions.can_comment(user, task):
        instruction_form = InstructionForm()
        if not can_instruct:
            # An officer may only comment: no choice of kind to offer.
            kind = instruction_form.fields["kind"]
            kind.choices = [(Instruction.Kind.COMMENT, Instruction.Kind.COMMENT.label)]
            kind.widget = forms.HiddenInput()
    today = timezone.localdate()
    may_extend = permissions.can_request_extension(user, task)
    can_extend = may_extend and pending is None
    return {
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
        "task": task,
        "entries": timeline.task_timeline(task=task),
        "extension_requests": requests,
        "pending_extension": pending,
        "can_extend_later": may_extend,
        "extension_too_late": can_extend and task.deadline is not None and task.deadline < today,
        "deadline_changes": extensions.deadline_changes(task_ids=[task.pk]).get(task.pk, []),
        "chase_form": ChaseForm() if permissions.can_chase(user, task) and task.is_open else None,
        "extension_form": (ExtensionRequestForm() if can_extend and task.deadline is not None
                           and task.deadline >= today else None),
        "decision_form": ExtensionDecisionForm() if pending and permissions.can_decide_extension(user) else None,
        "instruction_form": instruction_form,
        "can_instruct": can_instruct,
    }


@register.filter
def percent(value):
    """Show a fraction as a percentage with one decimal: 0.8571 → 85.7%."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""
