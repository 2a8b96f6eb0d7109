"""What the paper_* management commands share: where to write, whose view to take, how to refuse.

Bad input ends a command with one Chinese line on stderr and exit status 2, nothing
written (argparse's own errors are English, so every option is checked here).
"""
import sys
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand

from tracker.models import User
from tracker.papers import output

EXIT_BAD_INPUT = 2


class BadInput(Exception):
    """A command's input it cannot use; the message is the Chinese line to print."""


class PaperCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", default="",
                            help="写入的 .docx 文件路径，或已存在的目录（默认：当前目录，按文书名称命名）")
        parser.add_argument("--user", dest="username", default="",
                            help="按此用户的权限取数（默认：全部任务）")

    def handle(self, *args, **options):
        try:
            user = self.user_of(options["username"])
            document, stem, summary = self.paper(user=user, **options)
            path = self.target(options["output"], stem)
            path.write_bytes(output.to_bytes(document))
        except BadInput as exc:
            self.stderr.write(str(exc))
            sys.exit(EXIT_BAD_INPUT)
        self.stdout.write(f"已生成{summary}：{path}")

    def paper(self, *, user, **options):
        """Return (document, file name stem, what was written) — each command says what."""
        raise NotImplementedError

    @staticmethod
    def user_of(username):
        if not username:
            return None
        try:
            return User.objects.get(username=username)
        except User.DoesNotExist:
            raise BadInput(f"没有用户“{username}”。") from None

    @staticmethod
    def target(given, stem) -> Path:
        name = output.filename(stem)
        if not given:
            return Path.cwd() / name
        path = Path(given)
        if path.is_dir():
            return path / name
        if path.suffix.lower() != ".docx":
            raise BadInput(f"输出文件“{given}”应以 .docx 结尾（或给出一个已存在的目录）。")
        if not path.parent.is_dir():
            raise BadInput(f"目录“{path.parent}”不存在。")
        return path


def parse_date(text, *, option) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise BadInput(f"{option} 的日期“{text}”格式不对，应为 YYYY-MM-DD，例如 2025-03-01。") from None
