"""Bidirectional text: what people type can neither reverse the text around it nor carry its
control characters into a name, a slug or a file name.

The site mixes French, English and Arabic, and people write names and messages in both
scripts. A RIGHT-TO-LEFT OVERRIDE (U+202E) in a name would otherwise reverse whatever follows
it on the same line: "Fatou wrote:", a price, a file name ("facture", U+202E, "fdp.exe" reads
"factureexe.pdf"). Three defences, each in one place:

- names and titles lose the explicit formatting characters when they are saved
  (`strip_bidi_controls`, used by `NameField` and by the services);
- user text is isolated wherever it is shown: `<bdi>` in HTML (`isolate_html`), FIRST STRONG
  ISOLATE … POP DIRECTIONAL ISOLATE in plain text (`isolate`: e-mails, `<title>`, attribute
  values, calendar files). The isolate is balanced first, so that a stray POP DIRECTIONAL
  ISOLATE in the text cannot close it early (`balanced`);
- slugs and file names take no bidirectional control at all, marks included (`safe_filename`).

The marks U+200E, U+200F and U+061C are legitimate in names (they fix the place of a digit or
of punctuation in Arabic text) and stay in names; only slugs and file names lose them.
"""

import re

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeData, mark_safe

LRI, RLI, FSI, PDI = "\u2066", "\u2067", "\u2068", "\u2069"
# LRE, RLE, PDF, LRO, RLO and the isolates: formatting, never content.
EXPLICIT_FORMATTING = re.compile("[\u202a-\u202e\u2066-\u2069]")
# Unicode's Bidi_Control property: the above and the marks (ALM, LRM, RLM).
BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ISOLATE_CHARACTERS = re.compile(f"[{LRI}{RLI}{FSI}{PDI}]")
_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


def strip_bidi_controls(value):
    """A name or a title without explicit directional formatting (U+202A–U+202E,
    U+2066–U+2069); the marks stay. Anything but a string is returned as it is."""
    if not isinstance(value, str):
        return value
    return EXPLICIT_FORMATTING.sub("", value)


def balanced(text):
    """`text` with its isolates balanced: a POP DIRECTIONAL ISOLATE that closes nothing opened
    in the text is dropped (it would close the isolate put around the text), and isolates left
    open are closed at the end. Embeddings and overrides need nothing: the closing PDI of the
    isolate around the text ends them (UAX #9, rule X6a)."""
    if not _ISOLATE_CHARACTERS.search(text):
        return text
    parts, depth, position = [], 0, 0
    for match in _ISOLATE_CHARACTERS.finditer(text):
        if match.group() != PDI:
            depth += 1
        elif depth:
            depth -= 1
        else:
            parts.append(text[position : match.start()])
            position = match.end()
    parts.append(text[position:])
    return "".join(parts) + PDI * depth


def isolate(value):
    """User text for plain text (an e-mail, a `<title>`, an attribute value, a calendar file):
    between FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE, so that it takes its direction
    from its own first letter and leaves the text around it alone. In plain text every line is
    a paragraph of its own, which an isolate cannot span: each line is isolated. Empty stays
    empty."""
    text = "" if value is None else str(value)
    return "".join(
        f"{FSI}{balanced(line)}{PDI}{end}" if line else end for line, end in _LINE.findall(text)
    )


def isolate_html(value):
    """User text for HTML, inline: escaped (unless it is safe HTML already, such as search
    highlights) and isolated in a `<bdi>` element. Empty stays empty."""
    if value is None or value == "":
        return ""
    html = str(value) if isinstance(value, SafeData) else escape(str(value))
    return mark_safe(f"<bdi>{balanced(html)}</bdi>")  # noqa: S308 - escaped above or safe already


def safe_filename(name, default="file"):
    """A file name for a header or an attachment: no bidirectional control of any kind, no
    path, never empty."""
    name = BIDI_CONTROLS.sub("", str(name or "")).replace("/", "_").replace("\\", "_").strip()
    return name or default


class NameField(forms.CharField):
    """A single-line name or title (a person's, a business's, an offer's, …): saved without
    explicit directional formatting, typed in a box that takes its direction from its text.

    The characters go before the required check, so a name made only of them is refused as
    empty rather than saved as nothing."""

    def to_python(self, value):
        return super().to_python(strip_bidi_controls(value))

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "dir": "auto"}


class IsolatedChoiceField(forms.ModelChoiceField):
    """A choice among things people named (businesses, programmes, …): an <option> holds text
    only, so each name is isolated in it as plain text."""

    def label_from_instance(self, obj):
        return isolate(super().label_from_instance(obj))
