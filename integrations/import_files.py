"""Reading an uploaded ticket export (CSV or XLSX) with tablib, refusing malformed files whole.

A file is refused, with a message saying why and nothing imported, when it is too large, not
UTF-8 text, has a line longer than any real export would (10 MB of one line), rows of uneven
length, or a spreadsheet formula in any cell: a formula is never stored, evaluated or passed on.
"""

import csv
import io
import re

import tablib
from django.conf import settings

MAX_LINE_CHARS = 64 * 1024
MAX_ROWS = 200_000
# A cell that a spreadsheet would run: "=HYPERLINK(...)", "+SUM(A1)", "@cmd(...)".
FORMULA = re.compile(r"^\s*(=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\()")
XLSX_MAGIC = b"PK\x03\x04"


class FileRefused(Exception):
    """The whole file is refused; the message says why and what to do."""


def read_table(upload) -> tuple[list[str], list[tuple]]:
    """The headers and rows of an uploaded CSV or XLSX file, as text cells."""
    limit = settings.ETHICSKIT_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise FileRefused(
            f"The file is {upload.size / 1_000_000:.1f} MB; the limit is "
            f"{limit / 1_000_000:.0f} MB. Split the export into smaller files."
        )
    raw = upload.read()
    if not raw.strip():
        raise FileRefused("The file is empty.")
    if raw.startswith(XLSX_MAGIC) or upload.name.lower().endswith(".xlsx"):
        dataset = _load_xlsx(raw)
    else:
        dataset = _load_csv(raw)
    headers = [str(header or "").strip() for header in (dataset.headers or [])]
    if not any(headers):
        raise FileRefused("The first row must name the columns (ticket id, agent, ...).")
    rows = [tuple(_cell(value) for value in row) for row in dataset]
    if len(rows) > MAX_ROWS:
        raise FileRefused(f"The file has {len(rows):,} rows; import at most {MAX_ROWS:,} at once.")
    _refuse_formulas(headers, rows)
    return headers, rows


def _cell(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # a date or time cell of a workbook
        return value.isoformat()
    return str(value).strip()


def _load_csv(raw: bytes) -> tablib.Dataset:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"The file is not UTF-8 text (a byte at position {error.start} is not). "
            "Save it as 'CSV UTF-8' and upload it again."
        ) from None
    for number, line in enumerate(io.StringIO(text), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise FileRefused(
                f"Line {number} is longer than {MAX_LINE_CHARS // 1024} KB: this is not a "
                "ticket export. Export one ticket per line."
            )
    try:
        # tablib pads short rows; an export with uneven rows has lost its quotes or separators.
        widths = {len(record) for record in csv.reader(io.StringIO(text)) if record}
        if len(widths) > 1:
            raise tablib.InvalidDimensions
        return tablib.Dataset().load(text, format="csv")
    except tablib.InvalidDimensions:
        raise FileRefused(
            "Some rows have more or fewer columns than the first row: check the export's "
            "separators and quotes."
        ) from None
    except (csv.Error, tablib.UnsupportedFormat) as error:
        raise FileRefused(f"The file could not be read as CSV: {error}.") from None


def _load_xlsx(raw: bytes) -> tablib.Dataset:
    try:
        return tablib.Dataset().load(raw, format="xlsx")
    except tablib.InvalidDimensions:
        raise FileRefused("Some rows of the sheet have more columns than its first row.") from None
    except Exception:  # openpyxl raises many kinds for a damaged workbook
        raise FileRefused(
            "The file could not be read as an Excel workbook (.xlsx). Save it again from the "
            "spreadsheet, or export it as CSV UTF-8."
        ) from None


def _refuse_formulas(headers: list[str], rows: list[tuple]) -> None:
    for number, row in enumerate(rows, start=2):
        for column, value in zip(headers, row, strict=False):
            if value and value[0] in "=+-@" and FORMULA.match(value):
                raise FileRefused(
                    f"Row {number}, column '{column}' holds a formula ({value[:30]!r}). "
                    "Nothing was imported: export values only, without formulas."
                )
