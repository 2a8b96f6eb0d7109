"""Template tags for any task list: the 红黄绿灯 badge, and a fraction shown as a percentage.

``{% signal_badge task %}`` (or a signal name) draws the coloured badge; ``|percent``
formats a rate. They decide nothing and read nothing beyond what they are given.
"""
from django import template

from tracker import lights

register = template.Library()


@register.simple_tag
def signal_badge(task_or_signal):
    """Return the coloured badge of a task (annotated or not) or of a signal name."""
    if isinstance(task_or_signal, str):
        signal = task_or_signal
    else:
        signal = lights.task_signal(task_or_signal)
    return lights.badge_html(signal)


@register.simple_tag
def report_badge(task):
    """Return the 逾期未报 badge of a task, drawn beside its light ('' when none)."""
    return lights.report_badge_html(task)


@register.filter
def percent(value):
    """Show a fraction as a percentage with one decimal: 0.8571 → 85.7%."""
    try:
        return f"{float(value) * 100:.1f}%"
    except (TypeError, ValueError):
        return ""
