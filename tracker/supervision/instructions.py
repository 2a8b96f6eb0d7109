"""批示 and comments on a task: leaders and supervisors instruct, whoever sees a task may comment."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from tracker import notices, permissions
from tracker.models import SUPERVISION_TEXT_MAX, Instruction, Notice, Task, User
from tracker.services import repeat_of, required_text, task_lock


def instruction_check(*, task: Task, author: User, kind: str, content: str) -> str:
    """Raise PermissionDenied or ValidationError (in Chinese) unless ``author`` may post this; return the clean text."""
    if kind == Instruction.Kind.INSTRUCTION:
        if not permissions.can_add_instruction(author, task):
            raise PermissionDenied("只有领导或督查员可以作出批示。")
    elif kind == Instruction.Kind.COMMENT:
        if not permissions.can_comment(author, task):
            raise PermissionDenied("您无权对该任务留言。")
    else:
        raise ValidationError("未知的类型。")
    return required_text(content, missing="请填写批示或留言内容。", label="内容", max_length=SUPERVISION_TEXT_MAX)


@transaction.atomic
def instruction_add(*, task: Task, author: User, kind: str, content: str) -> Instruction:
    """Add an instruction (批示) or a comment to ``task``; return it.

    The same text posted again by the same person within REPEAT_WINDOW (a double
    click) writes nothing: the first comes back, marked ``repeated``.
    """
    content = instruction_check(task=task, author=author, kind=kind, content=content)
    task_lock(task)  # two identical posts take turns, so the second finds the first
    repeat = repeat_of(Instruction.objects.filter(task=task, author=author, kind=kind, content=content))
    if repeat is not None:
        return repeat
    instruction = Instruction(task=task, author=author, kind=kind, content=content)
    instruction.full_clean()
    instruction.save()
    if kind == Instruction.Kind.INSTRUCTION:
        notices.notify(task=task, kind=Notice.Kind.INSTRUCTION,
                       text=f"{author.display_name}批示：{content}")
    return instruction
