import re

_WHITESPACE = re.compile(r"\s+")


def count_chars(text: str | None) -> int:
    """Characters as the regulation counts them: every character, whitespace not counted.

    Python strings are code points, so a Chinese character counts once (not three
    UTF-8 bytes) and so does an emoji; static/js/char-counter.js counts the same way.
    """
    return len(_WHITESPACE.sub("", text or ""))
