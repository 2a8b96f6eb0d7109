"""Write a small OLE compound file (version 3, 512-byte sectors) naming the given top-level streams.

What an .xls, a .ppt, an old Works .wps or a password-protected .docx looks like to the
code that tells them from a Word document: a compound file whose directory lists other
streams. The streams are empty; only the directory is read.
"""
import struct

MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
FREE, END, FAT_SECTOR, NO_ENTRY = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _entry(name: str, kind: int, *, right=NO_ENTRY, child=NO_ENTRY) -> bytes:
    encoded = (name + "\x00").encode("utf-16-le")
    return struct.pack("<64sHBBIII16sI16sIQ", encoded, len(encoded), kind, 1, NO_ENTRY, right, child,
                       b"\x00" * 16, 0, b"\x00" * 16, END if kind == 5 else 0, 0)


def ole_file(*streams: str) -> bytes:
    """Return the bytes of a compound file whose root holds ``streams`` (all in one directory chain)."""
    entries = [_entry("Root Entry", 5, child=1 if streams else NO_ENTRY)]
    for index, name in enumerate(streams, start=1):
        entries.append(_entry(name, 2, right=index + 1 if index < len(streams) else NO_ENTRY))
    while len(entries) % 4:
        entries.append(b"\x00" * 64 + struct.pack("<HBB", 0, 0, 0) + b"\xff" * 12 + b"\x00" * 48)
    directory_sectors = len(entries) // 4
    fat = [FAT_SECTOR] + [number + 1 for number in range(1, directory_sectors)] + [END]
    fat += [FREE] * (128 - len(fat))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", MAGIC, b"\x00" * 16, 0x3E, 3, 0xFFFE, 9, 6, b"\x00" * 6,
                         0, 1, 1, 0, 4096, END, 0, END, 0)
    header += struct.pack("<109I", 0, *[FREE] * 108)
    return header + struct.pack("<128I", *fat) + b"".join(entries)
