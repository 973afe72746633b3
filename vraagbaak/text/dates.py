"""Dutch dates: the month and day names, and a date written the Dutch way ("5 december 2026"). One list for
the memo, the e-mail loader, the first-page reader and the answer's kind check. Pure."""
from __future__ import annotations

import datetime as dt

MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")
# as a day's month is abbreviated in minutes and agendas ("vrij 11 sept. 15.00 uur", "3 mrt 2021")
MONTH_ABBREVIATIONS = ("jan", "feb", "mrt", "apr", "jun", "jul", "aug", "sep", "sept", "okt", "nov", "dec")
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


def dutch_date(day: dt.date | None = None) -> str:
    """"5 december 2026" (today without a date)."""
    day = day or dt.date.today()
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
