"""督办通报 from plain figures: the period, the drafted words, the tables. No database."""
from datetime import date

import pytest

from tests.papers_docx import grid_mm, read, rows, text_width_mm
from tracker.papers import bulletin, output
from tracker.papers.bulletin import Bulletin, DepartmentRow, RankRow, RedTask


@pytest.mark.parametrize("today,period", [
    (date(2025, 3, 10), (date(2025, 2, 1), date(2025, 2, 28))),
    (date(2025, 1, 1), (date(2024, 12, 1), date(2024, 12, 31))),
    (date(2024, 3, 31), (date(2024, 2, 1), date(2024, 2, 29))),
])
def test_previous_month(today, period):
    assert bulletin.previous_month(today) == period


TODAY = date(2025, 3, 10)


@pytest.mark.parametrize("given,period", [
    ({}, (date(2025, 2, 1), date(2025, 2, 28))),
    ({"month": date(2025, 1, 1)}, (date(2025, 1, 1), date(2025, 1, 31))),
    ({"month": date(2025, 3, 1)}, (date(2025, 3, 1), TODAY)),  # a month still running ends today
    ({"start": date(2025, 2, 3), "end": date(2025, 2, 14), "month": date(2025, 1, 1)}, (date(2025, 2, 3), date(2025, 2, 14))),
])
def test_resolve_period(given, period):
    assert bulletin.resolve_period(today=TODAY, **given) == period


@pytest.mark.parametrize("given,message", [
    ({"start": date(2025, 2, 3)}, "请同时填写起始日期和截止日期。"),
    ({"start": date(2025, 2, 14), "end": date(2025, 2, 3)}, "起始日期不能晚于截止日期。"),
    ({"start": date(2025, 3, 1), "end": date(2025, 3, 11)}, "截止日期不能晚于今天（2025年3月10日）。"),
    ({"month": date(2025, 4, 1)}, "不能选择尚未开始的月份。"),
])
def test_resolve_period_refuses_in_chinese(given, message):
    with pytest.raises(bulletin.PeriodError, match=message):
        bulletin.resolve_period(today=TODAY, **given)


@pytest.mark.parametrize("start,end,label", [
    (date(2025, 2, 1), date(2025, 2, 28), "2025年2月"),
    (date(2025, 1, 1), date(2025, 12, 31), "2025年"),
    (date(2025, 2, 3), date(2025, 2, 14), "2025年2月3日至2月14日"),
    (date(2024, 12, 20), date(2025, 1, 5), "2024年12月20日至2025年1月5日"),
    (date(2025, 3, 3), date(2025, 3, 3), "2025年3月3日"),
])
def test_period_label(start, end, label):
    assert bulletin.period_label(start, end) == label


def figures(**changes):
    base = {
        "start": date(2025, 2, 1), "end": date(2025, 2, 28), "as_of": TODAY, "total": 30, "closed": 6, "open": 23,
        "suspended": 1, "red": 2, "yellow": 3, "closed_in_period": 4, "on_time_in_period": 3, "yellow_days": 7,
        "departments": [DepartmentRow("县教育局基础教育股", 5, 2, 1, 3, 2, 1),
                        DepartmentRow("县财政局", 2, 0, 0, 0, 2, 1), DepartmentRow("空单位", 0, 0, 0, 0, 0, 0)],
        "red_tasks": [RedTask("DB-2025-0007", "强化师德师风", "各乡镇中心学校", date(2025, 1, 31), 38),
                      RedTask("DB-2025-0014", "确保经费足额拨付", "", date(2025, 3, 1), 9)],
        "ranking": [RankRow(1, "县教育局基础教育股", 46.0, 0.2, 0.6, 1, 5), RankRow(2, "县财政局", 0.0, 0.0, 0.0, 1, 2)],
        "formula": "得分 = …", "definitions": "有效任务 = …", "issuer": "县委督查室",
    }
    return Bulletin(**{**base, **changes})


def test_overview_words_every_figure():
    state, period, lights = bulletin.overview(figures())
    assert state == "截至2025年3月10日，纳入督办的任务共30项，其中已办结6项、在办23项、已中止1项，办结率20.7%。"
    assert period == "2025年2月共办结任务4项，其中按时办结3项、逾期办结1项。"
    assert lights == "目前有2项任务已超过完成时限仍未办结（红灯），3项任务将在7天内到期（黄灯）。"


def test_overview_of_a_quiet_period():
    _, period, lights = bulletin.overview(figures(closed_in_period=0, on_time_in_period=0, red=0, yellow=0))
    assert period == "2025年2月没有办结的任务。"
    assert lights == "目前没有超过完成时限仍未办结的任务，7天内没有到期的任务。"


def test_docx_has_headings_department_red_and_ranking_tables():
    document = read(output.to_bytes(bulletin.build(figures())))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "关于2025年2月讲话任务落实情况的通报"
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == ["一、总体情况", "二、各单位落实情况", "三、红灯任务", "四、考评排名", "五、下一步工作要求"]
    departments, red, ranking = document.tables
    assert rows(departments)[1:] == [["县教育局基础教育股", "5", "2", "1", "3", "2", "1"],
                                     ["县财政局", "2", "0", "0", "0", "2", "1"]]  # a department without tasks is left out
    assert [r[0] for r in rows(red)[1:]] == ["DB-2025-0007", "DB-2025-0014"]
    assert rows(red)[2][2] == "待指定" and rows(red)[1][4] == "38"
    assert rows(ranking)[1] == ["1", "县教育局基础教育股", "46.0", "20.0%", "60.0%", "1", "5"]
    assert "注：有效任务 = …" in texts
    assert any(t.startswith("（一）抓紧办理红灯任务。") for t in texts)
    assert texts[-2:] == ["县委督查室", "2025年3月10日"]
    width = text_width_mm(document.sections[0])
    assert all(sum(grid_mm(t)) <= width + 0.1 for t in document.tables)


def test_without_red_tasks_the_requirements_renumber():
    document = read(output.to_bytes(bulletin.build(figures(red=0, red_tasks=[]))))
    texts = [p.text for p in document.paragraphs]
    assert "目前没有红灯任务。" in texts
    assert [t[:3] for t in texts if t.startswith("（")] == ["（一）", "（二）"]
    assert len(document.tables) == 2
