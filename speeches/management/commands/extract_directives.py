"""Extract the enumerated items of speech files: a readable tree, or the JSON of speeches/parsing/README.md §7.

``python manage.py extract_directives FILE [FILE ...] [--json]``

The JSON output is what ``score.py`` reads, so a change to the extractor can be measured
on the gold files from the shell. Bad input ends the command with a one-line Chinese
message on stderr and exit status 2, before anything is printed: a half-written JSON
document would only confuse the scorer.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from speeches import office_convert
from speeches.parsing import pipeline
from speeches.parsing.document import Document, ExtractionError, Item
from speeches.parsing.reader import read_input

EXIT_BAD_INPUT = 2
KIND_LABELS = {"directive": "要求", "problem": "问题", "achievement": "成效", "other": "其他"}


class Command(BaseCommand):
    help = "从讲话稿（.docx、.doc、.wps、PDF、RTF 或 .txt）中提取带序号的条目，输出为层级树或 --json（格式见 speeches/parsing/README.md §7）。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="讲话稿文件（.docx、.doc、.wps、PDF、RTF 或 .txt）")
        parser.add_argument("--json", dest="as_json", action="store_true", help="输出 score.py 可读取的 JSON")

    def handle(self, *args, files: list[str], as_json: bool = False, **options):
        documents = []
        for path in files:
            try:
                documents.append(self.handle_one_file(path))
            except (ExtractionError, OSError) as error:
                self.stderr.write(f"{path}：{_message(error)}")
                sys.exit(EXIT_BAD_INPUT)
        if as_json:
            self.stdout.write(_dump(pipeline.to_guide_json(documents)))
        else:
            for document in documents:
                self.stdout.write("\n".join(outline_lines(document)))

    def handle_one_file(self, path: str) -> Document:
        """Read one file and return its extracted document; raise on unreadable input."""
        data = Path(path).read_bytes()
        return pipeline.extract(read_input(data, path, convert=office_convert.converter()), Path(path).name)


def outline_lines(document: Document) -> list[str]:
    """Return the document as an indented tree: marker, title, kind, owners, deadline."""
    lines = [f"== {document.source} =="]
    for speech in document.speeches:
        lines.append(f"《{speech.title or '（无标题）'}》  共 {len(speech.items)} 项")
        depths: dict[str, int] = {}
        for item in speech.items:
            depth = depths[item.id] = depths.get(item.parent, -1) + 1 if item.parent else 0
            lines.append("  " * (depth + 1) + _item_line(item))
    return lines


def _item_line(item: Item) -> str:
    line = f"{item.marker} {item.title}  [{KIND_LABELS.get(item.kind, item.kind)}]"
    if item.owners:
        line += f"  责任：{'、'.join(item.owners)}"
    if item.deadlines:
        line += f"  时限：{'、'.join(item.deadlines)}"
    return line


def _dump(guide) -> str:
    # to_guide_json may hand back the structure or its serialisation; print either.
    return guide if isinstance(guide, str) else json.dumps(guide, ensure_ascii=False, indent=2)


def _message(error: Exception) -> str:
    """Return a one-line Chinese message; OSError's own text is English."""
    if isinstance(error, FileNotFoundError):
        return "找不到该文件。"
    if isinstance(error, IsADirectoryError):
        return "这是一个目录，不是文件。"
    if isinstance(error, PermissionError):
        return "没有读取该文件的权限。"
    if isinstance(error, OSError):
        return "无法读取该文件。"
    return " ".join(str(error).split()) or "无法读取该文件。"
