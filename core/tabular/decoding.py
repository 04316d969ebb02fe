"""Bytes to text: refuse what is not a text file, and find the encoding Excel or an editor used.

UTF-8 (a byte-order mark is removed), UTF-16 when the file starts with its
byte-order mark (Excel's "Unicode text"), else Windows-1252, else Latin-1; a note
says so when it is not UTF-8.
"""

from __future__ import annotations

import unicodedata

from .table import TableError

SAMPLE_CHARS = 64_000  # characters inspected to tell text from binary (and to sniff the delimiter)
# Share of control characters (other than tab, CR, LF) above which "text" is really binary.
_MAX_CONTROL_SHARE = 0.05
_MAGIC = (
    (b"PK\x03\x04", "a zip archive or an Excel workbook (.xlsx)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel workbook (.xls)"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
)
SAVE_AS_CSV = "Open it in your spreadsheet program and use Save As → 'CSV UTF-8 (comma delimited)'."


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding, notes) of a file's bytes; TableError for a binary, empty or undecodable file."""
    notes: list[str] = []
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise TableError(f"This file is {kind}, not a CSV text file. {SAVE_AS_CSV}")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise TableError(
                f"This file starts like UTF-16 text but could not be decoded. {SAVE_AS_CSV}"
            ) from None
        notes.append("The file is in UTF-16 (as Excel's 'Unicode text' saves); it was read as such.")
    else:
        if data.startswith(b"\xef\xbb\xbf"):
            # Excel's "CSV UTF-8" starts with a byte-order mark that would otherwise glue
            # itself to the first column name.
            data = data[3:]
            notes.append("Removed the byte-order mark (BOM) at the start of the file.")
            encoding = "utf-8-sig"
        else:
            encoding = "utf-8"
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # Windows-1252 first: it is what Excel writes on Western Windows, and it reads
            # the curly quotes and € that Latin-1 would turn into invisible controls.
            try:
                text, encoding, name = data.decode("cp1252"), "cp1252", "Windows-1252"
            except UnicodeDecodeError:
                text, encoding, name = data.decode("latin-1"), "latin-1", "Latin-1 (ISO-8859-1)"
            notes.append(
                f"The file is not in UTF-8, so it was read as {name}. If accented letters look "
                "wrong, save the file as 'CSV UTF-8' and upload it again."
            )
    if not text.strip():
        raise TableError(
            "The file is empty. Choose a CSV file with a header row of column names "
            "and at least two rows of numbers."
        )
    if "\x00" in text or _looks_binary(text[:SAMPLE_CHARS]):
        raise TableError(
            "This file does not look like text: it contains binary data, so it is not a CSV file "
            f"(or it is damaged). {SAVE_AS_CSV}"
        )
    return text, encoding, notes


def _looks_binary(text: str) -> bool:
    # A stray control character or two is a damaged text file, not a binary one.
    controls = sum(1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return controls > max(2, _MAX_CONTROL_SHARE * len(text))
