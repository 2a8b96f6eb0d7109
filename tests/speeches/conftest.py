"""Fixtures for the speech pages: the demo county's departments and a logged-in supervisor."""
import io
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

SPEECH = """在全县秋季开学工作会议上的讲话
同志们：
今天召开会议，安排部署秋季开学工作。我讲三点意见。
一、上半年工作回顾
一是办学条件持续改善，新建校舍3.2万平方米。二是教育质量稳步提升，中考平均分提高了6.5分。
二、存在的问题
一是城区学校大班额问题仍然突出。二是农村学校音体美教师严重不足。
三、扎实做好秋季开学工作
（一）保障按时开学。县教育局要在8月25日前完成全县校舍安全排查。
（二）化解大班额。发改、财政部门要加快推进城区第二实验小学建设，年底前完成主体工程。
（三）强化师德师风。各学校要在本学期开展一次师德师风专项整治。
（四）做好学生资助。县委、县政府要统筹安排资助资金，做到应助尽助。
同志们，新学期任务艰巨，希望大家真抓实干。
"""


@pytest.fixture
def county(db):
    """The demo county's departments, read from fixtures/departments.json."""
    from tracker.models import Department

    rows = json.loads((FIXTURES / "departments.json").read_text(encoding="utf-8"))
    return {
        row["name"]: Department.objects.create(
            name=row["name"], short_name=row["short_name"], aliases="\n".join(row["aliases"]), order=order)
        for order, row in enumerate(rows, start=1)
    }


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


@pytest.fixture
def speech_text():
    return SPEECH


def docx_bytes(paragraphs):
    """A real .docx written with python-docx."""
    import docx

    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def counts():
    """Rows of every table an import or a confirmation writes."""
    from speeches.models import Speech, SpeechItem, SpeechUpload
    from tracker.models import Task

    return {m.__name__: m.objects.count() for m in (SpeechUpload, Speech, SpeechItem, Task)}


def review_post_data(response):
    """What a browser sends back from the review page when nothing is changed."""
    data = {}
    for row in response.context["rows"]:
        form = row.form
        if form is None:
            continue
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if name == "include":
                if value:
                    data[key] = "on"
            elif isinstance(value, list | tuple):
                data[key] = [str(v) for v in value]
            elif value is None:
                data[key] = ""
            else:
                data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


@pytest.fixture
def make_docx():
    return docx_bytes


@pytest.fixture
def row_counts():
    return counts


@pytest.fixture
def review_data():
    return review_post_data
