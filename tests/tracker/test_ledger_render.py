"""Look at every page: the demo county's 督办台账 printed by LibreOffice to PDF and PNG.

What a reader of the printout sees first: A4 (or A3) landscape pages, text at full size
(the header 任务内容, four characters of 10 pt, is 40 pt wide at 100%), nothing past the
margins, the hidden columns not printed, every page numbered 第 N 页 共 M 页, the group
headings, and every department named on the 汇总 chart. The PNGs stay in
$DUBAN_PAPER_PNG_DIR for a person to look at. Skipped where LibreOffice Calc or poppler is
missing, unless DUBAN_REQUIRE_RENDER=1.
"""
import io
import re

import pytest
from django.core.management import call_command

from tests.papers_docx import render, require_calc
from tracker import lights
from tracker.ledger import export
from tracker.ledger import xlsx_writer as xl
from tracker.models import Department, Task

pytestmark = pytest.mark.django_db

POINTS_PER_MM = 72 / 25.4
PAGES = {xl.A4: (841.9, 595.3), xl.A3: (1190.6, 841.9)}  # landscape, points
HEADER = "任务内容"  # 10 pt bold: 40 pt wide at 100%
MIN_SCALE = 0.85


@pytest.fixture
def demo():
    require_calc()  # before loading anything: the skip should be quick
    call_command("load_demo", stdout=io.StringIO())


def rendered_ledger(name, *, group, paper):
    buffer = io.BytesIO()
    tasks = lights.annotate_signal(Task.objects.all())
    export.ledger_write(tasks=tasks, target=buffer, options=export.LedgerOptions(group=group, paper=paper))
    return render(buffer.getvalue(), name, suffix=".xlsx")


def page_texts(rendered):
    texts = {}
    for word in rendered.words:
        texts.setdefault(word.page, []).append(word.text)
    return {page: "".join(words) for page, words in texts.items()}


def scales(rendered):
    """The print scale of each ledger page, from the printed width of the repeated header 任务内容."""
    return {w.page: (w.x_max - w.x_min) / (len(HEADER) * 10) for w in rendered.words if w.text == HEADER}


def assert_printed_well(rendered, *, paper, name):
    width, height = PAGES[paper]
    assert rendered.pages >= 2
    for w, h in rendered.page_sizes:
        assert abs(w - width) < 1 and abs(h - height) < 1, f"{name}: 页面 {w}×{h} pt，应为横向 {paper.upper()}"
    found = scales(rendered)
    assert found, f"{name}: 找不到表头“{HEADER}”"
    assert min(found.values()) >= MIN_SCALE, f"{name}: 缩放 {min(found.values()):.0%}，10 磅文字印出来小于 9 磅"
    margin = xl.SIDE_MARGIN_IN * 25.4
    outside = rendered.words_outside(left_mm=margin, right_mm=margin)
    assert not outside, f"{name}: 超出页边距的文字 {[(w.page, w.text) for w in outside[:5]]}"
    texts = page_texts(rendered)
    assert not any("v1:" in text for text in texts.values()), f"{name}: 隐藏的导出基准被打印出来"
    for page in range(1, rendered.pages + 1):
        assert f"第{page}页共{rendered.pages}页" in texts.get(page, ""), f"{name}: 第 {page} 页没有页码"
    return texts


def test_the_demo_ledger_grouped_by_speech_prints_on_a4_at_full_size(demo):
    rendered = rendered_ledger("ledger-speech-a4", group="speech", paper=xl.A4)
    texts = assert_printed_well(rendered, paper=xl.A4, name="按讲话分组 A4")
    whole = "".join(texts.values())
    assert texts[1].startswith("督办任务台账") and "制表单位：督查室" in texts[1][:40]  # title, then the 制表 line
    assert re.search(r"一、《在[^》]+上的讲话》（[^）]+）", whole)  # a speech heads its group
    assert "任务来源" not in whole  # the speech heads its group: no column repeats it
    assert all(t.serial in whole for t in Task.objects.all())
    assert min(scales(rendered).values()) >= 0.98  # the demo's columns fit A4 at 100%


def test_the_summary_names_every_department_on_its_chart(demo):
    rendered = rendered_ledger("ledger-summary", group="none", paper=xl.A4)
    texts = page_texts(rendered)
    summary = [page for page, text in texts.items() if "督办任务办理情况汇总" in text]
    charts = [page for page, text in texts.items() if "各牵头单位办结率" in text]
    assert summary and charts and charts[0] > summary[0]
    for header in ("待签收", "办理中", "申请办结", "已办结", "已中止", "红灯", "办结率"):
        assert header in texts[summary[0]]
    on_charts = "".join(texts[page] for page in charts)
    names = [d.name for d in Department.objects.filter(led_tasks__isnull=False).distinct()]
    missing = [name for name in names if name not in on_charts]
    assert not missing, f"图表上缺少单位名称：{missing}"


def test_many_departments_get_charts_that_name_every_one(demo):
    """61 departments: LibreOffice would drop every other name on one chart; here each chart has room."""
    from bench.generate import generate

    generate(tasks=150, departments=50, progress_per_task=0, log=lambda message: None)
    rendered = rendered_ledger("ledger-many-departments", group="department", paper=xl.A3)
    texts = assert_printed_well(rendered, paper=xl.A3, name="按单位分组 A3")
    charts = [page for page, text in texts.items() if "各牵头单位办结率" in text]
    assert len(charts) >= 2
    on_charts = "".join(texts[page] for page in charts)
    names = [d.name for d in Department.objects.filter(led_tasks__isnull=False).distinct()]
    assert len(names) > 50
    missing = [name for name in names if name not in on_charts]
    assert not missing, f"图表上缺少单位名称：{missing[:10]}"


def test_without_calc_the_render_tests_skip_unless_required(monkeypatch, tmp_path):
    import tests.papers_docx as helper

    soffice = tmp_path / "program" / "soffice"  # Writer only: no libsclo beside it
    soffice.parent.mkdir()
    soffice.touch()
    monkeypatch.setattr(helper, "tools", lambda: {"soffice": str(soffice), "pdftoppm": "/usr/bin/pdftoppm",
                                                  "pdfinfo": "/usr/bin/pdfinfo", "pdftotext": "/usr/bin/pdftotext"})
    monkeypatch.delenv("DUBAN_REQUIRE_RENDER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="未安装 Calc"):
        helper.require_calc()
    monkeypatch.setenv("DUBAN_REQUIRE_RENDER", "1")
    with pytest.raises(pytest.fail.Exception, match="DUBAN_REQUIRE_RENDER=1"):
        helper.require_calc()
