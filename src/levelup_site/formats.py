"""Dates and numbers written the way readers of the site's language expect.

Babel carries the Unicode CLDR data for every locale, so an en-US site reads
"December 14, 2022", an en-GB one "14 December 2022" and a de one "14. Dezember 2022"
without a table of our own. A language tag Babel does not know falls back to en-GB.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from babel.numbers import format_decimal

FALLBACK = "en_GB"


@lru_cache(maxsize=16)
def locale(language: str) -> Locale:
    try:
        return Locale.parse(language, sep="-" if "-" in language else "_")
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(FALLBACK)


def long_date(value: dt.date, language: str) -> str:
    """The date in words: "14 December 2022" (en-GB), "December 14, 2022" (en-US)."""
    return format_date(value, format="long", locale=locale(language))


def number(value: int | float, language: str) -> str:
    """A number with the language's separators: 1,250.5 (en) or 1.250,5 (de)."""
    return format_decimal(value, locale=locale(language))
