"""Import a speech file from the command line, for batch work.

``python manage.py import_speech FILE [--date YYYY-MM-DD] [--meeting …] [--speaker …] [--confirm]
[--duplicates link|skip|new]``

Without ``--confirm`` the speeches and their items are saved for review on the web page;
with it the tasks are created as the review page would with its defaults. Either way the
items that closely match an open task are listed as 可能重复：DB-…; with ``--confirm`` they
are linked to that task as repeated instructions (``--duplicates link``, the page's
default), skipped (``skip``) or made tasks all the same (``new``). A file whose speeches
are all in the database already is not imported again: the command says so, names the
existing speech and its review page, and ends with status 0. Bad input
ends the command with a one-line Chinese message and exit status 2; nothing is saved.
Only regular files are read, and no more of them than the upload limit allows
(a device such as /dev/zero or a pipe is refused at once). The file is read as the upload
page reads it (``services.speech_import``): .doc, .wps and RTF through LibreOffice, PDF in
a child process, each within its timeout.
"""
from __future__ import annotations

import datetime
import sys
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from speeches import selectors, services
from speeches.models import SpeechUpload
from speeches.parsing.document import ExtractionError
from tracker import dates

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = "导入讲话稿（.docx、.doc、.wps、PDF、RTF 或 .txt），识别要点；加 --confirm 按默认勾选直接生成督办任务。"

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="讲话稿文件（.docx、.doc、.wps、PDF、RTF 或 .txt）")
        parser.add_argument("--date", help="讲话日期 YYYY-MM-DD（时限按此推算；默认按导入当天推算）")
        parser.add_argument("--meeting", default="", help="会议名称")
        parser.add_argument("--speaker", default="", help="讲话人")
        parser.add_argument("--confirm", action="store_true", help="按审核页默认勾选生成任务")
        parser.add_argument("--duplicates", choices=services.DUPLICATE_CHOICES, default="link",
                            help="可能重复的要点：link 作为重复指示关联到已有任务（默认），skip 跳过，new 仍生成新任务")

    def handle(self, *args, file, date=None, meeting="", speaker="", confirm=False, duplicates="link", **options):
        try:
            speech_date = _parse_date(date)
            upload = services.speech_import(
                data=services.speech_file_read(path=file), filename=Path(file).name, meeting=meeting, speaker=speaker, date=speech_date,
            )
        except services.AlreadyImported as known:
            self.stdout.write(f"{file}：{str(known)}")
            for speech in known.speeches:
                self.stdout.write(f"  [{speech.pk}] 《{speech.title}》 审核页：{speech.get_absolute_url()}")
            return
        except ExtractionError as error:
            self.stderr.write(f"{file}：{' '.join(str(error).split())}")
            sys.exit(EXIT_BAD_INPUT)
        self.handle_one_upload(upload, confirm=confirm, duplicates=duplicates)

    def handle_one_upload(self, upload: SpeechUpload, *, confirm: bool, duplicates: str = "link") -> None:
        """Print what the upload made and what may repeat an open task; with ``confirm`` create and print the tasks too."""
        speeches = list(upload.speeches.order_by("position"))
        self.stdout.write(f"已导入“{upload}”：{len(speeches)} 篇讲话。")
        for known in getattr(upload, "already_imported", []):
            self.stdout.write(f"  已导入过，未重复导入：[{known.pk}] 《{known.title}》")
        total_tasks = total_undated = total_unassigned = 0
        choice_words = {"link": "将作为重复指示关联", "skip": "将跳过", "new": "仍将生成新任务"}
        for speech in speeches:
            line = f"  [{speech.pk}] 《{speech.title}》 要点 {speech.items.count()} 个"
            rows = selectors.speech_review_rows(speech=speech)
            flags = selectors.speech_duplicate_flags(speech=speech, rows=rows)
            notes = [f"    可能重复：{row.item.marker}{row.item.title[:30]} ≈ {flags[row.item.pk].task.serial} "
                     f"{flags[row.item.pk].task.title[:30]}（相似度 {flags[row.item.pk].score:.0%}）"
                     + (f"，{choice_words[duplicates]}" if confirm else "")
                     for row in rows if row.item.pk in flags]
            if confirm:
                tasks = services.speech_confirm_defaults(speech=speech, confirmed_by=None, duplicates=duplicates)
                undated = sum(1 for t in tasks if t.deadline is None)
                unassigned = sum(1 for t in tasks if t.lead_department_id is None)
                total_tasks += len(tasks)
                total_undated += undated
                total_unassigned += unassigned
                line += f"，生成任务 {len(tasks)} 项（缺时限 {undated}，待指定牵头单位 {unassigned}）"
                if tasks.linked:
                    line += f"，关联重复指示 {len(tasks.linked)} 项"
            self.stdout.write(line)
            for note in notes:
                self.stdout.write(note)
        if confirm:
            self.stdout.write(
                f"共生成任务 {total_tasks} 项；缺完成时限 {total_undated} 项，待指定牵头单位 {total_unassigned} 项。"
            )
        else:
            self.stdout.write("尚未生成任务：请在审核页确认，或加 --confirm 按默认勾选生成。")


def _parse_date(text: str | None) -> datetime.date | None:
    if not text:
        return None
    try:
        value = datetime.date.fromisoformat(text)
    except ValueError:
        raise ExtractionError(f"日期“{text}”格式不对，应为 YYYY-MM-DD，例如 2024-09-01。")
    try:
        dates.check_sane(value, "讲话日期")
    except ValidationError as error:
        raise ExtractionError(error.messages[0]) from None
    return value

