"""The ledger upload form: one .xlsx, refused early when it is over the size limit."""
from django import forms
from django.conf import settings


class LedgerUploadForm(forms.Form):
    file = forms.FileField(
        label="台账文件",
        help_text="从本系统导出的督办台账（.xlsx），填写“最新进展”和“完成率”两列后上传。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.LEDGER_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"文件超过 {limit // (1024 * 1024)} MB，请分批导入。")
        return upload
