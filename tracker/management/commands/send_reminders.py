"""Daily digest e-mails to department officers: red, yellow, 逾期未报, 本期待报送 and unacknowledged tasks.

Run it from cron every day (see README.md): on a day that is not a Chinese working
day (weekends, statutory holidays; 调休 Saturdays are working days, tracker.workdays)
it prints one line and sends nothing, unless --force. Before sending it moves every
task's reporting cycle on (refresh_report_cycles). Running it again the same day
sends nothing to whoever already got today's digest.
"""
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tracker import workdays
from tracker.supervision import reminders


class Command(BaseCommand):
    help = "向各部门填报员发送红灯、黄灯、逾期未报、本期待报送和待签收任务的每日提醒邮件（每人每天至多一次，仅工作日）。"

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只打印将要发送的邮件，不发送也不记录。")
        parser.add_argument("--force", action="store_true", help="非工作日（周末、法定节假日）也发送。")

    def handle(self, *args, dry_run=False, force=False, **options):
        today = timezone.localdate()
        if not force and not workdays.is_workday(today):
            self.stdout.write(f"{today:%Y-%m-%d} 不是工作日（周末或法定节假日），不发送提醒。需要时加 --force。")
            return
        sent, failed_departments = reminders.reminder_round(today=today, send=self.handle_one, dry_run=dry_run)
        for department in failed_departments:
            self.stderr.write(f"{department.name}：发送失败（原因见日志），未记录，下次运行将重试。")
        failed = len(failed_departments)
        verb = "将发送" if dry_run else "已发送"
        self.stdout.write(self.style.SUCCESS(f"{verb}提醒邮件 {sent} 封。") if not failed
                          else self.style.WARNING(f"{verb}提醒邮件 {sent} 封，{failed} 个单位发送失败。"))
        if failed:
            raise CommandError("部分提醒邮件发送失败。")

    def handle_one(self, *, department, today, dry_run=False):
        """Remind one department's officers and report what happened on stdout."""
        outcome = reminders.reminder_send_department(department=department, today=today, dry_run=dry_run)
        name = department.name
        if outcome.task_count == 0:
            self.stdout.write(f"{name}：没有红灯、黄灯、逾期未报、待报送或待签收任务，不发送。")
            return outcome
        for officer in outcome.skipped_today:
            self.stdout.write(f"{name}：{officer.username} 今天已收到提醒，跳过。")
        for officer in outcome.no_email:
            self.stdout.write(f"{name}：{officer.username} 未填写邮箱，跳过。")
        for officer, subject, body in outcome.emails:
            if dry_run:
                self.stdout.write(f"—— 将发送给 {officer.username} <{officer.email}> ——\n主题：{subject}\n{body}\n")
            else:
                self.stdout.write(f"{name}：已发送给 {officer.username} <{officer.email}>（{outcome.task_count} 项任务）。")
        return outcome
