"""The values a task's status and category take, with their Chinese labels: written once, here.

Plain Python, so the workflow table, the 红黄绿灯 rules and the speech-to-task defaults
read the same values as the model's choices without importing Django models.
"""

# Status (状态) of a task along the closed loop; tracker.workflow says how it moves.
PENDING, IN_PROGRESS, CLOSING, CLOSED, SUSPENDED = "pending", "in_progress", "closing", "closed", "suspended"
STATUS_LABELS = {
    PENDING: "待签收",
    IN_PROGRESS: "办理中",
    CLOSING: "申请办结",
    CLOSED: "已办结",
    SUSPENDED: "已中止",
}
OPEN_STATUSES = frozenset({PENDING, IN_PROGRESS, CLOSING})
# Statuses that owe periodic reports: once 申请办结 is filed its 办结报告 stands in for them.
REPORTING_STATUSES = frozenset({PENDING, IN_PROGRESS})

# Category (类别): a directive becomes 部署任务, a problem to fix 整改任务.
DEPLOY, RECTIFY = "deploy", "rectify"
CATEGORY_LABELS = {DEPLOY: "部署任务", RECTIFY: "整改任务"}

# Reporting rule (报送周期) of a task; tracker.cycles computes its due dates.
from tracker.cycles import BIWEEKLY, MILESTONE, MONTHLY, NONE, WEEKLY  # noqa: E402  (plain Python too)

REPORT_RULE_LABELS = {
    NONE: "不定期",
    MONTHLY: "每月",
    WEEKLY: "每周",
    BIWEEKLY: "每两周",
    MILESTONE: "仅节点（完成时限前）",
}
