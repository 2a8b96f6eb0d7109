"""Fixtures for the speech pages: a logged-in supervisor, a .docx writer, row counts, review form data."""
import io

import pytest


@pytest.fixture
def sup_client(client, supervisor):
    client.force_login(supervisor)
    return client


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
