"""部门考评: each department's score from its counts. Pure Python, no Django.

得分 = 按时办结率 × 70 + 办结率 × 30 − 红灯占比 × 20 − 逾期未报占比 × 10, kept within 0–100, one decimal.

- 有效任务 = the department's tasks as lead department, less suspended ones;
- 办结率 = closed / 有效任务; 按时办结率 = closed on or before the deadline / 有效任务
  (a task with no deadline counts as on time when closed);
- 红灯占比 = red tasks (deadline passed, not closed) / 有效任务: a department is marked
  down for what is late now, in proportion to its load, so a large department is not
  punished for its size.
- 逾期未报占比 = tasks whose reporting cycle passed with no progress entry (tracker.cycles) /
  有效任务: the same idea for reporting: a department that does its work but does not
  report it loses up to 10 points.

Ranking: score, then on-time rate, then fewer red tasks, then the name.
"""
from dataclasses import dataclass

WEIGHT_ON_TIME = 70
WEIGHT_CLOSED = 30
PENALTY_RED = 20
PENALTY_REPORT = 10
FORMULA = (f"得分 = 按时办结率 × {WEIGHT_ON_TIME} + 办结率 × {WEIGHT_CLOSED} − 红灯占比 × {PENALTY_RED}"
           f" − 逾期未报占比 × {PENALTY_REPORT}（限定在0～100分）")
DEFINITIONS = ("有效任务 = 作为牵头单位的任务（不含已中止）；办结率 = 已办结 ÷ 有效任务；"
               "按时办结率 = 在完成时限当日或之前办结 ÷ 有效任务；红灯占比 = 红灯任务 ÷ 有效任务；"
               "逾期未报占比 = 本期报送截止日已过而未报送进展的任务 ÷ 有效任务。")


@dataclass(slots=True)
class DepartmentCounts:
    name: str
    tasks: int
    closed: int
    on_time: int
    open: int
    red: int
    yellow: int
    suspended: int = 0
    department_id: int | None = None
    report_overdue: int = 0

    @property
    def effective(self):
        return self.tasks - self.suspended

    @property
    def completion_rate(self):
        return ratio(self.closed, self.effective)

    @property
    def on_time_rate(self):
        return ratio(self.on_time, self.effective)

    @property
    def red_share(self):
        return ratio(self.red, self.effective)

    @property
    def report_overdue_share(self):
        return ratio(self.report_overdue, self.effective)

    @property
    def score(self):
        raw = (self.on_time_rate * WEIGHT_ON_TIME + self.completion_rate * WEIGHT_CLOSED
               - self.red_share * PENALTY_RED - self.report_overdue_share * PENALTY_REPORT)
        return round(min(100.0, max(0.0, raw)), 1)


def ratio(part, whole):
    """Return part/whole as a fraction, 0 when there is nothing to divide by."""
    return part / whole if whole else 0.0


def rank(departments):
    """Return [(place, counts)] best first; departments with no effective task are left out.

    Equal scores (and equal tie-breakers) share a place, as in a sports table.
    """
    scored = sorted((d for d in departments if d.effective > 0),
                    key=lambda d: (-d.score, -d.on_time_rate, d.red, d.name))
    table, place, previous = [], 0, None
    for index, dept in enumerate(scored, start=1):
        key = (dept.score, round(dept.on_time_rate, 6), dept.red)
        if key != previous:
            place, previous = index, key
        table.append((place, dept))
    return table
