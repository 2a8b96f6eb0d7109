"""The period picker of the 督办通报: it types the input; ``bulletin.resolve_period`` judges it."""
from django import forms
from django.utils import timezone

from tracker.papers import bulletin

DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD，如 2025-03-01。"}


class PeriodForm(forms.Form):
    month = forms.DateField(label="月份", required=False, input_formats=["%Y-%m"],
                            error_messages={"invalid": "月份格式应为 YYYY-MM，如 2025-03。"})
    start = forms.DateField(label="起始日期", required=False, error_messages=DATE_ERRORS,
                            widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="截止日期", required=False, error_messages=DATE_ERRORS,
                          widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            data["start"], data["end"] = bulletin.resolve_period(
                today=self.today, start=data.get("start"), end=data.get("end"), month=data.get("month"))
        except bulletin.PeriodError as exc:
            raise forms.ValidationError(str(exc)) from None
        return data
