"""Reading the papers back, and looking at them.

``read`` opens a .docx with python-docx; the small readers below return what the tests
assert on (texts, table rows, column widths, fonts, the footer's field). ``render``
turns a .docx into a PDF with LibreOffice headless and into PNGs with pdftoppm, and
reports each page's size and the words' boxes, so a test can check the page count,
the orientation and that no text runs past the text block.

Where soffice or poppler is missing the render tests skip with the reason; with
DUBAN_REQUIRE_RENDER=1 (set by .ci/run) they fail instead. The PNGs stay in
$DUBAN_PAPER_PNG_DIR (default: duban-papers under the temp directory) for a person to
look at.
"""
import io
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Emu

SOFFICE_TIMEOUT = 180  # seconds: a cold LibreOffice start on a loaded 2-core machine
POINTS_PER_MM = 72 / 25.4


def read(data: bytes):
    return docx.Document(io.BytesIO(data))


def mm(length) -> float:
    """A python-docx length (EMU) in millimetres, to 0.1 mm."""
    return round(Emu(length).mm, 1)


def body_texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def all_text(document) -> str:
    """Every word of the document: paragraphs, tables and footers."""
    parts = body_texts(document)
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    for section in document.sections:
        for footer in (section.footer, section.even_page_footer):
            parts.extend(p.text for p in footer.paragraphs)
    return "\n".join(parts)


def rows(table) -> list[list[str]]:
    """The table's rows as texts; a merged row counts once (python-docx repeats the merged cell)."""
    result = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                cells.append(cell.text)
        result.append(cells)
    return result


