"""Forms of the speech pages: the upload, and one decision form per item on the review page."""
from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils import timezone

from speeches import services
from speeches.parsing.normalise import normalise_text
from tracker import cycles, dates
from tracker.models import Task


class PlainTextField(forms.CharField):
    """A CharField that drops NUL and lone surrogates instead of refusing the whole post over them."""

    def to_python(self, value):
        return super().to_python(normalise_text(value) if isinstance(value, str) else value)


class SpeechUploadForm(forms.Form):
    """A file or pasted text, and where the speech was given. The content is checked by the service."""

    file = forms.FileField(
        label="讲话稿文件", required=False,
        error_messages={"empty": "文件内容为空，没有可读取的文字。", "invalid": "没有收到文件，请重新选择。"},
        help_text=f"支持 {services.ACCEPTED_TEXT}；Word 表格中的任务分解表（序号、任务、牵头单位、配合单位、"
                  "完成时限）逐行识别为任务；一个文件中有多篇讲话的，会逐篇识别。",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join((
            *services.ALLOWED_SUFFIXES, "text/plain", "application/pdf", "application/msword", "application/rtf",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))}),
    )
    text = PlainTextField(
        label="或粘贴讲话全文", required=False, strip=False,
        widget=forms.Textarea(attrs={"rows": 10, "cols": 80, "placeholder": "在此粘贴讲话全文（与上传文件二选一）"}),
    )
    meeting = PlainTextField(label="会议名称", max_length=200, required=False)
    speaker = PlainTextField(label="讲话人", max_length=100, required=False)
    date = forms.DateField(
        label="讲话日期", initial=timezone.localdate,
        help_text="“年底前”“本学期”等时限按此日期推算。",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), validators=[dates.check_sane],
        error_messages={"required": "请填写讲话日期。", "invalid": "日期格式应为 2024-09-01。"},
    )

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.SPEECH_UPLOAD_MAX_BYTES:
            # Refuse before reading the whole file into memory.
            raise forms.ValidationError(str(services.upload_too_large(upload.size)))
        return upload

    def clean(self):
        cleaned = super().clean()
        has_file = bool(cleaned.get("file"))
        has_text = bool((cleaned.get("text") or "").strip())
        if has_file and has_text:
            raise forms.ValidationError("请只选择一种方式：上传文件，或粘贴文本。")
        if not has_file and not has_text and "file" not in self.errors:
            raise forms.ValidationError("请上传讲话稿文件，或粘贴讲话全文。")
        return cleaned


class ItemDecisionForm(forms.Form):
    """The supervisor's choices for one item. Department choices are built once per page, not per form."""

    include = forms.BooleanField(label="生成任务", required=False)
    title = forms.CharField(label="任务名称", max_length=300, required=False)
    category = forms.ChoiceField(label="类别", choices=Task.Category.choices)
    lead_department = forms.TypedChoiceField(label="牵头单位", coerce=int, required=False, empty_value=None)
    co_departments = forms.TypedMultipleChoiceField(label="配合单位", coerce=int, required=False)
    responsible_person = forms.CharField(label="责任人", max_length=100, required=False)
    deadline = forms.DateField(
        label="完成时限", required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[dates.check_sane], error_messages={"invalid": "日期格式应为 2024-09-01。"},
    )

    def __init__(self, *args, department_choices=(), duplicate_of=None, **kwargs):
        super().__init__(*args, **kwargs)
        if duplicate_of is not None:
            # Flagged 可能重复: link to the open task it repeats (the default), skip it, or a task all the same.
            self.fields["duplicate"] = forms.ChoiceField(
                label="可能重复", widget=forms.RadioSelect, initial="link",
                choices=[("link", f"作为重复指示关联到 {duplicate_of.serial}（不新建任务）"), ("skip", "跳过，不生成"),
                         ("new", "不是重复，仍生成新任务")],
                error_messages={"required": "请选择如何处理这条可能重复的要点。",
                                "invalid_choice": "请选择如何处理这条可能重复的要点。"})
        self.fields["lead_department"].choices = [("", "（待指定）"), *department_choices]
        self.fields["co_departments"].choices = list(department_choices)
        self.fields["co_departments"].widget.attrs["size"] = 3
        self.fields["title"].widget.attrs["size"] = 40

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("include") and cleaned.get("duplicate", "new") == "new" \
                and not (cleaned.get("title") or "").strip():
            self.add_error("title", "生成任务时必须填写任务名称。")
        return cleaned


class SpeechReportRuleForm(forms.Form):
    """The reporting rule (报送周期) given to every task the review page confirms; editable per task later."""

    report_rule = forms.ChoiceField(label="报送周期", choices=cycles.rule_options(), required=False,
                                    initial=cycles.rule_option_of(*cycles.DEFAULT_RULE),
                                    help_text="应用于本次确认生成的全部任务；之后可在后台逐项或批量修改。")

    def clean_report_rule(self):
        """Return (kind, day); a post without the field (an older page) means 不定期."""
        try:
            return cycles.parse_rule_option(self.cleaned_data.get("report_rule") or cycles.NONE)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
