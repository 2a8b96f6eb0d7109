"""A task broken into sub-tasks (分解下达): how far the parts have come, and when the whole may close.

Pure: plain (status, progress) pairs in, numbers and a yes/no out, so the rule is
tested with plain data and the task page, the workflow and the services agree.
"""
from tracker.choices import CLOSED, STATUS_LABELS, SUSPENDED

# A child in one of these no longer holds its parent open.
SETTLED = frozenset({CLOSED, SUSPENDED})


def rolled_up_progress(children):
    """Return the parent's rolled-up 完成率 (0–100) from its children's (status, progress), or None.

    Each sub-task weighs the same: a closed one counts 100, whatever its last report said;
    a suspended one is left out (its part will not be done, so it neither helps nor
    drags). None when there is nothing to roll up.
    """
    counted = [100 if status == CLOSED else progress for status, progress in children if status != SUSPENDED]
    if not counted:
        return None
    return round(sum(counted) / len(counted))


def open_children(children):
    """Return how many of the children's (status, progress) still hold the parent open."""
    return sum(1 for status, _ in children if status not in SETTLED)


def close_refusal(open_count):
    """Return why a parent with ``open_count`` unsettled sub-tasks may not ask to close, or ''."""
    if open_count <= 0:
        return ""
    return (f"还有 {open_count} 项子任务未办结：子任务全部“{STATUS_LABELS[CLOSED]}”或“{STATUS_LABELS[SUSPENDED]}”后，"
            "才能申请办结本任务。")
