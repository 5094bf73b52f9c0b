"""French as the back office writes a day and a moment: 7 déc. 2026; 7 déc. 2026, 14:30.

The rule of the back office's dates (its English twin is config/formats/en/formats.py):
- a moment, something that happened or will happen at a time (received, sent, paid, changed, next
  try), is DATETIME_FORMAT: "7 déc. 2026, 14:30";
- a calendar day (arrival, departure, validity, a deadline) is DATE_FORMAT: "7 déc. 2026".
Templates write {{ value|date:"DATETIME_FORMAT" }} or {{ value|date:"DATE_FORMAT" }}; the inbox's and
the e-mails list's narrow columns keep their compact forms ("14:05", "hier 14:05", "3 déc.") with
the moment whole in their title. Machine values stay ISO ('c', 'Y-m-d'), and so do the CSV exports.
The first of a month is "1er" (1er déc. 2026) wherever the month is named: Django's "j" cannot say
it, msem/platform/first_of_month.py does, for the templates' |date and the dates written in Python.

The spaces are no-break spaces: on a phone a date moves to the next line whole, never "7 déc." on one
line and "2026" on the next. Only what Django's "fr" says otherwise is here; the rest is Django's
(SHORT_DATE_FORMAT 07/12/2026, the input formats, the numbers).
"""

DATE_FORMAT = "j\u00a0N\u00a0Y"  # 7 déc. 2026 ("N": the month's abbreviation with its dot, "juin" whole)
DATETIME_FORMAT = "j\u00a0N\u00a0Y,\u00a0H:i"  # 7 déc. 2026, 14:30
