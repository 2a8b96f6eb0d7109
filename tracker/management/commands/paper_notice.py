"""``python manage.py paper_notice --task SERIAL [SERIAL ...] | --department NAME [-o PATH] [--user NAME]``.

督办通知单 (.docx), one page per task: the tasks named by 督办编号, or a department's open tasks.
"""
from django.utils import timezone

from tracker.papers import notice
from tracker.papers import selectors as papers
from tracker.papers.commands import BadInput, PaperCommand


class Command(PaperCommand):
    help = "生成督办通知单（Word），每项任务一页：按督办编号，或某单位牵头的全部在办任务。"

    def add_arguments(self, parser):
        parser.add_argument("--task", nargs="+", default=[], metavar="SERIAL", help="督办编号，可给多个")
        parser.add_argument("--department", default="", help="单位名称（全称、简称或别名均可）")
        super().add_arguments(parser)

    def paper(self, *, user, task=(), department="", **options):
        if bool(task) == bool(department.strip()):
            raise BadInput("请给出 --task 督办编号 或 --department 单位名称（二者选一）。")
        visible = papers.visible_tasks(user=user)
        if task:
            serials = list(dict.fromkeys(s.strip() for s in task))
            tasks = visible.filter(serial__in=serials)
            missing = sorted(set(serials) - set(tasks.values_list("serial", flat=True)))
            if missing:
                raise BadInput(f"没有督办编号为 {'、'.join(missing)} 的任务" + ("（或该用户无权查看）。" if user else "。"))
            stem = f"{notice.TITLE}_{serials[0]}" if len(serials) == 1 else f"{notice.TITLE}_{len(serials)}项"
        else:
            found = papers.department_find(department)
            if found is None:
                raise BadInput(f"没有名为“{department.strip()}”的单位。")
            tasks = papers.department_open_tasks(user=user, department=found)
            if not tasks.exists():
                raise BadInput(f"{found.name}没有在办的牵头任务，无需生成督办通知单。")
            stem = f"{notice.TITLE}_{found.name}"
        rows = papers.notice_rows(tasks)
        document = notice.build(rows, issuer=papers.issuer(), day=timezone.localdate(), site_url=papers.site_url())
        return document, stem, f"督办通知单（{len(rows)} 份）"
