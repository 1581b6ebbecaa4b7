# Django's Arabic formats leave the date-and-time formats out, so event times fell back to
# the American "N j, Y, P" ("ديسمبر 11, 2026, 10 ص"). Morocco writes the day first and the
# time on 24 hours, as the French pages do; dates alone read the same way, without Django's
# comma between month and year.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y، H:i"
SHORT_DATETIME_FORMAT = "d‏/m‏/Y H:i"
TIME_FORMAT = "H:i"
