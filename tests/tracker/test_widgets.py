"""QuickSelect renders exactly the HTML Django's Select would, only faster."""
import re

import pytest

from tracker.filters import TaskFilter
from tracker.models import Task
from tracker.widgets import quicken

pytestmark = pytest.mark.django_db


def normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("params", [
    {},
    {"status": "in_progress", "ordering": "-deadline", "signal": "red"},
    {"status": "<script>", "q": '"><b>'},
])
def test_the_filter_form_renders_the_same_html(departments, supervisor, params):
    params = {**params, "department": str(departments["b"].pk)}
    plain = TaskFilter(params, queryset=Task.objects.none(), user=supervisor).form
    quick = quicken(TaskFilter(params, queryset=Task.objects.none(), user=supervisor).form)
    for name in plain.fields:
        assert normalised(str(quick[name])) == normalised(str(plain[name])), name
    assert "selected" in str(quick["department"])
