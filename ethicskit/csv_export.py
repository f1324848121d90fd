"""What every CSV download shares: cells a spreadsheet will not run, and rows streamed as made."""

import csv


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


def csv_writer():
    return csv.writer(_Echo())