def grid_mm(table) -> list[float]:
    """The table's column widths (w:gridCol, twips) in millimetres."""
    return [int(col.get(qn("w:w"))) / 1440 * 25.4 for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def text_width_mm(section) -> float:
    return Emu(section.page_width - section.left_margin - section.right_margin).mm


def fonts(rpr) -> dict:
    """The w:rFonts slots of a style's or run's rPr: {"ascii": …, "eastAsia": …, …}."""
    element = rpr.find(qn("w:rFonts"))
    return {} if element is None else {qn_local(k): v for k, v in element.attrib.items()}


def qn_local(name: str) -> str:
    return name.split("}", 1)[-1]


def footer_fields(footer) -> list[str]:
    """The field instructions in a footer (complex fields' instrText and simple fields)."""
    element = footer._element
    found = [t.text.strip() for t in element.iter(qn("w:instrText"))]
    found += [f.get(qn("w:instr")).strip() for f in element.iter(qn("w:fldSimple"))]
    return found


# Rendering -----------------------------------------------------------------------------

def tools() -> dict:
    return {name: shutil.which(name) for name in ("soffice", "pdftoppm", "pdfinfo", "pdftotext")}


def render_required() -> bool:
    return os.environ.get("DUBAN_REQUIRE_RENDER", "") not in ("", "0")


def require_renderer():
    """Skip (or, with DUBAN_REQUIRE_RENDER=1, fail) unless LibreOffice and poppler are installed."""
    missing = [name for name, path in tools().items() if not path]
    if missing:
        reason = (f"未找到 {'、'.join(missing)}：跳过 Word 文书的渲染检查"
                  "（apt-get install libreoffice-writer-nogui poppler-utils）")
        if render_required():
            pytest.fail(f"DUBAN_REQUIRE_RENDER=1，但{reason}")
        pytest.skip(reason)


def require_calc():
    """Skip (or, with DUBAN_REQUIRE_RENDER=1, fail) unless LibreOffice can open a workbook (Calc installed)."""
    require_renderer()
    program = Path(tools()["soffice"]).resolve().parent
    if not (program / "libsclo.so").exists() and not (program / "libsclo.dylib").exists():
        reason = "LibreOffice 未安装 Calc：跳过台账的渲染检查（apt-get install libreoffice-calc-nogui）"
        if render_required():
            pytest.fail(f"DUBAN_REQUIRE_RENDER=1，但{reason}")
        pytest.skip(reason)


def png_dir() -> Path:
    path = Path(os.environ.get("DUBAN_PAPER_PNG_DIR") or Path(tempfile.gettempdir()) / "duban-papers")
    path.mkdir(parents=True, exist_ok=True)
    return path


# The 公文 fonts are Windows/WPS fonts. Without them LibreOffice on Linux draws every
# script in one fallback face; this maps them as a Linux desktop's fontconfig would, to
# the Noto CJK SC faces of fonts-noto-cjk (serif for 仿宋/楷体/宋体/小标宋, sans for 黑体),
# so the pictures show which text is in which font. The .docx itself is unchanged.
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
{matches}
</fontconfig>
"""
FONT_MAP = {"仿宋_GB2312": ("Noto Serif CJK SC", ""), "楷体_GB2312": ("Noto Serif CJK SC", ""),
            "宋体": ("Noto Serif CJK SC", ""), "方正小标宋简体": ("Noto Serif CJK SC", "bold"),
            "黑体": ("Noto Sans CJK SC", "")}


def fonts_conf(folder: Path) -> Path:
    matches = []
    for name, (face, weight) in FONT_MAP.items():
        extra = f'<edit name="weight" mode="assign"><const>{weight}</const></edit>' if weight else ""
        matches.append(f'  <match target="pattern"><test name="family"><string>{name}</string></test>'
                       f'<edit name="family" mode="assign" binding="strong"><string>{face}</string></edit>{extra}</match>')
    path = folder / "fonts.conf"
    path.write_text(FONTS_CONF.format(matches="\n".join(matches)), encoding="utf-8")
    return path


@dataclass
class Word:
    page: int
    x_min: float
    y_min: float
    x_max: float
    y_max: float
    text: str


CLOSING_PUNCTUATION = set("。，、；：？！）」』”’》〉】")


def hanging(word: Word) -> float:
    """How far ``word`` may hang past the right edge: the width of its trailing closing punctuation."""
    trailing = len(word.text) - len(word.text.rstrip("".join(CLOSING_PUNCTUATION)))
    return (word.x_max - word.x_min) / len(word.text) * trailing if word.text else 0.0


@dataclass
class Rendered:
    pdf: Path
    pngs: list[Path]
    page_sizes: list[tuple[float, float]]  # points, (width, height)
    words: list[Word] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.page_sizes)

    def landscape(self) -> list[bool]:
        return [w > h for w, h in self.page_sizes]

    def words_outside(self, *, left_mm, right_mm, tolerance_pt=1.5) -> list[Word]:
        """Words that stick out of the text block sideways (a table too wide, a line that does not wrap).

        A line's closing 。）may hang in the right margin: Word and WPS hang CJK punctuation
        by default (允许标点溢出边界), and LibreOffice follows them. That is typesetting, not
        a line that ran over, so a word may pass the edge by as many characters as it ends
        with closing punctuation, and no further.
        """
        outside = []
        for word in self.words:
            width = self.page_sizes[word.page - 1][0]
            right_edge = width - right_mm * POINTS_PER_MM + tolerance_pt
            if word.x_min < left_mm * POINTS_PER_MM - tolerance_pt or word.x_max > right_edge + hanging(word):
                outside.append(word)
        return outside


def render(data: bytes, name: str, *, dpi=60, suffix=".docx") -> Rendered:
    """Render a .docx (or, with ``suffix=".xlsx"``, a workbook) to PDF and PNGs under png_dir()/``name``.

    Return the pages' facts.
    """
    require_renderer()
    # A folder of this run's own (parallel test runs on one machine must not share one); it
    # replaces png_dir()/name once the pictures are made.
    folder = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=png_dir()))
    source = folder / f"{name}{suffix}"
    source.write_bytes(data)
    with tempfile.TemporaryDirectory(prefix="duban-lo-") as profile:
        # A private profile per run: parallel runs would otherwise fight over one.
        command = [tools()["soffice"], f"-env:UserInstallation={Path(profile).as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        env = {**os.environ, "FONTCONFIG_FILE": str(fonts_conf(folder)), "HOME": profile}
        done = subprocess.run(command, capture_output=True, text=True, timeout=SOFFICE_TIMEOUT, env=env, check=False)
    pdf = folder / f"{name}.pdf"
    assert done.returncode == 0 and pdf.exists(), f"LibreOffice 未能转换 {source}：{done.stderr or done.stdout}"
    info = subprocess.run([tools()["pdfinfo"], "-f", "1", "-l", "9999", str(pdf)],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    sizes = [(float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)]
    subprocess.run([tools()["pdftoppm"], "-r", str(dpi), "-png", str(pdf), str(folder / "page")],
                   check=True, timeout=120)
    words = _words(pdf)
    final = png_dir() / name
    shutil.rmtree(final, ignore_errors=True)
    try:
        folder = folder.rename(final)
    except OSError:  # another run put its pictures there meanwhile: ours stay in their own folder
        pass
    pdf = folder / pdf.name
    return Rendered(pdf=pdf, pngs=sorted(folder.glob("page-*.png")), page_sizes=sizes, words=words)


def _words(pdf: Path) -> list[Word]:
    html = subprocess.run([tools()["pdftotext"], "-bbox", str(pdf), "-"],
                          capture_output=True, text=True, check=True, timeout=60).stdout
    words, page = [], 0
    for line in html.splitlines():
        if "<page " in line:
            page += 1
        match = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>', line)
        if match:
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            words.append(Word(page, x0, y0, x1, y1, match.group(5)))
    return words
