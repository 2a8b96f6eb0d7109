"""Move each task's reporting cycle on (report_due): run daily, before send_reminders.

逾期未报 needs no run to show (report_due < today holds by itself once a due date
passes); the run moves a task that stays unreported on to its newest missed due date
and clears tasks that were closed or lost their rule. See tracker/cycles.py.
"""
from django.core.management.base import BaseCommand
from django.utils import timezone

from tracker import services


class Command(BaseCommand):
    help = "按报送周期更新各任务的本期报送截止日（每天运行一次）。"

    def handle(self, *args, **options):
        changed = services.report_cycles_refresh(today=timezone.localdate())
        self.stdout.write(self.style.SUCCESS(f"已更新 {changed} 项任务的报送截止日。"))
