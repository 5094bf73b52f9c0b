"""English as the back office and the e-mails write it: day before month and a 24-hour clock.

Django's "en" is American (12/06/2026 for 6 December, "10:14 a.m."); the schools are in the Alps and
their English-speaking staff and clients read dates the European way. British English's formats, with
the time as the French pages show it.
"""

DATE_FORMAT = "j\u00a0M\u00a0Y"  # 6 Dec 2026, no-break spaces (the rule: config/formats/fr/formats.py)
TIME_FORMAT = "H:i"  # 14:30
DATETIME_FORMAT = "j\u00a0M\u00a0Y,\u00a0H:i"  # 6 Dec 2026, 14:30
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"  # 6 December
SHORT_DATE_FORMAT = "d/m/Y"  # 06/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"  # 06/12/2026 14:30
FIRST_DAY_OF_WEEK = 1  # Monday

# Typed dates, day first (the ISO forms, 2026-12-06, are accepted as well).
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y"]
DATETIME_INPUT_FORMATS = ["%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%y %H:%M"]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
