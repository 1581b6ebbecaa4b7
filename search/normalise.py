"""One folding of text for every backend, applied to documents and to queries alike.

Engines disagree on accents and Arabic spelling (an OpenSearch emulator ignores Arabic
analysers; SQLite knows neither), so the application folds before any engine sees the text:
lower case; Latin accents removed ("Coopérative" → "cooperative"); Arabic normalised — alef
variants to bare alef, taa marbuta to haa, alef maqsura to yaa, tatweel and harakat removed
("تعاونية" and "تعاونيه" agree, so do "أعمال" and "اعمال").
"""

import re
import unicodedata

_ARABIC = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ة": "ه",
        "ى": "ي",
        "ـ": None,  # tatweel
    }
)
_WORD = re.compile(r"\w+", re.UNICODE)


_APOSTROPHES = {"'", "’", "ʼ", "`"}


def _fold_char(char):
    if unicodedata.combining(char):  # Latin accents and Arabic harakat alike
        return ""
    if char in _APOSTROPHES:  # "d'argan" is "d" and "argan" for every engine
        return " "
    return char.translate(_ARABIC)


def fold_with_map(text):
    """The folded text and, for each folded character, the index of its source character,
    so that a highlight found in folded text can be put back on the original."""
    folded, origin = [], []
    for index, char in enumerate(text):
        for part in unicodedata.normalize("NFKD", char):
            part = _fold_char(part).lower()
            folded.append(part)
            origin.extend([index] * len(part))
    return "".join(folded), origin


def fold(text):
    return fold_with_map(text or "")[0]


def terms(query):
    """The folded words of a query, in order, without repeats; single letters (the "d" of
    "d'argan", "l" of "l'atelier") are left out when there are other words."""
    words = list(dict.fromkeys(_WORD.findall(fold(query))))
    longer = [word for word in words if len(word) > 1]
    return longer or words
