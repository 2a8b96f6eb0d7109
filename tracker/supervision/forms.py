"""Forms of the supervision panel: they read and type the input; the services judge it."""
from django import forms

from tracker.models import SUPERVISION_TEXT_MAX, Chase, Instruction


class ChaseForm(forms.Form):
    message = forms.CharField(
        label="催办内容", max_length=SUPERVISION_TEXT_MAX, initial=Chase.DEFAULT_MESSAGE,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "请填写催办内容。"},
    )


class ExtensionRequestForm(forms.Form):
    new_deadline = forms.DateField(
        label="申请延期至", widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写申请的新时限。", "invalid": "日期格式应为 YYYY-MM-DD。"},
    )
    reason = forms.CharField(
        label="延期理由", max_length=SUPERVISION_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "请填写延期理由。"},
    )


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="审批结果", choices=[("approve", "同意"), ("refuse", "不同意")], widget=forms.RadioSelect,
        error_messages={"required": "请选择同意或不同意。"},
    )
    comment = forms.CharField(label="审批意见", required=False, max_length=SUPERVISION_TEXT_MAX,
                              widget=forms.Textarea(attrs={"rows": 2, "cols": 60}))


class InstructionForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=Instruction.Kind.choices, initial=Instruction.Kind.COMMENT)
    content = forms.CharField(
        label="内容", max_length=SUPERVISION_TEXT_MAX, widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "请填写批示或留言内容。"},
    )


def first_error(form):
    """Return the form's first error message, for a one-line notice."""
    for errors in form.errors.values():
        return errors[0]
    return "输入有误。"
