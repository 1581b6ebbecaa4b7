"""Phone numbers as people type them, normalised so one person is one number.

Moroccan numbers are written many ways ("06 12 34 56 78", "+212 6-12-34-56-78",
"00212612345678"); all become "+212612345678". A number given with its country code stays
international. Nothing here calls a network service.
"""

import re

DEFAULT_COUNTRY_CODE = "212"
_SEPARATORS = re.compile(r"[\s.\-/()]")


def normalise_phone(raw):
    """The E.164 form of a phone number, or "" when it is not one."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if digits.startswith("+"):
        number = digits[1:]
    elif digits.startswith("0") and len(digits) == 10:
        number = DEFAULT_COUNTRY_CODE + digits[1:]
    elif digits.startswith(DEFAULT_COUNTRY_CODE) and len(digits) == 12:
        number = digits
    else:
        return ""
    if not number.isdigit() or not 8 <= len(number) <= 15 or number.startswith("0"):
        return ""
    if number.startswith(DEFAULT_COUNTRY_CODE) and len(number) != 12:
        return ""
    return "+" + number
