import re

# Whitespace, and the invisible characters that would pad a count (zero-width space, joiners,
# word joiner, BOM): the same set as static/js/char-counter.js.
_WHITESPACE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")


def count_chars(text: str | None) -> int:
    """Characters as the regulation counts them: every character, whitespace not counted.

    Python strings are code points, so a Chinese character counts once (not three
    UTF-8 bytes) and so does an emoji; static/js/char-counter.js counts the same way.
    """
    return len(_WHITESPACE.sub("", text or ""))


# Characters that end or break a line, or steer a terminal: C0/C1 controls, DEL, and the
# Unicode line and paragraph separators.
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_BREAKS = re.compile(r"(?:\s|[\x00-\x1f\x7f-\x9f\u2028\u2029])+")


def one_line(text: str | None) -> str:
    """``text`` on one line: every run of whitespace and control characters becomes one space
    (an e-mail subject must not hold a line break)."""
    return _BREAKS.sub(" ", text or "").strip()


def escape_controls(text: str) -> str:
    r"""Control characters written out as escapes (a newline as ``\n``): what goes into a log
    line can never start a new one."""
    return _CONTROLS.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)
