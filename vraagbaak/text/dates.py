"""Dutch dates: the month and day names, a year, and a date written the Dutch way ("5 december 2026"). One list
for the memo, the e-mail loader, the first-page reader and the answer's kind and year checks. Pure."""
from __future__ import annotations

import datetime as dt
import re

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
# as a day's month is abbreviated in minutes and agendas ("vrij 11 sept. 15.00 uur", "3 mrt 2021")
MONTH_ABBREVIATIONS = ("jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
# a year on its own, not part of an amount, a version or a day ("2.019", "1.2020", "13-07-2015" holds 2015 but no
# year on its own); both years of a period ("2016-2020")
YEAR = re.compile(r"(?<![\d.,/-])(?:19|20)\d\d(?![\d.,]\d)|(?<=(?:19|20)\d\d[-–])(?:19|20)\d\d(?![\d.,]\d)")


def dutch_date(day: dt.date | None = None) -> str:
    """"5 december 2026" (today without a date)."""
    day = day or dt.date.today()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


_MONTH_NUMBER = {**{m: i for i, m in enumerate(MONTHS, start=1)},
                 **dict(zip(MONTH_ABBREVIATIONS, (1, 2, 3, 4, 6, 7, 8, 9, 9, 10, 11, 12)))}
_WRITTEN_DAY = re.compile(rf"(?<![\d.,])(\d{{1,2}})\s+({'|'.join(sorted(_MONTH_NUMBER, key=len, reverse=True))})\b\.?"
                          r"(?:\s+((?:19|20)\d\d)\b)?", re.I)
# "13-07-2015", "1/10/20"; with dots only a full year ("13.07.2015"): "versie 1.4.31" is no day
_NUMERIC_DAY = re.compile(r"(?<![\d.,/-])(\d{1,2})(?:([-/])(\d{1,2})\2((?:19|20)?\d\d)|\.(\d{1,2})\.((?:19|20)\d\d))"
                          r"(?![\d/.-]\d)")


def days_named(text: str) -> list[tuple[str, int, int, str | None]]:
    """Every day a text names, as (written, day, month, year or None): "13 juli 2015", "13 jul.", "13-07-2015",
    "1/10/2020". A number with a month and no day ("juli 2015") names no day."""
    found = []
    for m in _WRITTEN_DAY.finditer(text):
        day, month = int(m.group(1)), _MONTH_NUMBER[m.group(2).lower()]
        if 1 <= day <= 31:
            found.append((m.group(0).rstrip("."), day, month, m.group(3)))
    for m in _NUMERIC_DAY.finditer(text):
        day, month, year = int(m.group(1)), int(m.group(3) or m.group(5)), m.group(4) or m.group(6)
        if 1 <= day <= 31 and 1 <= month <= 12:
            found.append((m.group(0), day, month, year if len(year) == 4 else f"20{year}"))
    return found
