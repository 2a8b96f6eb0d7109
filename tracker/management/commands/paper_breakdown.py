"""``python manage.py paper_breakdown --speech ID [-o PATH] [--user NAME]``: a speech's 任务分解表 (.docx)."""
from speeches.models import Speech
from tracker.papers import breakdown
from tracker.papers import selectors as papers
from tracker.papers.commands import BadInput, PaperCommand


class Command(PaperCommand):
    help = "生成讲话的重点任务分解表（Word，横向 A4）。"

    def add_arguments(self, parser):
        parser.add_argument("--speech", default="", help="讲话编号（讲话审核页地址中的数字）")
        super().add_arguments(parser)

    def paper(self, *, user, speech="", **options):
        if not speech.strip().isdigit():
            raise BadInput("请用 --speech 给出讲话编号（一个数字），例如 --speech 3。")
        try:
            found = papers.speech_for_breakdown(user=user, pk=int(speech))
        except Speech.DoesNotExist:
            raise BadInput(f"没有编号为 {speech} 的讲话" + ("（或该用户看不到它的任务）。" if user else "。")) from None
        paper = papers.speech_breakdown(user=user, speech=found)
        return breakdown.build(paper), paper.title, f"分解表（{len(paper.tasks)} 项任务）"
