"""``python manage.py paper_bulletin [--from YYYY-MM-DD --to YYYY-MM-DD | --month YYYY-MM] [-o PATH] [--user NAME]``.

督办通报 (.docx) for a period; without dates, for last month.
"""
from datetime import date

from django.utils import timezone

from tracker import permissions
from tracker.papers import bulletin
from tracker.papers import selectors as papers
from tracker.papers.commands import BadInput, PaperCommand, parse_date


class Command(PaperCommand):
    help = "生成督办通报（Word）：指定起止日期或月份，默认上月。"

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="start", default="", help="起始日期 YYYY-MM-DD")
        parser.add_argument("--to", dest="end", default="", help="截止日期 YYYY-MM-DD")
        parser.add_argument("--month", default="", help="月份 YYYY-MM（与起止日期二选一）")
        super().add_arguments(parser)

    def paper(self, *, user, start="", end="", month="", **options):
        if user is not None and not permissions.can_issue_bulletin(user):
            raise BadInput(f"用户“{user.username}”不是督查员或领导，不能生成督办通报。")
        today = timezone.localdate()
        try:
            first, last = bulletin.resolve_period(
                today=today, start=parse_date(start, option="--from"), end=parse_date(end, option="--to"),
                month=parse_month(month))
        except bulletin.PeriodError as exc:
            raise BadInput(str(exc)) from None
        figures = papers.bulletin_build(user=user, start=first, end=last, today=today)
        label = bulletin.period_label(first, last)
        return bulletin.build(figures), f"督办通报_{label}", f"{label}督办通报"


def parse_month(text) -> date | None:
    if not text:
        return None
    try:
        year, month = (int(part) for part in text.split("-"))
        return date(year, month, 1)
    except ValueError:
        raise BadInput(f"--month 的月份“{text}”格式不对，应为 YYYY-MM，例如 2025-03。") from None
