"""QuickSelect renders exactly the HTML Django's Select would, only faster."""
import re

import pytest

from tracker.filters import TaskFilter, quick_form
from tracker.models import Task
from tracker.widgets import QuickSelect, quicken

pytestmark = pytest.mark.django_db


def normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("params", [
    {},
    {"status": "in_progress", "ordering": "-deadline", "signal": "red"},
    {"status": "<script>", "q": '"><b>'},
    {"ordering": "serial,-deadline"},  # two orderings: django-filter's text box, not a select
    {"meeting": "<专题会>&\"", "deadline_after": "2026-01-01", "created_before": "not a date", "q": "校舍"},
])
def test_the_filter_form_renders_the_same_html(departments, supervisor, params):
    params = {**params, "department": str(departments["b"].pk)}
    plain = TaskFilter(params, queryset=Task.objects.none(), user=supervisor).form
    quick = quicken(TaskFilter(params, queryset=Task.objects.none(), user=supervisor).form)
    cached = quick_form(TaskFilter(params, queryset=Task.objects.none(), user=supervisor))
    quick_form(TaskFilter(params, queryset=Task.objects.none(), user=supervisor))  # once more: from the cache
    for name in plain.fields:
        assert normalised(str(quick[name])) == normalised(str(plain[name])), name
        assert normalised(str(cached[name])) == normalised(str(plain[name])), name
        assert quick[name].label_tag() == plain[name].label_tag(), name  # QuickRenderer: to the character
        if not isinstance(quick[name].field.widget, QuickSelect):
            assert str(quick[name]) == str(plain[name]), name
    assert "selected" in str(quick["department"])


def test_a_renamed_or_retired_department_shows_in_the_boxes_at_once(departments, supervisor):
    def boxes():
        form = quick_form(TaskFilter({}, queryset=Task.objects.none(), user=supervisor))
        return str(form["department"]), str(form["lead_department"])

    assert all("县财政局" in box for box in boxes())
    departments["b"].name = "县财政局（新）"
    departments["b"].is_active = False
    departments["b"].save()
    active_only, every = boxes()
    assert "县财政局" not in active_only and "县财政局（新）" in every
