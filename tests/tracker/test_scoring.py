"""部门考评: the score formula and the ranking, on plain numbers."""
import pytest

from tracker.supervision.scoring import DepartmentCounts, rank


def dept(name, tasks, closed, on_time, red=0, suspended=0, report_overdue=0):
    return DepartmentCounts(name=name, tasks=tasks, closed=closed, on_time=on_time, open=tasks - closed - suspended,
                            red=red, yellow=0, suspended=suspended, report_overdue=report_overdue)


@pytest.mark.parametrize("counts,score", [
    (dept("全部按时", 10, 10, 10), 100.0),
    (dept("全部逾期办结", 10, 10, 0), 30.0),
    (dept("一半按时一半在办", 10, 5, 5), 50.0),
    (dept("一半在办且全红", 10, 5, 5, red=5), 40.0),
    (dept("全红", 4, 0, 0, red=4), 0.0),          # clamped at zero
    (dept("中止不计", 12, 10, 10, suspended=2), 100.0),
    (dept("无任务", 0, 0, 0), 0.0),
    (dept("一半在办且逾期未报", 10, 5, 5, report_overdue=5), 45.0),   # − 逾期未报占比 × 10
    (dept("在办全红且全未报", 10, 5, 5, red=5, report_overdue=5), 35.0),
])
def test_score(counts, score):
    assert counts.score == score


def test_rates():
    counts = dept("甲", 8, 6, 3, red=2)
    assert counts.completion_rate == 0.75 and counts.on_time_rate == 0.375 and counts.red_share == 0.25


def test_ranking_order_ties_and_empty_departments():
    table = rank([
        dept("丙", 10, 5, 5), dept("甲", 10, 10, 10), dept("乙", 10, 5, 5), dept("空", 0, 0, 0),
        dept("丁", 10, 10, 0),
    ])
    assert [(place, d.name) for place, d in table] == [(1, "甲"), (2, "丙"), (2, "乙"), (4, "丁")]


def test_on_time_rate_breaks_a_tie_in_score():
    late_closer = dept("全办结但多逾期", 10, 10, 4)        # 28 + 30 = 58
    punctual = dept("按时多但有红灯", 10, 6, 6, red=1)      # 42 + 18 - 2 = 58
    assert late_closer.score == punctual.score == 58.0
    assert [(place, d.name) for place, d in rank([late_closer, punctual])] == [
        (1, "按时多但有红灯"), (2, "全办结但多逾期")]


def test_formula_states_the_reporting_penalty():
    from tracker.supervision.scoring import DEFINITIONS, FORMULA

    assert "− 逾期未报占比 × 10" in FORMULA and "逾期未报占比 = " in DEFINITIONS
