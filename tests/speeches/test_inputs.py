"""Speeches as officials have them: PDF, Word 97-2003 .doc, WPS .wps and RTF, through the upload page and import_speech.

The files are real: a speech written with python-docx and turned by LibreOffice into
each format (tests/office_files.py). Each comes out as the same speech with the same
items, owners and deadlines; a scan, a spreadsheet in OLE form and a .doc without
LibreOffice get a Chinese message and leave nothing behind.
"""
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from speeches import office_convert
from speeches.models import Speech
from tests import office_files
from tests.ole_files import ole_file

pytestmark = pytest.mark.django_db

UPLOAD = reverse("speeches:upload")


def upload(client, *, data, name):
    file = io.BytesIO(data)
    file.name = name
    return client.post(UPLOAD, {"file": file, "text": "", "meeting": "全县安全生产工作会议", "speaker": "李县长",
                                "date": "2025-01-10"})

SECTIONS = 2


def expected_lines(sections):
    return [text for group in office_files.speech_paragraphs(sections) for text in group]


def check_speech(speech, sections):
    """The speech has its title, its text line for line, and its items with owners and deadlines."""
    assert speech.title == office_files.TITLE
    assert [line for line in speech.text.split("\n") if line.strip()] == expected_lines(sections)
    items = list(speech.items.order_by("order"))
    subsections = ("（一）", "（二）", "（三）", "（四）")
    assert [item.marker for item in items] == [
        marker for section in office_files.NUMERALS[:sections] for marker in (f"{section}、", *subsections)]
    first = items[1]
    assert first.owner_text.split("\n")[0] == office_files.OWNERS[1] and first.deadline_text == "2月底前"


FILES = {
    "doc": (lambda: office_files.speech_doc(), "讲话.doc", SECTIONS),
    "wps": (lambda: office_files.speech_doc(), "讲话.wps", SECTIONS),  # WPS writes the same binary format
    "rtf": (lambda: office_files.speech_rtf(), "讲话.rtf", SECTIONS),
    "pdf": (lambda: office_files.speech_pdf(), "讲话.pdf", len(office_files.FOOTERS)),
}


@pytest.mark.parametrize("kind", FILES)
def test_each_format_uploaded_on_the_page_becomes_the_speech_with_its_items(sup_client, county, kind):
    make, name, sections = FILES[kind]
    response = upload(sup_client, data=make(), name=name)
    assert response.status_code == 302, response.content.decode()[-2000:]
    speech = Speech.objects.get()
    check_speech(speech, sections)
    assert speech.upload.file.name.endswith(name.rsplit(".", 1)[1])  # the original is kept as it came


@pytest.mark.parametrize("kind", ["doc", "pdf"])
def test_each_format_imports_with_the_command(county, tmp_path, kind):
    make, name, sections = FILES[kind]
    path = tmp_path / name
    path.write_bytes(make())
    out = io.StringIO()
    call_command("import_speech", str(path), "--date", "2024-01-10", "--confirm", stdout=out, stderr=io.StringIO())
    speech = Speech.objects.get()
    check_speech(speech, sections)
    assert "共生成任务" in out.getvalue()
    task = speech.tasks.get(source_item__order=2)
    assert task.lead_department == county[office_files.OWNERS[1]] and str(task.deadline) == "2024-02-29"


REFUSED = [
    ("scan", lambda: office_files.scan_pdf(), "扫描件.pdf", "该 PDF 没有文字层（可能是扫描件），请上传 Word 或文本格式，或先做文字识别。"),
    ("spreadsheet in OLE form", lambda: ole_file("Workbook", "\x05SummaryInformation"), "讲话.doc",
     "该文件不是 Word 或 WPS 文字文档"),
    ("Works .wps", lambda: ole_file("CONTENTS", "SPELLING"), "讲话.wps", "该文件不是 Word 或 WPS 文字文档"),
    ("password-protected docx", lambda: ole_file("EncryptionInfo", "EncryptedPackage"), "讲话.docx",
     "该文档设有打开密码"),
]


