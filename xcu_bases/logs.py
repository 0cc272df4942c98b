"""The log formatter of settings.LOGGING: one record, one line (issue 14, item 6).

Our own calls already pass user-supplied values with ``%r``; this is the net under every other
logger (Django, django-axes, libraries): control characters in a record's message are written as
escapes, so nothing typed into a form can start a fake line. A traceback is still appended below
its record, as usual.
"""

import logging

from xcu_bases.text import escape_controls


class OneLineFormatter(logging.Formatter):
    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.message)
        return super().formatMessage(record)
