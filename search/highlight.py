"""Snippets with the query's words marked, computed the same way for every backend.

Matching happens on folded text (search.normalise) and the marks are put back on the
original text, so "couturiere" marks "Couturière" and "تعاونيه" marks "تعاونية".
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from config.bidi import strip_bidi_controls
from search.normalise import fold_with_map

_WORD = re.compile(r"\w+")


def _spans(text, terms):
    """(start, end) of the original text's words that start with one of the terms."""
    folded, origin = fold_with_map(text)
    spans = []
    for match in _WORD.finditer(folded):
        word = match.group()
        if any(word.startswith(term) for term in terms):
            spans.append((origin[match.start()], origin[match.end() - 1] + 1))
    return spans


def _marked(text, spans):
    parts, position = [], 0
    for start, end in spans:
        parts.append(escape(text[position:start]))
        parts.append(f"<mark>{escape(text[start:end])}</mark>")
        position = end
    parts.append(escape(text[position:]))
    return "".join(parts)


def highlight(text, terms):
    """The whole text, escaped, with the matching words in <mark>."""
    return mark_safe(_marked(text or "", _spans(text or "", terms) if terms else []))  # noqa: S308 - escaped above


def snippet(text, terms, length=180):
    """About `length` characters around the first match (or the start), escaped and marked.

    A snippet runs several fields together and is cut anywhere: the explicit directional
    formatting of one field (an override, an embedding) would run on into the next, or be cut
    from its end. It is left out; the page isolates the snippet as a whole."""
    text = " ".join(strip_bidi_controls(text or "").split())
    spans = _spans(text, terms) if terms else []
    if len(text) <= length:
        window_start, window_end = 0, len(text)
    else:
        first = spans[0][0] if spans else 0
        window_start = max(0, first - length // 3)
        window_end = min(len(text), window_start + length)
        # Whole words only.
        if window_start:
            window_start = text.find(" ", window_start) + 1 or window_start
        cut = text.rfind(" ", window_start, window_end)
        if window_end < len(text) and cut > window_start:
            window_end = cut
    inside = [
        (s - window_start, e - window_start)
        for s, e in spans
        if s >= window_start and e <= window_end
    ]
    body = _marked(text[window_start:window_end], inside)
    prefix = "… " if window_start else ""
    suffix = " …" if window_end < len(text) else ""
    return mark_safe(prefix + body + suffix)  # noqa: S308 - escaped in _marked