@pytest.mark.parametrize("case, make, name, message", REFUSED, ids=[case[0] for case in REFUSED])
def test_files_that_cannot_be_read_are_refused_on_the_page_and_by_the_command(
        sup_client, county, row_counts, media_root, tmp_path, case, make, name, message):
    data = make()
    before = row_counts()
    response = upload(sup_client, data=data, name=name)
    assert response.status_code == 200 and message in response.content.decode()
    path = tmp_path / name
    path.write_bytes(data)
    err = io.StringIO()
    with pytest.raises(SystemExit) as stopped:
        call_command("import_speech", str(path), stdout=io.StringIO(), stderr=err)
    assert stopped.value.code == 2 and message in err.getvalue()
    assert row_counts() == before
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_without_libreoffice_a_doc_is_refused_with_how_to_save_it_as_docx(sup_client, county, row_counts, monkeypatch):
    monkeypatch.setattr(office_convert, "soffice_path", lambda: None)
    before = row_counts()
    response = upload(sup_client, data=office_files.speech_doc(), name="讲话.doc")
    page = response.content.decode()
    assert "未安装 LibreOffice" in page and "另存为" in page and "Word 文档（*.docx）" in page
    assert row_counts() == before


def test_a_pdf_that_takes_too_long_is_stopped_with_a_message(sup_client, county, settings, row_counts):
    settings.SPEECH_PDF_TIMEOUT = 0.01
    before = row_counts()
    response = upload(sup_client, data=office_files.speech_pdf(), name="讲话.pdf")
    assert "秒仍未完成" in response.content.decode()
    assert row_counts() == before


def test_a_pdf_over_the_page_limit_is_refused_with_the_limit(sup_client, county, settings, row_counts):
    settings.SPEECH_PDF_MAX_PAGES = 3
    before = row_counts()
    response = upload(sup_client, data=office_files.speech_pdf(), name="讲话.pdf")
    assert "超过 3 页的上限" in response.content.decode()
    assert row_counts() == before


def test_the_upload_page_names_the_formats_and_the_pdf_page_limit(sup_client):
    page = sup_client.get(UPLOAD).content.decode()
    assert "PDF（有文字层）" in page and ".doc" in page and "WPS（.wps）" in page
    assert "PDF 不超过 300 页" in page and "扫描的 PDF" in page
    assert 'accept=".txt,.docx,.doc,.wps,.pdf,.rtf' in page


def test_a_breakdown_table_in_word_becomes_tasks_with_departments_and_deadlines(county, tmp_path, sup_client):
    """A 分解表 written as a Word table, imported with --confirm: one task a row, lead and co from the columns."""
    path = tmp_path / "分解表.docx"
    path.write_bytes(office_files.table_docx([
        office_files.TABLE_HEADER,
        ("1", "加快推进城区学校扩容改造", "县教育局", "县财政局，县发展和改革局", "2025年6月底前"),
        ("2", "落实学生资助资金", "县财政局", "县教育局", "2025.9.30"),
    ]))
    call_command("import_speech", str(path), "--date", "2025-01-10", "--confirm", stdout=io.StringIO())
    tasks = {task.title: task for task in Speech.objects.get().tasks.all()}
    assert set(tasks) == {"加快推进城区学校扩容改造", "落实学生资助资金"}
    first, second = tasks["加快推进城区学校扩容改造"], tasks["落实学生资助资金"]
    assert first.lead_department == county["县教育局"] and str(first.deadline) == "2025-06-30"
    assert set(first.co_departments.all()) == {county["县财政局"], county["县发展和改革局"]}
    assert second.lead_department == county["县财政局"] and str(second.deadline) == "2025-09-30"
    assert list(second.co_departments.all()) == [county["县教育局"]]
