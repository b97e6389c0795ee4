"""CSV cells a spreadsheet will not run as formulas (CSV injection)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import Any

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")


def spreadsheet_safe(value: object) -> str:
    """A cell a spreadsheet will not run: text starting with = + - @ or a control character gets a leading '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def csv_lines(header: list[str], rows: Iterable[list[Any]], *, byte_order_mark: bool = False) -> Iterator[str]:
    """A CSV file written a few hundred rows at a time (for a streamed download), every cell spreadsheet-safe.
    A byte-order mark makes a spreadsheet read the file as UTF-8 (names in Welsh or Arabic)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flushed() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(header)
    yield ("\ufeff" if byte_order_mark else "") + flushed()
    for number, row in enumerate(rows, start=1):
        writer.writerow([spreadsheet_safe(value) for value in row])
        if number % 200 == 0:
            yield flushed()
    yield flushed()
