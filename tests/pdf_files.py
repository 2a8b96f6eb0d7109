"""Small PDFs written by hand: plain pages of Latin text, and hostile files for the reader's limits.

``write`` lays out numbered objects with a correct cross-reference table, so PDFium reads
the file as it is and does not fall back to repairing it.
"""
import zlib


def write(objects: list[bytes]) -> bytes:
    """Return a PDF of ``objects`` (object 1 is the catalog), numbered from 1, with its xref table."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def stream(content: bytes, *, compress=False, extra=b"") -> bytes:
    if compress:
        content = zlib.compress(content, 9)
        extra += b" /Filter /FlateDecode"
    return b"<< /Length %d%s >>\nstream\n" % (len(content), extra) + content + b"\nendstream"


def text_pages(pages: list[list[str]], *, resources=b"<< /Font << /F1 3 0 R >> >>") -> bytes:
    """A Letter-size PDF whose pages hold the given lines of Latin text, 14 pt apart from the top."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    kids = []
    for lines in pages:
        ops = b"BT /F1 12 Tf 72 720 Td 14 TL " + b"".join(
            b"(%s) Tj T* " % line.encode("latin-1").replace(b"(", b"\\(").replace(b")", b"\\)") for line in lines) + b"ET"
        objects.append(stream(ops))
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources %s /Contents %d 0 R >>"
                       % (resources, len(objects)))
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (len(kids), b" ".join(b"%d 0 R" % k for k in kids))
    return write(objects)


def nested(depth: int) -> bytes:
    """One page whose resources hold an array nested ``depth`` deep."""
    deep = b"[" * depth + b"]" * depth
    return text_pages([["Nested"]], resources=b"<< /Font << /F1 3 0 R >> /Deep " + deep + b" >>")


def inflating(megabytes: int) -> bytes:
    """One page whose content stream inflates to ``megabytes`` MB of drawing operators."""
    chunk = b"0 0 m 1 1 l S\n" * 4096
    compressor = zlib.compressobj(1)  # fast: the test only needs the size it inflates to
    body = b"".join(compressor.compress(chunk) for _ in range(megabytes * 1024 * 1024 // len(chunk)))
    body += compressor.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 1 /Kids [4 0 R] >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 3 0 R >>"]
    return write(objects)


def page_tree_loop() -> bytes:
    """A page tree whose node lists itself among its kids."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Count 2 /Kids [2 0 R 3 0 R] >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>"]
    return write(objects)
