"""Look at every page: the papers of the demo county rendered by LibreOffice to PDF and PNG.

Checks what a reader would see first: A4 pages the right way round, a 通知单 a page,
and no word sticking out of the text block (a table too wide for the page, a line
that does not wrap). The PNGs stay in $DUBAN_PAPER_PNG_DIR for a person to look at.
Skipped where LibreOffice or poppler is missing, unless DUBAN_REQUIRE_RENDER=1.
"""
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from speeches.models import Speech
from tests.papers_docx import render, require_renderer
from tracker.models import Task
from tracker.papers import breakdown, bulletin, layout, notice, output
from tracker.papers import selectors as papers

pytestmark = pytest.mark.django_db

A4 = (595.3, 841.9)  # points
PAGE_NUMBER_CHARS = set("—0123456789")


@pytest.fixture
def demo():
    require_renderer()  # before loading anything: the skip should be quick
    call_command("load_demo", stdout=io.StringIO())


def footer_numbers(rendered, page: layout.PageSetup) -> list[str]:
    """The page number printed below the text block of each page, in page order."""
    height = rendered.page_sizes[0][1]
    bottom = height - page.bottom * 72 / 25.4
    return [w.text for w in rendered.words if w.y_min > bottom and w.text.isdigit()]


def assert_pages(rendered, page: layout.PageSetup, name):
    width, height = (A4[1], A4[0]) if page.width > page.height else A4
    assert rendered.pages >= 1 and len(rendered.pngs) == rendered.pages
    for w, h in rendered.page_sizes:
        assert abs(w - width) < 1 and abs(h - height) < 1, f"{name}: 页面 {w}×{h} pt，应为 A4 {width}×{height}"
    outside = rendered.words_outside(left_mm=page.left, right_mm=page.right)
    assert not outside, f"{name}: 超出版心的文字 {[(w.page, w.text) for w in outside[:5]]}"
    bottom = height - page.bottom * 72 / 25.4
    below = [w for w in rendered.words if w.y_max > bottom + 2 and not set(w.text) <= PAGE_NUMBER_CHARS]
    assert not below, f"{name}: 版心以下除页码外还有文字 {[(w.page, w.text) for w in below[:5]]}"


def test_every_speechs_breakdown_is_landscape_and_within_the_block(demo):
    for speech in Speech.objects.order_by("pk"):
        paper = papers.speech_breakdown(user=None, speech=speech)
        rendered = render(output.to_bytes(breakdown.build(paper)), f"breakdown-{speech.pk}")
        assert_pages(rendered, layout.LANDSCAPE, paper.title)
        assert all(rendered.landscape())
        assert rendered.words[0].text.startswith("《")  # the title comes first


def test_breakdown_of_every_task_separates_the_speeches(demo):
    paper = papers.tasks_breakdown(tasks=papers.visible_tasks(user=None))
    rendered = render(output.to_bytes(breakdown.build(paper)), "breakdown-all")
    assert_pages(rendered, layout.LANDSCAPE, "全部任务分解表")
    assert rendered.pages >= 2
    assert footer_numbers(rendered, layout.LANDSCAPE) == [str(n) for n in range(1, rendered.pages + 1)]


def test_the_check_catches_a_table_wider_than_the_block():
    """A table past the margin (built around add_table's own check) is caught in the rendered PDF."""
    document = layout.new_document()
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    for column in table.columns:  # 2 × 100 mm on a 156 mm block
        column.width = layout.Mm(100)
    for cell in table.rows[0].cells:
        cell.width = layout.Mm(100)
        cell.paragraphs[0].add_run("超出版心" * 12)
    rendered = render(output.to_bytes(document), "too-wide")
    assert rendered.words_outside(left_mm=layout.PORTRAIT.left, right_mm=layout.PORTRAIT.right)


def test_only_closing_punctuation_may_hang_in_the_margin():
    """A hung 。 is Word's and LibreOffice's default typesetting; a hung character is a line that ran over."""
    from tests.papers_docx import Word, hanging

    assert hanging(Word(1, 416.9, 0, 527.7, 20, "日的累计数）。")) == pytest.approx(110.8 / 7 * 2)
    assert hanging(Word(1, 400.0, 0, 480.0, 20, "超出版心的")) == 0
    assert hanging(Word(1, 400.0, 0, 400.0, 20, "")) == 0


def test_notices_take_one_page_each(demo):
    tasks = papers.open_tasks(papers.visible_tasks(user=None))
    rows = papers.notice_rows(tasks)
    assert len(rows) == tasks.count() > 10
    document = notice.build(rows, issuer="县委督查室", day=timezone.localdate(), site_url="https://duban.example.gov.cn")
    rendered = render(output.to_bytes(document), "notices")
    assert_pages(rendered, layout.PORTRAIT, "督办通知单")
    assert rendered.pages == len(rows)
    assert footer_numbers(rendered, layout.PORTRAIT) == ["1"] * len(rows)  # each is sent on its own
    assert not any(rendered.landscape())


@pytest.mark.parametrize("which", ["last-month", "this-month"])
def test_bulletin_renders_portrait_within_the_block(demo, which):
    today = timezone.localdate()
    month = bulletin.previous_month(today)[0] if which == "last-month" else today.replace(day=1)
    start, end = bulletin.resolve_period(today=today, month=month)
    figures = papers.bulletin_build(user=None, start=start, end=end, today=today)
    assert figures.total == Task.objects.count()
    rendered = render(output.to_bytes(bulletin.build(figures)), f"bulletin-{which}")
    assert_pages(rendered, layout.PORTRAIT, "督办通报")
    assert not any(rendered.landscape())


def test_without_libreoffice_the_render_tests_skip_unless_required(monkeypatch):
    import tests.papers_docx as helper

    monkeypatch.setattr(helper, "tools", lambda: {"soffice": None, "pdftoppm": "/usr/bin/pdftoppm",
                                                  "pdfinfo": "/usr/bin/pdfinfo", "pdftotext": "/usr/bin/pdftotext"})
    monkeypatch.delenv("DUBAN_REQUIRE_RENDER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="未找到 soffice"):
        helper.require_renderer()
    monkeypatch.setenv("DUBAN_REQUIRE_RENDER", "1")
    with pytest.raises(pytest.fail.Exception, match="DUBAN_REQUIRE_RENDER=1"):
        helper.require_renderer()
