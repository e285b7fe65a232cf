"""What kind of file was uploaded to the people import, and its rows as CSV text.

A CSV file is taken as it is; an Excel workbook (.xlsx) is read with openpyxl and turned into
the same CSV text, so both go through the same checks and are stored the same way. Anything
else (a picture, a PDF, a Word document, an old .xls) is named in words, instead of its bytes
being shown as "the headings found".
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from datetime import date, datetime, time

from admin.people_import import MAX_ROWS, ImportFileError

WHAT_TO_DO = "Choose the list of people, saved as a CSV file or an Excel workbook (.xlsx)."

# The first bytes of kinds of file people pick by mistake, and what to call them.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "a PNG picture"),
    (b"\xff\xd8\xff", "a JPEG picture"),
    (b"GIF87a", "a GIF picture"),
    (b"GIF89a", "a GIF picture"),
    (b"II*\x00", "a TIFF picture"),
    (b"MM\x00*", "a TIFF picture"),
    (b"%PDF", "a PDF document"),
    # Also how Excel stores a workbook protected by a password, whatever its name.
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an older Excel workbook (.xls)"),
    (b"{\\rtf", "a Rich Text document"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x1f\x8b", "a compressed (gzip) file"),
)
# Inside a ZIP, the part that says what an Office or OpenDocument file is.
ZIP_KINDS = (
    ("xl/workbook.xml", "xlsx"),
    ("word/document.xml", "a Word document"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
)
OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.spreadsheet": "an OpenDocument spreadsheet (.ods)",
    b"application/vnd.oasis.opendocument.text": "an OpenDocument text document (.odt)",
}


def kind_of_file(content: bytes) -> str:
    """'csv', 'xlsx', or what the file is in words ("a PNG picture")."""
    for signature, kind in SIGNATURES:
        if content.startswith(signature):
            return kind
    if content[4:8] == b"ftyp":  # ISO media: iPhone photos (HEIC), MP4 and MOV videos
        return "a photo or video (HEIC, MP4 or MOV)"
    if content.startswith(b"RIFF") and content[8:12] == b"WEBP":
        return "a WebP picture"
    if content.startswith(b"PK\x03\x04"):
        return _kind_of_zip(content)
    if b"\x00" in content[:4096] and not _is_utf16(content):
        return "a file of binary data"
    return "csv"


def _is_utf16(content: bytes) -> bool:
    return content.startswith((b"\xff\xfe", b"\xfe\xff"))


def _kind_of_zip(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            for part, kind in ZIP_KINDS:
                if part in names:
                    return kind
            if "mimetype" in names:
                mimetype = archive.read("mimetype").strip()
                return OPENDOCUMENT.get(mimetype, "an OpenDocument file")
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return "a damaged ZIP archive"
    return "a ZIP archive"


def people_file_text(content: bytes) -> bytes | str:
    """The uploaded file as CSV (bytes as uploaded, or text made from a workbook), or
    ImportFileError naming what kind of file it is instead."""
    kind = kind_of_file(content)
    if kind == "csv":
        return content
    if kind == "xlsx":
        return workbook_as_csv(content)
    if kind.startswith("an older Excel"):
        raise ImportFileError(
            "This looks like an older Excel workbook (.xls), or a workbook protected by a "
            "password, which cannot be read here. Open it in Excel, remove any password, save it "
            "as an Excel workbook (.xlsx) or as CSV, and choose that file."
        )
    if kind.startswith("an OpenDocument spreadsheet"):
        raise ImportFileError(
            "This looks like an OpenDocument spreadsheet (.ods). Save it as an Excel workbook "
            "(.xlsx) or as CSV, then choose that file."
        )
    raise ImportFileError(f"This looks like {kind}, not a CSV or Excel file. {WHAT_TO_DO}")


def workbook_as_csv(content: bytes) -> str:
    """The first sheet of an Excel workbook as CSV text: each cell as the sheet shows its value
    (a formula's last calculated value), dates as 2026-11-23, whole numbers without ".0"."""
    try:
        return _first_sheet_as_csv(content)
    except ImportFileError:
        raise
    except Exception as error:  # openpyxl raises many kinds for a damaged file, even mid-sheet
        raise ImportFileError(
            f"The Excel workbook could not be opened ({type(error).__name__}). Open it in "
            "Excel, save it again as an Excel workbook (.xlsx) or as CSV, and try again."
        ) from error


def _first_sheet_as_csv(content: bytes) -> str:
    with warnings.catch_warnings():
        # openpyxl warns about styles and extensions it ignores; the values are what we need.
        warnings.simplefilter("ignore")
        from openpyxl import load_workbook  # imported by the import alone: every page starts faster

        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            if not workbook.worksheets:
                raise ImportFileError(f"The workbook has no sheets. {WHAT_TO_DO}")
            out = io.StringIO()
            writer = csv.writer(out, lineterminator="\n")
            written = 0
            for row in workbook.worksheets[0].iter_rows(values_only=True):
                cells = [_cell_text(value) for value in row]
                if any(cells):
                    written += 1
                    if written > MAX_ROWS + 1:
                        break  # the checks say the file is too long; no need to read the rest
                writer.writerow(cells)
        finally:
            workbook.close()
    return out.getvalue()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
