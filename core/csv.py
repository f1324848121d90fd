"""What every CSV download shares: cells a spreadsheet will not run, and rows streamed as made."""

import csv

from django.http import StreamingHttpResponse


def csv_cell(value) -> str:
    """Text that a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    text = "" if value is None else str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    """A file-like object whose write() hands the line back, for StreamingHttpResponse."""

    def write(self, value):
        return value


def csv_response(header: list, rows, filename: str) -> StreamingHttpResponse:
    """A CSV download streamed as it is made, so a long file never sits in memory whole.
    `rows` yields lists of cells; text cells should go through `csv_cell`."""
    writer = csv.writer(_Echo())

    def lines():
        yield writer.writerow(header)
        for row in rows:
            yield writer.writerow(row)

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
