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
