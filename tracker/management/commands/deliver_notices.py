"""Send the group-chat robots' outbox (企业微信 / 钉钉): every message that is due, retried with backoff.

Run it from cron every minute or two; a message the post-commit attempt could not
deliver waits in ``NoticeDelivery`` with its error until its next attempt is due.
"""
from django.core.management.base import BaseCommand

from tracker import notices


class Command(BaseCommand):
    help = "推送到期的群机器人消息（企业微信、钉钉），失败的按间隔重试。"

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=200, help="本次最多发送的条数（默认 200）")

    def handle(self, *args, limit, **options):
        sent, failed = notices.deliver_due(limit=limit)
        self.stdout.write(f"已发送 {sent} 条，失败 {failed} 条（失败的将按间隔重试）。")
